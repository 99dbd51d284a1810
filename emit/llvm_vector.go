package emit

import (
	lir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// llvmVector is the state of the vector loop being emitted: the plan, the
// IV's lane vector and the uniform values broadcast so far.
type llvmVector struct {
	plan  *ir.VectorPlan
	iv    *ir.Value
	ivVec value.Value
	bcast map[*ir.Value]value.Value
}

// llvmReductions names the llvm.vector.reduce intrinsic of each op.
var llvmReductions = map[ir.Opcode]string{
	ir.OpAdd: "add", ir.OpMul: "mul", ir.OpAnd: "and", ir.OpOr: "or", ir.OpXor: "xor",
	ir.OpMin: "smin", ir.OpMax: "smax",
}

func (g *llvmFunc) vt(t ir.Type) *lt.VectorType {
	return lt.NewVector(uint64(g.vec.plan.Width), llvmType(t))
}

// vectorLoop emits a vector loop as ir.PlanVector says (see vectorLoop in
// vector.go for the MLIR form of the same plan).
func (g *llvmFunc) vectorLoop(op *ir.Op) {
	l := op.Loop
	plan, err := ir.PlanVector(op, l.Vector)
	if err != nil {
		g.failf(op, "vector loop: %v", err)
		return
	}
	outer := g.vec
	g.vec = &llvmVector{plan: plan, iv: l.IV, bcast: map[*ir.Value]value.Value{}}
	lb, ub := g.bound(l.Lower, enum.IPredSGT), g.bound(l.Upper, enum.IPredSLT)
	inits := make([]value.Value, len(plan.Reduce))
	for i, r := range plan.Reduce {
		inits[i] = g.splatConst(r.Arg.Type, identity(r.Code, r.Arg.Type))
	}
	res := g.forLoop(lb, ub, l.Vector, inits, func(iv value.Value, its []value.Value) []value.Value {
		g.vals[l.IV] = iv
		g.vec.bcast = map[*ir.Value]value.Value{}
		for i, r := range plan.Reduce {
			g.vals[r.Arg] = its[i]
		}
		if plan.IVUsed {
			lanes := make([]constant.Constant, plan.Width)
			for i := range lanes {
				lanes[i] = i64(int64(i))
			}
			g.vec.ivVec = g.cur.NewAdd(g.splat(iv), constant.NewVector(g.vt(ir.Index), lanes...))
		}
		ops := l.Body.Ops
		for _, o := range ops[:len(ops)-1] {
			if g.err != nil {
				break
			}
			g.vecOp(o)
		}
		next := make([]value.Value, len(plan.Reduce))
		for i, y := range ops[len(ops)-1].Args {
			next[i] = g.val(y)
		}
		return next
	})
	for i, r := range plan.Reduce {
		vt := g.vt(r.Arg.Type)
		name := "llvm.vector.reduce." + llvmReductions[r.Code] + "." + typeSuffix(vt)
		red := g.cur.NewCall(g.l.intrinsic(name, vt.ElemType, vt), res[i])
		g.vals[op.Results[i]] = g.binary(r.Op, r.Arg.Type, g.val(op.Args[i]), red)
	}
	g.vec = outer
}

// splatConst is a constant vector with every lane c (an integer type).
func (g *llvmFunc) splatConst(t ir.Type, c int64) constant.Constant {
	return g.splatConstOf(g.vt(t), c)
}

// splatConstOf is a constant vector of integer type vt with every lane c.
func (g *llvmFunc) splatConstOf(vt *lt.VectorType, c int64) constant.Constant {
	lanes := make([]constant.Constant, vt.Len)
	for i := range lanes {
		lanes[i] = constant.NewInt(vt.ElemType.(*lt.IntType), c)
	}
	return constant.NewVector(vt, lanes...)
}

// splat broadcasts a scalar to every lane.
func (g *llvmFunc) splat(x value.Value) value.Value {
	vt := lt.NewVector(uint64(g.vec.plan.Width), x.Type())
	one := g.cur.NewInsertElement(constant.NewUndef(vt), x, i64(0))
	mask := constant.NewZeroInitializer(lt.NewVector(vt.Len, lt.I32))
	return g.cur.NewShuffleVector(one, constant.NewUndef(vt), mask)
}

// vecOf returns x as a vector operand.
func (g *llvmFunc) vecOf(x *ir.Value) value.Value {
	v := g.vec
	switch {
	case x == v.iv:
		return v.ivVec
	case v.plan.Varying[x]:
		return g.val(x)
	}
	if b, ok := v.bcast[x]; ok {
		return b
	}
	b := g.splat(g.val(x))
	v.bcast[x] = b
	return b
}

// vecOp emits one op of a vector loop's body.
func (g *llvmFunc) vecOp(o *ir.Op) {
	v := g.vec
	if o.Code == ir.OpStore {
		a := v.plan.Access[o]
		if a == nil || a.Kind != ir.AccessContiguous {
			g.failf(o, "vector store into %s has no contiguous plan", o.Buf.Name)
			return
		}
		x := g.vecOf(o.Args[0])
		p := g.cur.NewBitCast(g.addr(o, a.Base), lt.NewPointer(x.Type()))
		g.cur.NewStore(x, p).Align = elemAlign(o.Buf)
		return
	}
	if len(o.Results) == 0 || !v.plan.Varying[o.Result()] {
		g.op(o)
		return
	}
	r := o.Result()
	switch {
	case o.Code == ir.OpLoad:
		g.vals[r] = g.vecLoad(o)
	case o.Code.IsBinary():
		g.vals[r] = g.binary(o, r.Type, g.vecOf(o.Args[0]), g.vecOf(o.Args[1]))
	case o.Code == ir.OpNeg:
		g.vals[r] = g.neg(r.Type, g.vecOf(o.Args[0]))
	case o.Code == ir.OpCmp:
		g.vals[r] = g.cmp(o, g.vecOf(o.Args[0]), g.vecOf(o.Args[1]))
	case o.Code == ir.OpSelect:
		c := o.Args[0]
		cond := g.val(c)
		if v.plan.Varying[c] || c == v.iv {
			cond = g.vecOf(c)
		}
		g.vals[r] = g.cur.NewSelect(cond, g.vecOf(o.Args[1]), g.vecOf(o.Args[2]))
	case o.Code == ir.OpCast:
		x := o.Args[0]
		g.vals[r] = g.cast(o, g.vecOf(x), x.Type, r.Type, g.vt(r.Type))
	default:
		g.failf(o, "cannot vectorize op %s", o.Code)
	}
}

// elemAlign is the alignment the storage guarantees: one element.
func elemAlign(b *ir.Buffer) lir.Align {
	_, elem := ir.StorageElem(b.Elem)
	return lir.Align(max(1, int(elem.Bits/8)))
}

// vecLoad emits a varying load as its plan says.
func (g *llvmFunc) vecLoad(o *ir.Op) value.Value {
	v := g.vec
	a := v.plan.Access[o]
	w := uint64(v.plan.Width)
	st := storageType(o.Buf)
	load := func(base []ir.Subscript, n uint64) value.Value {
		vt := lt.NewVector(n, st)
		p := g.cur.NewBitCast(g.addr(o, base), lt.NewPointer(vt))
		ld := g.cur.NewLoad(vt, p)
		ld.Align = elemAlign(o.Buf)
		return ld
	}
	switch a.Kind {
	case ir.AccessContiguous:
		return load(a.Base, w)
	case ir.AccessShuffle:
		span := g.spanLoad(o, a.Base, uint64(a.Span), st)
		mask := make([]constant.Constant, len(a.Offsets))
		for i, x := range a.Offsets {
			mask[i] = constant.NewInt(lt.I32, x)
		}
		return g.cur.NewShuffleVector(span, constant.NewUndef(span.Type()), constant.NewVector(lt.NewVector(w, lt.I32), mask...))
	case ir.AccessPacked:
		base := append([]ir.Subscript(nil), a.Base...)
		n := len(base)
		base[n-1] = ir.Subscript{Affine: ir.FloorDiv(base[n-1].Affine, 2)}
		// Split the bytes into sign-extended low and high nibbles with
		// byte shifts and interleave them (low nibble first): unlike a
		// bitcast to <w x i4>, which x86 scalarizes, this stays in vector
		// registers, and the truncation folds into the consumer's sext.
		bytes := load(base, w/2)
		half := lt.NewVector(w/2, lt.I8)
		four := g.splatConstOf(half, 4)
		lo := g.cur.NewAShr(g.cur.NewShl(bytes, four), four)
		hi := g.cur.NewAShr(bytes, four)
		mask := make([]constant.Constant, w)
		for i := range mask {
			mask[i] = constant.NewInt(lt.I32, int64(i/2)+int64(i%2)*int64(w/2))
		}
		codes := g.cur.NewShuffleVector(lo, hi, constant.NewVector(lt.NewVector(w, lt.I32), mask...))
		return g.cur.NewTrunc(codes, lt.NewVector(w, lt.NewInt(4)))
	case ir.AccessGather:
		n := len(a.Base)
		idx := make([]value.Value, n)
		for i, s := range a.Base[:n-1] {
			idx[i] = g.subscript(s)
		}
		offs := g.vecOf(a.Base[n-1].Dyn)
		from := a.Base[n-1].Dyn.Type
		var out value.Value = constant.NewUndef(lt.NewVector(w, st))
		for l := uint64(0); l < w; l++ {
			x := g.cur.NewExtractElement(offs, constant.NewInt(lt.I32, int64(l)))
			idx[n-1] = g.cast(o, x, from, ir.Index, lt.I64)
			elem := g.cur.NewLoad(st, g.elemPtr(o.Buf, idx))
			out = g.cur.NewInsertElement(out, elem, constant.NewInt(lt.I32, int64(l)))
		}
		return out
	}
	g.failf(o, "vector load of %s has no plan", o.Buf.Name)
	return constant.NewUndef(g.vt(o.Result().Type))
}

// spanLoad loads the n elements of a shuffled access. A vector of n
// elements is rarely a legal machine type (53 bytes for 64 lanes of the
// 3.5-bit format's planes), and LLVM assembles such a load byte by byte, so
// n is rounded up to a power of two and the load masked to the first n
// elements (one masked vector load on AVX-512), never touching memory past
// the span.
func (g *llvmFunc) spanLoad(o *ir.Op, base []ir.Subscript, n uint64, st lt.Type) value.Value {
	p2 := uint64(1)
	for p2 < n {
		p2 *= 2
	}
	vt := lt.NewVector(p2, st)
	ptr := g.cur.NewBitCast(g.addr(o, base), lt.NewPointer(vt))
	if p2 == n {
		ld := g.cur.NewLoad(vt, ptr)
		ld.Align = elemAlign(o.Buf)
		return ld
	}
	mask := make([]constant.Constant, p2)
	for i := range mask {
		mask[i] = constant.NewBool(uint64(i) < n)
	}
	maskT := lt.NewVector(p2, lt.I1)
	fn := g.l.intrinsic("llvm.masked.load."+typeSuffix(vt)+".p0", vt, lt.NewPointer(vt), lt.I32, maskT, vt)
	return g.cur.NewCall(fn, ptr, constant.NewInt(lt.I32, int64(elemAlign(o.Buf))), constant.NewVector(maskT, mask...), constant.NewZeroInitializer(vt))
}
