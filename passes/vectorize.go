package passes

import (
	"errors"
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// vectorize strip-mines every innermost loop whose body ir.PlanVector can
// widen into a vector loop of width lanes (ir.Loop.Vector) and a scalar
// remainder loop for the last trips % width iterations; the emitters write
// the vector loop with MLIR's vector dialect. Reductions through iteration
// arguments are integer (wrapping) ones, so lanes accumulate apart and are
// combined after the loop with the same bits as the scalar order; a
// floating-point reduction is left alone, as is every loop the plan
// refuses, with a remark saying why.
func vectorize(f *ir.Func, o Options, d *diag.List) error {
	width := o.Int("width")
	v := &vectorizer{f: f, width: width, d: d}
	v.block(f.Body)
	return nil
}

type vectorizer struct {
	f     *ir.Func
	width int64
	d     *diag.List
}

// block vectorizes the innermost loops under b, inserting remainders.
func (v *vectorizer) block(b *ir.Block) {
	for i := 0; i < len(b.Ops); i++ {
		op := b.Ops[i]
		if op.Code != ir.OpFor {
			continue
		}
		if op.Loop.Dot {
			continue // the emitters pack it; see the dot pass
		}
		if hasLoop(op.Loop.Body) {
			v.block(op.Loop.Body)
			continue
		}
		if rem := v.loop(op); rem != nil {
			b.Ops = append(b.Ops[:i+1], append([]*ir.Op{rem}, b.Ops[i+1:]...)...)
			i++
		}
	}
}

func hasLoop(b *ir.Block) bool {
	for _, op := range b.Ops {
		if op.Code == ir.OpFor {
			return true
		}
	}
	return false
}

// loop vectorizes one innermost loop and returns its remainder loop (nil
// when there is none or when the loop stays scalar).
func (v *vectorizer) loop(op *ir.Op) *ir.Op {
	l := op.Loop
	iv := depName(l.IV)
	if reason, at := v.refuse(op); reason != "" {
		v.remark(op.Pos, at, "loop %s is not vectorized: %s", iv, reason)
		return nil
	}
	lb, ub := l.Lower[0], l.Upper[0]
	t, known := diffConst(ub, lb)
	mainUB := ir.Add(lb, ir.Mul(ir.FloorDiv(ir.Add(ub, ir.Mul(lb, -1)), v.width), v.width))
	if known {
		mainUB = ir.Add(lb, ir.Const(t/v.width*v.width))
	}
	l.Upper = []*ir.Expr{mainUB}
	l.Vector = v.width
	if known && t%v.width == 0 {
		v.remark(op.Pos, nil, "loop %s is vectorized by %d (%s, no remainder)", iv, v.width, plural(t/v.width, "vector iteration"))
		return nil
	}
	rem := newCloner(v.f).op(op)
	rem.Loop.Vector = 0
	rem.Loop.Lower = []*ir.Expr{mainUB}
	rem.Loop.Upper = []*ir.Expr{ub}
	for i, r := range op.Results {
		replaceUses(v.f.Body, r, rem.Results[i])
		rem.Args[i] = r
	}
	what := "a scalar remainder loop"
	if known {
		what = plural(t/v.width, "vector iteration") + " and " + plural(t%v.width, "remainder iteration")
	}
	v.remark(op.Pos, nil, "loop %s is vectorized by %d (%s)", iv, v.width, what)
	return rem
}

// refuse says why op cannot be vectorized, or "", and which op of the body
// is to blame, if one is.
func (v *vectorizer) refuse(op *ir.Op) (string, *ir.Op) {
	l := op.Loop
	switch {
	case l.Vector != 0:
		return "it is vectorized already", nil
	case l.Parallel:
		return "it is marked parallel", nil
	case l.Step != 1:
		return fmt.Sprintf("its step is %d, not 1", l.Step), nil
	case len(l.Lower) != 1 || len(l.Upper) != 1:
		return "its bounds are a max or min of several expressions (a partial tile)", nil
	}
	if t, ok := diffConst(l.Upper[0], l.Lower[0]); ok && t < v.width {
		return fmt.Sprintf("it runs %d iterations, fewer than the width %d", max(t, 0), v.width), nil
	}
	if _, err := ir.PlanVector(op, v.width); err != nil {
		var ve *ir.VectorError
		if errors.As(err, &ve) {
			return ve.Msg, ve.At
		}
		return err.Error(), nil
	}
	return "", nil
}

// remark reports on the loop at pos, with a note at the op at, if any.
func (v *vectorizer) remark(pos diag.Pos, at *ir.Op, format string, args ...any) {
	if v.d == nil {
		return
	}
	r := diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(pos, len("for")), Msg: fmt.Sprintf(format, args...)}
	if at != nil {
		r.Notes = append(r.Notes, diag.Diagnostic{Severity: diag.Note, Span: diag.SpanOf(at.Pos, 0), Msg: "this " + at.Code.String()})
	}
	v.d.Add(r)
}

// maxVectorWidth bounds the width option: wider vectors than any machine's
// registers only make MLIR's lowering slower.
const maxVectorWidth = 64

func checkVectorizeOptions(o Options) error {
	if w := o.Int("width"); w < 2 || w > maxVectorWidth {
		return fmt.Errorf("vectorize: width=%d is out of range [2, %d]", w, int64(maxVectorWidth))
	}
	return nil
}

// plural spells "1 thing" or "n things".
func plural(n int64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
