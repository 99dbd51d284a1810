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
func dot(f *ir.Func, _ Options, d *diag.List) error {
	dotBlock(f.Body, d)
	return nil
}

func dotBlock(b *ir.Block, d *diag.List) {
	for _, op := range b.Ops {
		if op.Code != ir.OpFor {
			continue
		}
		l := op.Loop
		if l.Vector == 0 && !l.Parallel && accumulatesI32(l) {
			_, err := ir.PlanDot(op)
			if err == nil {
				l.Dot = true
				dotRemark(d, op, nil, "loop %s is a packed dot product", depName(l.IV))
				continue
			}
			var ve *ir.VectorError
			if errors.As(err, &ve) {
				dotRemark(d, op, ve.At, "loop %s is not a packed dot product: %s", depName(l.IV), ve.Msg)
			}
		}
		dotBlock(l.Body, d)
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
