package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// vectorLoop writes a vector loop (ir.Loop.Vector = W) as an affine.for
// stepping by W whose body computes W lanes at once with the vector
// dialect, following ir.PlanVector: varying values become vector<W x T>,
// uniform ones stay scalar and are broadcast where a vector op needs them.
// Each reduction accumulates in a vector iteration argument that starts at
// the identity of its op; after the loop vector.reduction combines the
// lanes and the result is combined with the initial value. Integer
// arithmetic wraps, so this gives the scalar loop's bits.
func (e *emitter) vectorLoop(op *ir.Op) {
	l := op.Loop
	plan, err := ir.PlanVector(op, l.Vector)
	if err != nil {
		e.failf(op.Pos, "vector loop %s: %v", e.dim(l.IV), err)
		return
	}
	lower, _ := e.bound(l.Lower, "max")
	upper, _ := e.bound(l.Upper, "min")
	v := &vecEmitter{e: e, plan: plan, iv: l.IV, bcast: map[*ir.Value]string{}}
	head := fmt.Sprintf("affine.for %s = %s to %s step %d", e.dim(l.IV), lower, upper, l.Vector)
	var vres []string
	if len(plan.Reduce) > 0 {
		var its, tys []string
		for _, r := range plan.Reduce {
			init := v.splat(r.Arg.Type, identity(r.Code, r.Arg.Type))
			its = append(its, e.def(r.Arg)+" = "+init)
			tys = append(tys, v.vt(r.Arg.Type))
			vres = append(vres, "")
		}
		head += fmt.Sprintf(" iter_args(%s) -> (%s)", strings.Join(its, ", "), strings.Join(tys, ", "))
	}
	prefix := ""
	switch len(vres) {
	case 0:
	case 1:
		vres[0] = e.tmp("vacc")
		prefix = vres[0] + " = "
	default:
		group := e.tmp("vacc")
		for i := range vres {
			vres[i] = fmt.Sprintf("%s#%d", group, i)
		}
		prefix = fmt.Sprintf("%s:%d = ", group, len(vres))
	}
	e.line(nopos, "%s%s {", prefix, head)
	e.depth++
	if plan.IVUsed {
		v.lanes(op.Pos)
	}
	ops := l.Body.Ops
	for _, o := range ops[:len(ops)-1] {
		v.op(o)
	}
	if y := ops[len(ops)-1]; len(y.Args) > 0 {
		s, t := make([]string, len(y.Args)), make([]string, len(y.Args))
		for i, a := range y.Args {
			s[i], t[i] = e.val(a), v.vt(a.Type)
		}
		e.line(y.Pos, "affine.yield %s : %s", strings.Join(s, ", "), strings.Join(t, ", "))
	}
	e.depth--
	e.line(op.Pos, "}")
	for i, r := range plan.Reduce {
		t := r.Arg.Type
		red := e.tmp(r.Arg.Name)
		e.line(op.Pos, "%s = vector.reduction <%s>, %s : %s into %s", red, reductionKinds[r.Code], vres[i], v.vt(t), t)
		e.line(op.Pos, "%s = arith.%s %s, %s : %s", e.def(op.Results[i]), intOps[r.Code], e.val(op.Args[i]), red, t)
	}
}

// reductionKinds names vector.reduction's combining kind for each op.
var reductionKinds = map[ir.Opcode]string{
	ir.OpAdd: "add", ir.OpMul: "mul", ir.OpAnd: "and", ir.OpOr: "or", ir.OpXor: "xor",
	ir.OpMin: "minsi", ir.OpMax: "maxsi",
}

// identity returns the value x with x op y = y for every y of type t.
func identity(code ir.Opcode, t ir.Type) int64 {
	switch code {
	case ir.OpMul:
		return 1
	case ir.OpAnd:
		return -1
	case ir.OpMin:
		return t.MaxInt()
	case ir.OpMax:
		return t.MinInt()
	}
	return 0
}

// vecEmitter writes the body of one vector loop.
type vecEmitter struct {
	e     *emitter
	plan  *ir.VectorPlan
	iv    *ir.Value
	ivVec string               // the IV's lanes, x0 + [0, 1, ...], when used
	bcast map[*ir.Value]string // uniform values broadcast so far
}

// vt spells the vector type of t.
func (v *vecEmitter) vt(t ir.Type) string { return fmt.Sprintf("vector<%dx%s>", v.plan.Width, t) }

// splat defines a constant vector with every lane c (an integer type).
func (v *vecEmitter) splat(t ir.Type, c int64) string {
	name := v.e.tmp("splat")
	v.e.line(nopos, "%s = arith.constant dense<%d> : %s", name, c, v.vt(t))
	return name
}

// lanes defines the IV's lane vector.
func (v *vecEmitter) lanes(pos diag.Pos) {
	e := v.e
	idx := make([]string, v.plan.Width)
	for i := range idx {
		idx[i] = fmt.Sprint(i)
	}
	steps, base := e.tmp("lanes"), e.tmp("")
	v.ivVec = e.tmp(v.iv.Name + "_lanes")
	e.line(pos, "%s = arith.constant dense<[%s]> : %s", steps, strings.Join(idx, ", "), v.vt(ir.Index))
	e.line(pos, "%s = vector.broadcast %s : index to %s", base, e.dim(v.iv), v.vt(ir.Index))
	e.line(pos, "%s = arith.addi %s, %s : %s", v.ivVec, base, steps, v.vt(ir.Index))
}

// vec spells x as a vector operand: its own name when it varies, its
// lanes for the IV, a broadcast when it is uniform.
func (v *vecEmitter) vec(pos diag.Pos, x *ir.Value) string {
	switch {
	case x == v.iv:
		return v.ivVec
	case v.plan.Varying[x]:
		return v.e.val(x)
	}
	if s, ok := v.bcast[x]; ok {
		return s
	}
	s := v.e.tmp("bcast")
	v.e.line(pos, "%s = vector.broadcast %s : %s to %s", s, v.e.val(x), x.Type, v.vt(x.Type))
	v.bcast[x] = s
	return s
}

func (v *vecEmitter) vecs(pos diag.Pos, xs []*ir.Value) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = v.vec(pos, x)
	}
	return strings.Join(s, ", ")
}

// op writes one op of the body: scalar when uniform, vector when varying.
func (v *vecEmitter) op(o *ir.Op) {
	e := v.e
	if o.Code == ir.OpStore {
		v.store(o)
		return
	}
	if len(o.Results) == 0 || !v.plan.Varying[o.Result()] {
		e.op(o)
		return
	}
	r := o.Result()
	rt := v.vt(r.Type)
	switch {
	case o.Code == ir.OpLoad:
		v.load(o)
	case o.Code.IsBinary():
		name, ok := binaryName(o.Code, r.Type)
		if !ok {
			e.failf(o.Pos, "op %s is not defined on %s", o.Code, r.Type)
			return
		}
		args := v.vecs(o.Pos, o.Args)
		e.line(o.Pos, "%s = arith.%s %s : %s", e.def(r), name, args, rt)
	case o.Code == ir.OpNeg && r.Type.IsFloat():
		x := v.vec(o.Pos, o.Args[0])
		e.line(o.Pos, "%s = arith.negf %s : %s", e.def(r), x, rt)
	case o.Code == ir.OpNeg:
		x := v.vec(o.Pos, o.Args[0])
		e.line(o.Pos, "%s = arith.subi %s, %s : %s", e.def(r), v.splat(r.Type, 0), x, rt)
	case o.Code == ir.OpCmp:
		t := o.Args[0].Type
		kind, pred := "cmpi", intPreds[o.Pred]
		if t.IsFloat() {
			kind, pred = "cmpf", floatPreds[o.Pred]
		}
		args := v.vecs(o.Pos, o.Args)
		e.line(o.Pos, "%s = arith.%s %s, %s : %s", e.def(r), kind, pred, args, v.vt(t))
	case o.Code == ir.OpSelect:
		c, cond := o.Args[0], ""
		types := rt
		if v.plan.Varying[c] || c == v.iv {
			cond, types = v.vec(o.Pos, c), v.vt(ir.I1)+", "+rt
		} else {
			cond = e.val(c)
		}
		args := v.vecs(o.Pos, o.Args[1:])
		e.line(o.Pos, "%s = arith.select %s, %s : %s", e.def(r), cond, args, types)
	case o.Code == ir.OpCast:
		x := o.Args[0]
		if x.Type == r.Type {
			e.alias[r] = v.vec(o.Pos, x)
			return
		}
		name := castOp(x.Type, r.Type)
		if name == "" {
			e.failf(o.Pos, "cannot cast %s to %s", x.Type, r.Type)
			return
		}
		xs := v.vec(o.Pos, x)
		e.line(o.Pos, "%s = arith.%s %s : %s to %s", e.def(r), name, xs, v.vt(x.Type), rt)
	default:
		e.failf(o.Pos, "cannot vectorize op %s", o.Code)
	}
}

// index spells the subscripts of a vector access: inline affine ones for
// the affine dialect, else index values for the vector dialect.
func (v *vecEmitter) index(pos diag.Pos, idx []ir.Subscript) (dialect, index string) {
	if !hasDyn(idx) {
		exprs := make([]*ir.Expr, len(idx))
		for i, s := range idx {
			exprs[i] = s.Affine
		}
		return "affine.vector_", v.e.inline(exprs)
	}
	s := make([]string, len(idx))
	for i, x := range idx {
		s[i] = v.e.indexValue(pos, x)
	}
	return "vector.", strings.Join(s, ", ")
}

// load writes a varying load as its plan says.
func (v *vecEmitter) load(o *ir.Op) {
	e := v.e
	a := v.plan.Access[o]
	r := o.Result()
	mt, err := memRefType(o.Buf)
	if err != nil {
		e.err = err
		return
	}
	w := v.plan.Width
	switch a.Kind {
	case ir.AccessContiguous:
		d, idx := v.index(o.Pos, a.Base)
		e.line(o.Pos, "%s = %sload %%%s[%s] : %s, %s", e.def(r), d, o.Buf.Name, idx, mt, v.vt(r.Type))
	case ir.AccessShuffle:
		// An odd-length span (53 bytes for 64 lanes) is not a machine
		// vector, and its plain load is assembled element by element; load
		// a power-of-two vector under a mask instead, never touching memory
		// past the span (as the LLVM emitter does).
		p2 := int64(1)
		for p2 < a.Span {
			p2 *= 2
		}
		span := fmt.Sprintf("vector<%dx%s>", p2, r.Type)
		wide := e.tmp("span")
		if p2 == a.Span {
			d, idx := v.index(o.Pos, a.Base)
			e.line(o.Pos, "%s = %sload %%%s[%s] : %s, %s", wide, d, o.Buf.Name, idx, mt, span)
		} else {
			idx := make([]string, len(a.Base))
			for i, x := range a.Base {
				idx[i] = e.indexValue(o.Pos, x)
			}
			mask, zero := e.tmp("mask"), e.tmp("pass")
			zlit := "0"
			if r.Type.IsFloat() {
				zlit = "0.0"
			}
			e.line(o.Pos, "%s = vector.constant_mask [%d] : vector<%dxi1>", mask, a.Span, p2)
			e.line(o.Pos, "%s = arith.constant dense<%s> : %s", zero, zlit, span)
			e.line(o.Pos, "%s = vector.maskedload %%%s[%s], %s, %s : %s, vector<%dxi1>, %s into %s", wide, o.Buf.Name,
				strings.Join(idx, ", "), mask, zero, mt, p2, span, span)
		}
		mask := make([]string, len(a.Offsets))
		for i, x := range a.Offsets {
			mask[i] = fmt.Sprint(x)
		}
		e.line(o.Pos, "%s = vector.shuffle %s, %s [%s] : %s, %s", e.def(r), wide, wide, strings.Join(mask, ", "), span, span)
	case ir.AccessPacked:
		base := append([]ir.Subscript(nil), a.Base...)
		n := len(base)
		base[n-1] = ir.Subscript{Affine: ir.FloorDiv(base[n-1].Affine, 2)}
		d, idx := v.index(o.Pos, base)
		bytes := fmt.Sprintf("vector<%dxi8>", w/2)
		raw := e.tmp("bytes")
		e.line(o.Pos, "%s = %sload %%%s[%s] : %s, %s", raw, d, o.Buf.Name, idx, mt, bytes)
		e.line(o.Pos, "%s = vector.bitcast %s : %s to %s", e.def(r), raw, bytes, v.vt(r.Type))
	case ir.AccessGather:
		n := len(a.Base)
		s := make([]string, n)
		for i, x := range a.Base[:n-1] {
			s[i] = e.indexValue(o.Pos, x)
		}
		s[n-1] = e.tmp("c0")
		e.line(o.Pos, "%s = arith.constant 0 : index", s[n-1])
		off := a.Base[n-1].Dyn
		offs := v.vec(o.Pos, off)
		if !off.Type.IsIndex() {
			cast := "index_cast"
			if off.Type == ir.I1 {
				cast = "index_castui"
			}
			name := e.tmp("offs")
			e.line(o.Pos, "%s = arith.%s %s : %s to %s", name, cast, offs, v.vt(off.Type), v.vt(ir.Index))
			offs = name
		}
		mask, pass := e.tmp("all"), e.tmp("pass")
		e.line(o.Pos, "%s = arith.constant dense<true> : %s", mask, v.vt(ir.I1))
		zero := "0"
		if r.Type.IsFloat() {
			zero = "0.0"
		}
		e.line(o.Pos, "%s = arith.constant dense<%s> : %s", pass, zero, v.vt(r.Type))
		e.line(o.Pos, "%s = vector.gather %%%s[%s][%s], %s, %s : %s, %s, %s, %s into %s", e.def(r), o.Buf.Name,
			strings.Join(s, ", "), offs, mask, pass, mt, v.vt(ir.Index), v.vt(ir.I1), v.vt(r.Type), v.vt(r.Type))
	default:
		e.failf(o.Pos, "vector load of %s has no plan", o.Buf.Name)
	}
}

// store writes a contiguous vector store (the only kind a plan allows).
func (v *vecEmitter) store(o *ir.Op) {
	e := v.e
	a := v.plan.Access[o]
	if a == nil || a.Kind != ir.AccessContiguous {
		e.failf(o.Pos, "vector store into %s has no contiguous plan", o.Buf.Name)
		return
	}
	mt, err := memRefType(o.Buf)
	if err != nil {
		e.err = err
		return
	}
	x := v.vec(o.Pos, o.Args[0])
	d, idx := v.index(o.Pos, a.Base)
	e.line(o.Pos, "%sstore %s, %%%s[%s] : %s, %s", d, x, o.Buf.Name, idx, mt, v.vt(o.Args[0].Type))
}
