package emit

import (
	"fmt"
	"sort"

	lir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// loop emits an OpFor: serial, vector or parallel.
func (g *llvmFunc) loop(op *ir.Op) {
	l := op.Loop
	switch {
	case l.Vector > 1:
		g.vectorLoop(op)
		return
	case l.Dot:
		g.dotLoop(op)
		return
	case l.Parallel && len(l.IterArgs) == 0:
		g.parallel(op)
		return
	}
	lb, ub := g.bound(l.Lower, enum.IPredSGT), g.bound(l.Upper, enum.IPredSLT)
	g.hoistDots(op)
	inits := make([]value.Value, len(op.Args))
	for i, a := range op.Args {
		inits[i] = g.val(a)
	}
	res := g.forLoop(lb, ub, l.Step, inits, func(iv value.Value, its []value.Value) []value.Value {
		g.vals[l.IV] = iv
		for i, a := range l.IterArgs {
			g.vals[a] = its[i]
		}
		ops := l.Body.Ops
		g.block(&ir.Block{Ops: ops[:len(ops)-1]})
		next := make([]value.Value, len(l.IterArgs))
		for i, y := range ops[len(ops)-1].Args {
			next[i] = g.val(y)
		}
		return next
	})
	for i, r := range op.Results {
		g.vals[r] = res[i]
	}
}

// bound emits the max (pred SGT) or min (pred SLT) of bound expressions.
func (g *llvmFunc) bound(es []*ir.Expr, pred enum.IPred) value.Value {
	v := g.expr(es[0])
	for _, e := range es[1:] {
		x := g.expr(e)
		v = g.cur.NewSelect(g.cur.NewICmp(pred, x, v), x, v)
	}
	return v
}

// forLoop emits `for iv = lb; iv < ub; iv += step` carrying inits through
// body, which emits into g.cur and returns the next values; it returns the
// carried values after the loop.
func (g *llvmFunc) forLoop(lb, ub value.Value, step int64, inits []value.Value, body func(iv value.Value, its []value.Value) []value.Value) []value.Value {
	pre := g.cur
	header, bodyB, exit := g.newBlock("for"), g.newBlock("body"), g.newBlock("endfor")
	pre.NewBr(header)
	iv := header.NewPhi(lir.NewIncoming(lb, pre))
	its := make([]value.Value, len(inits))
	phis := make([]*lir.InstPhi, len(inits))
	for i, x := range inits {
		phis[i] = header.NewPhi(lir.NewIncoming(x, pre))
		its[i] = phis[i]
	}
	header.NewCondBr(header.NewICmp(enum.IPredSLT, iv, ub), bodyB, exit)
	g.cur = bodyB
	next := body(iv, its)
	latch := g.cur
	ivNext := latch.NewAdd(iv, i64(step))
	latch.NewBr(header)
	iv.Incs = append(iv.Incs, lir.NewIncoming(ivNext, latch))
	for i, p := range phis {
		p.Incs = append(p.Incs, lir.NewIncoming(next[i], latch))
	}
	g.cur = exit
	return its
}

// parallel outlines a parallel loop into a function that runs a contiguous
// chunk of its iterations on each OpenMP thread, and calls it through
// GOMP_parallel (num_threads 0: the runtime's default, OMP_NUM_THREADS).
// The loop's bounds, the buffers and every value the body uses from
// outside travel in a struct on the caller's stack.
func (g *llvmFunc) parallel(op *ir.Op) {
	l := op.Loop
	lb, ub := g.bound(l.Lower, enum.IPredSGT), g.bound(l.Upper, enum.IPredSLT)
	captured := capturedValues(op)
	var fields []lt.Type
	var vals []value.Value
	add := func(v value.Value) {
		fields = append(fields, v.Type())
		vals = append(vals, v)
	}
	add(lb)
	add(ub)
	for _, b := range g.f.Params {
		add(g.bufs[b])
	}
	for _, v := range captured {
		add(g.val(v))
	}
	st := lt.NewStruct(fields...)
	frame := g.fn.Blocks[0].NewAlloca(st)
	for i, v := range vals {
		g.cur.NewStore(v, g.cur.NewGetElementPtr(st, frame, constant.NewInt(lt.I32, 0), constant.NewInt(lt.I32, int64(i))))
	}
	g.l.outlined++
	bytePtr := lt.NewPointer(lt.I8)
	out := g.l.m.NewFunc(fmt.Sprintf("%s.parallel.%d", g.f.Name, g.l.outlined), lt.Void, lir.NewParam("data", bytePtr))
	out.Linkage = enum.LinkageInternal
	h := &llvmFunc{l: g.l, f: g.f, fn: out, vals: map[*ir.Value]value.Value{}, bufs: map[*ir.Buffer]value.Value{}, packs: map[*ir.Op]*dotPack{}}
	h.cur = out.NewBlock("entry")
	data := h.cur.NewBitCast(out.Params[0], lt.NewPointer(st))
	field := func(i int) value.Value {
		return h.cur.NewLoad(fields[i], h.cur.NewGetElementPtr(st, data, constant.NewInt(lt.I32, 0), constant.NewInt(lt.I32, int64(i))))
	}
	lo, hi := field(0), field(1)
	for i, b := range g.f.Params {
		h.bufs[b] = field(2 + i)
	}
	for b, v := range g.bufs { // constant tables
		if _, ok := h.bufs[b]; !ok {
			h.bufs[b] = v
		}
	}
	for i, v := range captured {
		h.vals[v] = field(2 + len(g.f.Params) + i)
	}
	start, end := h.chunk(lo, hi, l.Step)
	h.hoistDots(op)
	h.forLoop(start, end, l.Step, nil, func(iv value.Value, _ []value.Value) []value.Value {
		h.vals[l.IV] = iv
		ops := l.Body.Ops
		h.block(&ir.Block{Ops: ops[:len(ops)-1]})
		return nil
	})
	h.cur.NewRet(nil)
	if h.err != nil && g.err == nil {
		g.err = h.err
	}
	fnPtr := lt.NewPointer(lt.NewFunc(lt.Void, bytePtr))
	gomp := g.l.intrinsic("GOMP_parallel", lt.Void, fnPtr, bytePtr, lt.I32, lt.I32)
	g.cur.NewCall(gomp, out, g.cur.NewBitCast(frame, bytePtr), constant.NewInt(lt.I32, 0), constant.NewInt(lt.I32, 0))
}

// chunk returns this thread's [start, end) of the iterations lo, lo+step,
// ... below hi: ceil(trips / threads) consecutive iterations per thread.
func (g *llvmFunc) chunk(lo, hi value.Value, step int64) (value.Value, value.Value) {
	b := g.cur
	tid := b.NewSExt(b.NewCall(g.l.intrinsic("omp_get_thread_num", lt.I32)), lt.I64)
	nth := b.NewSExt(b.NewCall(g.l.intrinsic("omp_get_num_threads", lt.I32)), lt.I64)
	diff := b.NewSub(hi, lo)
	span := b.NewSelect(b.NewICmp(enum.IPredSGT, diff, i64(0)), diff, i64(0))
	trips := b.NewSDiv(b.NewAdd(span, i64(step-1)), i64(step))
	per := b.NewSDiv(b.NewAdd(trips, b.NewSub(nth, i64(1))), nth)
	start := b.NewAdd(lo, b.NewMul(b.NewMul(tid, per), i64(step)))
	end := b.NewAdd(start, b.NewMul(per, i64(step)))
	return start, b.NewSelect(b.NewICmp(enum.IPredSLT, end, hi), end, hi)
}

// capturedValues returns the values the loop uses but does not define
// (operands, dynamic subscripts and induction variables of enclosing
// loops in affine expressions and bounds), in ID order.
func capturedValues(op *ir.Op) []*ir.Value {
	defined := map[*ir.Value]bool{}
	used := map[*ir.Value]bool{}
	useExpr := func(es ...*ir.Expr) {
		for _, e := range es {
			if e != nil {
				for _, d := range e.Dims(nil) {
					used[d] = true
				}
			}
		}
	}
	(&ir.Block{Ops: []*ir.Op{op}}).Walk(func(o *ir.Op) {
		for _, r := range o.Results {
			defined[r] = true
		}
		for _, a := range o.Args {
			used[a] = true
		}
		for _, s := range o.Index {
			if s.Dyn != nil {
				used[s.Dyn] = true
			}
			useExpr(s.Affine)
		}
		if o.Loop != nil {
			defined[o.Loop.IV] = true
			for _, a := range o.Loop.IterArgs {
				defined[a] = true
			}
			if o != op {
				useExpr(o.Loop.Lower...)
				useExpr(o.Loop.Upper...)
			}
		}
	})
	var out []*ir.Value
	for v := range used {
		if !defined[v] {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
