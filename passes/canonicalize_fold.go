package passes

import (
	"math"

	"github.com/q35c/q35c/ir"
)

// Folding computes on "frame values", the interpreter's representation:
// integers sign-extended from their width to int64 (so i1 true is -1),
// floats as their IEEE bits. Each rule below mirrors the interpreter's
// (ir/interp_*.go) so that a folded constant has exactly the bits the
// interpreter would compute at run time.

// fold simplifies an arithmetic, comparison, select or cast op: it returns
// an existing value equal to the op's result, or turns op into a constant
// and returns nil, or leaves op alone and returns nil.
func fold(op *ir.Op) *ir.Value {
	args := make([]int64, len(op.Args))
	allConst := true
	for i, a := range op.Args {
		var ok bool
		args[i], ok = constOf(a)
		allConst = allConst && ok
	}
	if allConst {
		if v, ok := evalOp(op, args); ok {
			setConst(op, v)
			return nil
		}
	}
	switch op.Code {
	case ir.OpSelect:
		return foldSelect(op)
	case ir.OpCast:
		return foldCast(op)
	}
	if op.Code.IsBinary() && op.Args[0].Type.IsIntLike() {
		return identity(op)
	}
	return nil
}

// constOf returns v's frame value when a constant op defines it.
func constOf(v *ir.Value) (int64, bool) {
	if v.Def == nil || v.Def.Code != ir.OpConst {
		return 0, false
	}
	return frameValue(v.Type, v.Def.Bits), true
}

func frameValue(t ir.Type, bits uint64) int64 {
	if t.IsIntLike() {
		return sext(int64(bits), t)
	}
	return int64(bits)
}

// setConst turns op into the constant of frame value v.
func setConst(op *ir.Op, v int64) {
	t := op.Result().Type
	bits := uint64(v)
	switch {
	case t == ir.I1:
		bits = uint64(v & 1)
	case t.IsFloat():
		bits &= 1<<t.Bits - 1
	}
	op.Code, op.Bits, op.Args, op.Pred = ir.OpConst, bits, nil, 0
}

func sext(v int64, t ir.Type) int64 {
	sh := 64 - uint(t.Bits)
	return v << sh >> sh
}

// evalOp computes op on constant operands; false if it would fault or
// give a NaN.
func evalOp(op *ir.Op, a []int64) (int64, bool) {
	t := op.Args[0].Type
	switch {
	case op.Code.IsBinary() && t.IsFloat():
		return floatBinary(op.Code, t, a[0], a[1])
	case op.Code.IsBinary():
		return intBinary(op.Code, t, a[0], a[1])
	case op.Code == ir.OpNeg && t.IsFloat():
		return a[0] ^ 1<<(t.Bits-1), !isNaN(t, a[0])
	case op.Code == ir.OpNeg:
		return sext(-a[0], t), true
	case op.Code == ir.OpCmp:
		return evalCmp(op.Pred, t, a[0], a[1]), true
	case op.Code == ir.OpSelect:
		if a[0] != 0 {
			return a[1], true
		}
		return a[2], true
	case op.Code == ir.OpCast:
		return evalCast(t, op.Result().Type, a[0])
	}
	return 0, false
}

// intBinary mirrors the interpreter's integer arithmetic (intBinary,
// intDiv, intShift).
func intBinary(code ir.Opcode, t ir.Type, a, b int64) (int64, bool) {
	w := uint64(t.Bits)
	switch code {
	case ir.OpAdd:
		return sext(a+b, t), true
	case ir.OpSub:
		return sext(a-b, t), true
	case ir.OpMul:
		return sext(a*b, t), true
	case ir.OpAnd:
		return a & b, true
	case ir.OpOr:
		return a | b, true
	case ir.OpXor:
		return a ^ b, true
	case ir.OpMin:
		return min(a, b), true
	case ir.OpMax:
		return max(a, b), true
	case ir.OpDiv, ir.OpRem:
		if b == 0 || b == -1 && a == t.MinInt() {
			return 0, false // a run-time fault: leave it to run time
		}
		if code == ir.OpDiv {
			return a / b, true
		}
		return a % b, true
	}
	n := uint64(b)
	if n >= w {
		return 0, false // a run-time fault
	}
	sh := 64 - uint(w)
	switch code {
	case ir.OpShl:
		return a << n << sh >> sh, true
	case ir.OpShrS:
		return a >> n, true
	}
	return int64(uint64(a)<<sh>>sh>>n<<sh) >> sh, true // OpShrU
}

// floatBinary mirrors f32Binary and f16Binary: compute in float32 with an
// explicit rounding after the op, then round to f16 for f16.
func floatBinary(code ir.Opcode, t ir.Type, a, b int64) (int64, bool) {
	x, y := toF32(t, a), toF32(t, b)
	var r float32
	switch code {
	case ir.OpAdd:
		r = float32(x + y)
	case ir.OpSub:
		r = float32(x - y)
	case ir.OpMul:
		r = float32(x * y)
	case ir.OpDiv:
		r = float32(x / y)
	case ir.OpMin:
		r = minimum(x, y)
	case ir.OpMax:
		r = maximum(x, y)
	default:
		return 0, false
	}
	if r != r {
		return 0, false
	}
	return fromF32(t, r), true
}

func toF32(t ir.Type, v int64) float32 {
	if t == ir.F16 {
		return ir.F16ToF32(uint16(v))
	}
	return math.Float32frombits(uint32(v))
}

func fromF32(t ir.Type, f float32) int64 {
	if t == ir.F16 {
		return int64(ir.F32ToF16(f))
	}
	return int64(math.Float32bits(f))
}

func isNaN(t ir.Type, v int64) bool {
	f := toF32(t, v)
	return f != f
}

// minimum and maximum are IEEE 754-2019 minimum and maximum on non-NaN
// operands (NaN results are not folded): -0 is below +0.
func minimum(x, y float32) float32 {
	if x != x || y != y {
		return float32(math.NaN())
	}
	if x < y || x == y && math.Signbit(float64(x)) {
		return x
	}
	return y
}

func maximum(x, y float32) float32 {
	if x != x || y != y {
		return float32(math.NaN())
	}
	if x > y || x == y && !math.Signbit(float64(x)) {
		return x
	}
	return y
}

// evalCmp mirrors cmp and floatCmp: signed integer order on frame values;
// ordered float comparisons, except ne, which is true on NaN. The result
// is an i1 frame value.
func evalCmp(p ir.Pred, t ir.Type, a, b int64) int64 {
	var lt, eq, unordered bool
	if t.IsFloat() {
		x, y := toF32(t, a), toF32(t, b)
		lt, eq, unordered = x < y, x == y, x != x || y != y
	} else {
		lt, eq = a < b, a == b
	}
	r := false
	switch p {
	case ir.PredEq:
		r = eq
	case ir.PredNe:
		r = !eq
	case ir.PredLt:
		r = lt
	case ir.PredLe:
		r = lt || eq
	case ir.PredGt:
		r = !lt && !eq && !unordered
	case ir.PredGe:
		r = !lt && !unordered
	}
	if r {
		return -1
	}
	return 0
}
