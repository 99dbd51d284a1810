package passes

import (
	"math"

	"github.com/q35c/q35c/ir"
)

// evalCast mirrors the interpreter's cast: integers sign-extend or
// truncate (i1 zero-extends); integers round to float (i1 as 0 or 1);
// floats truncate toward zero into integers, which is a fault out of
// range; f16 widens to f32 exactly and f32 rounds to f16.
func evalCast(from, to ir.Type, v int64) (int64, bool) {
	switch {
	case sameRepr(from, to):
		return v, true
	case from.IsIntLike() && to.IsIntLike():
		if from == ir.I1 {
			v &= 1
		}
		return sext(v, to), true
	case from.IsInt() && to.IsFloat():
		if from == ir.I1 {
			v &= 1
		}
		return fromF32(to, float32(v)), true
	case from.IsFloat() && to.IsInt():
		x := math.Trunc(float64(toF32(from, v)))
		lo := float64(to.MinInt())
		if !(x >= lo && x < -lo) {
			return 0, false // NaN or out of range: a run-time fault
		}
		return sext(int64(x), to), true
	case from.IsFloat() && to.IsFloat():
		r := fromF32(to, toF32(from, v))
		return r, !isNaN(to, r)
	}
	return 0, false
}

// sameRepr reports whether a cast leaves the frame value unchanged (the
// interpreter's sameRepr): same type, or an integer widening.
func sameRepr(from, to ir.Type) bool {
	return from == to || from.IsIntLike() && to.IsIntLike() && from != ir.I1 && to.Bits >= from.Bits
}

// foldCast removes a cast to the operand's own type and a narrowing cast
// that undoes a widening one (x as i32 as i8 with x: i8).
func foldCast(op *ir.Op) *ir.Value {
	x, to := op.Args[0], op.Result().Type
	if x.Type == to {
		return x
	}
	if d := x.Def; d != nil && d.Code == ir.OpCast && d.Args[0].Type == to && sameRepr(to, x.Type) {
		return d.Args[0]
	}
	return nil
}

// foldSelect replaces a select of two equal values by the value.
func foldSelect(op *ir.Op) *ir.Value {
	if op.Args[1] == op.Args[2] {
		return op.Args[1]
	}
	if c, ok := constOf(op.Args[0]); ok {
		if c != 0 {
			return op.Args[1]
		}
		return op.Args[2]
	}
	return nil
}

// identity simplifies integer ops with a neutral or absorbing constant
// operand: x+0, 0+x, x-0, x*1, 1*x, x|0, x^0, x&-1, x<<0, x>>0, x/1
// give x; x*0 and x&0 give 0.
func identity(op *ir.Op) *ir.Value {
	x, y := op.Args[0], op.Args[1]
	cy, yConst := constOf(y)
	cx, xConst := constOf(x)
	switch op.Code {
	case ir.OpAdd, ir.OpOr, ir.OpXor:
		if yConst && cy == 0 {
			return x
		}
		if xConst && cx == 0 {
			return y
		}
	case ir.OpSub, ir.OpShl, ir.OpShrS, ir.OpShrU:
		if yConst && cy == 0 {
			return x
		}
	case ir.OpMul:
		switch {
		case yConst && cy == 1:
			return x
		case xConst && cx == 1:
			return y
		case yConst && cy == 0:
			return y
		case xConst && cx == 0:
			return x
		}
	case ir.OpAnd:
		switch {
		case yConst && cy == -1:
			return x
		case xConst && cx == -1:
			return y
		case yConst && cy == 0:
			return y
		case xConst && cx == 0:
			return x
		}
	case ir.OpDiv:
		if yConst && cy == 1 {
			return x
		}
	}
	return nil
}
