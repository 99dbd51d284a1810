package emit

import (
	"math"
	"strconv"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// op emits one scalar op.
func (g *llvmFunc) op(op *ir.Op) {
	switch {
	case op.Code == ir.OpConst:
		g.vals[op.Result()] = llvmConst(op.Result().Type, op.Bits)
	case op.Code.IsBinary():
		r := op.Result()
		g.vals[r] = g.binary(op, r.Type, g.val(op.Args[0]), g.val(op.Args[1]))
	case op.Code == ir.OpNeg:
		g.vals[op.Result()] = g.neg(op.Result().Type, g.val(op.Args[0]))
	case op.Code == ir.OpCmp:
		g.vals[op.Result()] = g.cmp(op, g.val(op.Args[0]), g.val(op.Args[1]))
	case op.Code == ir.OpSelect:
		g.vals[op.Result()] = g.cur.NewSelect(g.val(op.Args[0]), g.val(op.Args[1]), g.val(op.Args[2]))
	case op.Code == ir.OpCast:
		x, r := op.Args[0], op.Result()
		g.vals[r] = g.cast(op, g.val(x), x.Type, r.Type, llvmType(r.Type))
	case op.Code == ir.OpLoad:
		g.vals[op.Result()] = g.load(op)
	case op.Code == ir.OpStore:
		g.cur.NewStore(g.val(op.Args[0]), g.addr(op, op.Index))
	case op.Code == ir.OpFor:
		g.loop(op)
	case op.Code == ir.OpYield:
		// handled by loop
	default:
		g.failf(op, "cannot emit op %s", op.Code)
	}
}

// llvmConst converts constant bits of type t.
func llvmConst(t ir.Type, bits uint64) constant.Constant {
	switch {
	case t == ir.F32:
		return constant.NewFloat(lt.Float, float64(math.Float32frombits(uint32(bits))))
	case t == ir.F16:
		return constant.NewFloat(lt.Half, float64(ir.F16ToF32(uint16(bits))))
	case t == ir.I1:
		return constant.NewBool(bits&1 != 0)
	}
	return constant.NewInt(llvmType(t).(*lt.IntType), int64(bits))
}

// binary emits x op y on type t (scalars, or vectors of t when x and y are).
func (g *llvmFunc) binary(op *ir.Op, t ir.Type, x, y value.Value) value.Value {
	b := g.cur
	if t.IsFloat() {
		switch op.Code {
		case ir.OpAdd:
			return b.NewFAdd(x, y)
		case ir.OpSub:
			return b.NewFSub(x, y)
		case ir.OpMul:
			return b.NewFMul(x, y)
		case ir.OpDiv:
			return b.NewFDiv(x, y)
		case ir.OpMin, ir.OpMax:
			name := "llvm.minimum."
			if op.Code == ir.OpMax {
				name = "llvm.maximum."
			}
			typ := x.Type()
			return b.NewCall(g.l.intrinsic(name+typeSuffix(typ), typ, typ, typ), x, y)
		}
		g.failf(op, "op %s is not defined on %s", op.Code, t)
		return x
	}
	switch op.Code {
	case ir.OpAdd:
		return b.NewAdd(x, y)
	case ir.OpSub:
		return b.NewSub(x, y)
	case ir.OpMul:
		return b.NewMul(x, y)
	case ir.OpDiv:
		return b.NewSDiv(x, y)
	case ir.OpRem:
		return b.NewSRem(x, y)
	case ir.OpShl:
		return b.NewShl(x, y)
	case ir.OpShrS:
		return b.NewAShr(x, y)
	case ir.OpShrU:
		return b.NewLShr(x, y)
	case ir.OpAnd:
		return b.NewAnd(x, y)
	case ir.OpOr:
		return b.NewOr(x, y)
	case ir.OpXor:
		return b.NewXor(x, y)
	case ir.OpMin:
		return b.NewSelect(b.NewICmp(enum.IPredSLT, x, y), x, y)
	case ir.OpMax:
		return b.NewSelect(b.NewICmp(enum.IPredSGT, x, y), x, y)
	}
	g.failf(op, "op %s is not defined on %s", op.Code, t)
	return x
}

// typeSuffix spells a type as intrinsic names do: f32, v8f32, v8i32.
func typeSuffix(t lt.Type) string {
	switch t := t.(type) {
	case *lt.VectorType:
		return "v" + strconv.FormatUint(t.Len, 10) + typeSuffix(t.ElemType)
	case *lt.FloatType:
		if t.Kind == lt.FloatKindHalf {
			return "f16"
		}
		return "f32"
	case *lt.IntType:
		return "i" + strconv.FormatUint(t.BitSize, 10)
	}
	return t.String()
}

func (g *llvmFunc) neg(t ir.Type, x value.Value) value.Value {
	if t.IsFloat() {
		return g.cur.NewFNeg(x)
	}
	return g.cur.NewSub(zeroOf(x.Type()), x)
}

// zeroOf returns the zero of an integer type or vector of integers.
func zeroOf(t lt.Type) constant.Constant { return constant.NewZeroInitializer(t) }

var (
	llvmIntPreds   = [...]enum.IPred{ir.PredEq: enum.IPredEQ, ir.PredNe: enum.IPredNE, ir.PredLt: enum.IPredSLT, ir.PredLe: enum.IPredSLE, ir.PredGt: enum.IPredSGT, ir.PredGe: enum.IPredSGE}
	llvmFloatPreds = [...]enum.FPred{ir.PredEq: enum.FPredOEQ, ir.PredNe: enum.FPredUNE, ir.PredLt: enum.FPredOLT, ir.PredLe: enum.FPredOLE, ir.PredGt: enum.FPredOGT, ir.PredGe: enum.FPredOGE}
)

func (g *llvmFunc) cmp(op *ir.Op, x, y value.Value) value.Value {
	if op.Args[0].Type.IsFloat() {
		return g.cur.NewFCmp(llvmFloatPreds[op.Pred], x, y)
	}
	return g.cur.NewICmp(llvmIntPreds[op.Pred], x, y)
}

// cast converts x from type from to type to (rt is the LLVM result type,
// a vector when x is one). The conversion is the one castOp names for the
// MLIR emitter, so both emitters share one table of semantics.
func (g *llvmFunc) cast(op *ir.Op, x value.Value, from, to ir.Type, rt lt.Type) value.Value {
	if from == to {
		return x
	}
	b := g.cur
	fb, tb := bitsOf(from), bitsOf(to)
	switch castOp(from, to) {
	case "trunci":
		return b.NewTrunc(x, rt)
	case "extsi":
		return b.NewSExt(x, rt)
	case "extui", "index_castui":
		return b.NewZExt(x, rt)
	case "index_cast": // index is i64: a same-width cast is no op
		switch {
		case fb > tb:
			return b.NewTrunc(x, rt)
		case fb < tb:
			return b.NewSExt(x, rt)
		}
		return x
	case "uitofp":
		return b.NewUIToFP(x, rt)
	case "sitofp":
		return b.NewSIToFP(x, rt)
	case "fptosi":
		return b.NewFPToSI(x, rt)
	case "extf":
		return b.NewFPExt(x, rt)
	case "truncf":
		return b.NewFPTrunc(x, rt)
	}
	g.failf(op, "cannot cast %s to %s", from, to)
	return x
}

func bitsOf(t ir.Type) uint8 {
	if t.IsIndex() {
		return 64
	}
	return t.Bits
}

// expr emits an affine expression as i64 arithmetic. floordiv and mod by
// c > 0 round toward negative infinity.
func (g *llvmFunc) expr(e *ir.Expr) value.Value {
	b := g.cur
	switch e.Kind {
	case ir.ExprConst:
		return i64(e.C)
	case ir.ExprDim:
		return g.val(e.Dim)
	case ir.ExprAdd:
		return b.NewAdd(g.expr(e.L), g.expr(e.R))
	case ir.ExprMul:
		return b.NewMul(g.expr(e.L), i64(e.R.C))
	}
	x := g.expr(e.L)
	q := g.floorDiv(x, e.R.C)
	if e.Kind == ir.ExprFloorDiv {
		return q
	}
	return g.cur.NewSub(x, g.cur.NewMul(q, i64(e.R.C)))
}

// floorDiv emits x floordiv c for c > 0: (x - (x < 0 ? c - 1 : 0)) / c.
func (g *llvmFunc) floorDiv(x value.Value, c int64) value.Value {
	b := g.cur
	neg := b.NewICmp(enum.IPredSLT, x, i64(0))
	adj := b.NewSelect(neg, i64(c-1), i64(0))
	return b.NewSDiv(b.NewSub(x, adj), i64(c))
}

// subscript returns the i64 value of one subscript.
func (g *llvmFunc) subscript(s ir.Subscript) value.Value {
	if s.Affine != nil {
		return g.expr(s.Affine)
	}
	v := g.val(s.Dyn)
	switch {
	case s.Dyn.Type.IsIndex():
		return v
	case s.Dyn.Type == ir.I1:
		return g.cur.NewZExt(v, lt.I64)
	case s.Dyn.Type.Bits < 64:
		return g.cur.NewSExt(v, lt.I64)
	}
	return v
}

// linear returns the row-major element offset of idx in buf's storage
// shape (whose last dimension is halved for packed buffers: pass the
// halved last subscript).
func (g *llvmFunc) linear(buf *ir.Buffer, idx []value.Value) value.Value {
	shape, _, _ := storageShape(buf)
	var off value.Value = i64(0)
	for i, x := range idx {
		if i > 0 {
			off = g.cur.NewMul(off, i64(shape[i]))
		}
		off = g.cur.NewAdd(off, x)
	}
	return off
}

// elemPtr returns a pointer to storage element idx of buf.
func (g *llvmFunc) elemPtr(buf *ir.Buffer, idx []value.Value) value.Value {
	return g.cur.NewGetElementPtr(storageType(buf), g.bufs[buf], g.linear(buf, idx))
}

// addr returns the address of an unpacked element.
func (g *llvmFunc) addr(op *ir.Op, idx []ir.Subscript) value.Value {
	vs := make([]value.Value, len(idx))
	for i, s := range idx {
		vs[i] = g.subscript(s)
	}
	return g.elemPtr(op.Buf, vs)
}

// load emits a scalar load: plain, a raw byte of a packed buffer, or a
// packed i4 code (the byte, shifted left by 4 - 4·(k mod 2) and
// arithmetic-shifted right by 4, then truncated to i4).
func (g *llvmFunc) load(op *ir.Op) value.Value {
	packed, _ := ir.StorageElem(op.Buf.Elem)
	if !packed {
		return g.cur.NewLoad(storageType(op.Buf), g.addr(op, op.Index))
	}
	n := len(op.Index)
	vs := make([]value.Value, n)
	for i, s := range op.Index {
		vs[i] = g.subscript(s)
	}
	k := vs[n-1]
	vs[n-1] = g.floorDiv(k, 2)
	b := g.cur
	byteVal := b.NewLoad(lt.I8, g.elemPtr(op.Buf, vs))
	if op.Raw {
		return byteVal
	}
	odd := b.NewTrunc(b.NewAnd(k, i64(1)), lt.I8)
	shift := b.NewSub(constant.NewInt(lt.I8, 4), b.NewShl(odd, constant.NewInt(lt.I8, 2)))
	code := b.NewAShr(b.NewShl(byteVal, shift), constant.NewInt(lt.I8, 4))
	return b.NewTrunc(code, lt.NewInt(4))
}
