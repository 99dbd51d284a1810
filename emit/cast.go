package emit

import (
	"github.com/q35c/q35c/ir"
)

// cast writes a conversion. A cast to the same type defines no op: the
// result is spelled as its operand.
func (e *emitter) cast(op *ir.Op) {
	x, r := op.Args[0], op.Result()
	from, to := x.Type, r.Type
	if from == to {
		e.alias[r] = e.val(x)
		return
	}
	name := castOp(from, to)
	if name == "" {
		e.failf(op.Pos, "cannot cast %s to %s", from, to)
		return
	}
	e.line(op.Pos, "%s = arith.%s %s : %s to %s", e.def(r), name, e.val(x), from, to)
}

// castOp names the arith op converting from to to (from != to), or "" for
// the pairs ir.CastOK rejects (index and floats). i1 is a boolean and
// widens unsigned (to 0 or 1); other integers widen signed.
func castOp(from, to ir.Type) string {
	switch {
	case from.IsInt() && to.IsInt() && from.Bits > to.Bits:
		return "trunci"
	case from == ir.I1 && to.IsInt():
		return "extui"
	case from.IsInt() && to.IsInt():
		return "extsi"
	case from == ir.I1 && to.IsIndex():
		return "index_castui"
	case from.IsInt() && to.IsIndex(), from.IsIndex() && to.IsInt():
		return "index_cast"
	case from == ir.I1 && to.IsFloat():
		return "uitofp"
	case from.IsInt() && to.IsFloat():
		return "sitofp"
	case from.IsFloat() && to.IsInt():
		return "fptosi"
	case from.IsFloat() && to.IsFloat() && from.Bits < to.Bits:
		return "extf"
	case from.IsFloat() && to.IsFloat():
		return "truncf"
	}
	return ""
}
