package passes

import (
	"errors"
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// dot marks every outermost loop that ir.PlanDot accepts as a packed dot
// product (ir.Loop.Dot): a nest whose i32 accumulators sum signed
// activation bytes times codes unpacked from loaded bytes, like the group
// loop of a 3.5-bit or 4-bit matmul. The emitters then compute it 64
// products at a time (vpermb, vpmultishiftqb and vpdpbusd where the target
// has them; vector shuffles, shifts and multiplies elsewhere). Loops inside
// a dot loop are left alone, and so are vector and parallel loops. A loop
// with i32 accumulators that the plan refuses gets a remark saying why,
// with a note at the op to blame.
func dot(f *ir.Func, o Options, d *diag.List) error {
	dotBlock(f, f.Body, nil, nil, o.Int("rows"), o.Int("groups"), d)
	return nil
}

// dotBlock marks the dot loops under b; path holds the loops around b,
// outermost first, and blocks the block holding each.
func dotBlock(f *ir.Func, b *ir.Block, path []*ir.Op, blocks []*ir.Block, rows, groups int64, d *diag.List) {
	for k := 0; k < len(b.Ops); k++ {
		op := b.Ops[k]
		if op.Code != ir.OpFor {
			continue
		}
		l := op.Loop
		if l.Vector == 0 && !l.Parallel && accumulatesI32(l) {
			_, err := ir.PlanDot(op)
			if err == nil {
				if rows > 1 && len(path) > 0 {
					if nd, _ := jamRows(f, append(path[:len(path):len(path)], op), append(blocks[:len(blocks):len(blocks)], b), rows); nd != nil {
						nd.Loop.Dot = true
						dotRemark(d, op, nil, "loop %s is a packed dot product, with %d rows of the loop around it jammed into it to share each unpacked code", depName(l.IV), rows)
						continue
					}
				}
				if groups > 1 && len(path) > 0 && int64(len(l.IterArgs))*groups <= maxJamAccs {
					if nd, _ := jamGroups(f, path[len(path)-1], op, blocks[len(blocks)-1], groups); nd != nil {
						nd.Loop.Dot = true
						dotRemark(d, op, nil, "loop %s is a packed dot product, with %d iterations of loop %s jammed into it to sum their groups together", depName(l.IV), groups, depName(path[len(path)-1].Loop.IV))
						continue
					}
				}
				l.Dot = true
				dotRemark(d, op, nil, "loop %s is a packed dot product", depName(l.IV))
				continue
			}
			var ve *ir.VectorError
			if errors.As(err, &ve) {
				dotRemark(d, op, ve.At, "loop %s is not a packed dot product: %s", depName(l.IV), ve.Msg)
			}
		}
		dotBlock(f, l.Body, append(path, op), append(blocks, b), rows, groups, d)
	}
}

func accumulatesI32(l *ir.Loop) bool {
	for _, a := range l.IterArgs {
		if a.Type != ir.I32 {
			return false
		}
	}
	return len(l.IterArgs) > 0
}

// dotRemark reports on the loop op, with a note at the op at when it is
// another op.
func dotRemark(d *diag.List, op, at *ir.Op, format string, args ...any) {
	if d == nil {
		return
	}
	r := diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(op.Pos, len("for")), Msg: fmt.Sprintf(format, args...)}
	if at != nil && at != op {
		r.Notes = append(r.Notes, diag.Diagnostic{Severity: diag.Note, Span: diag.SpanOf(at.Pos, 0), Msg: "this " + at.Code.String()})
	}
	d.Add(r)
}

// maxJamAccs bounds the accumulators a groups jam may make.
const maxJamAccs = 32

// maxDotRows bounds the rows option: the accumulators of a jammed dot loop
// are rows times the original's.
const maxDotRows = 64

func checkDotOptions(o Options) error {
	if r := o.Int("rows"); r < 1 || r > maxDotRows {
		return fmt.Errorf("dot: rows=%d is out of range [1, %d]", r, int64(maxDotRows))
	}
	if g := o.Int("groups"); g < 1 || g > maxDotRows {
		return fmt.Errorf("dot: groups=%d is out of range [1, %d]", g, int64(maxDotRows))
	}
	return nil
}
