package passes

import (
	"fmt"

	"github.com/q35c/q35c/ir"
)

// ovForm says how a value v of a loop body follows an iteration argument
// (base) of that loop: v = base + d, where d lies in [lo, hi] and is a sum of
// terms that do not depend on base. The terms are the other operands of
// the add and sub ops from base to v; select, min and max of two such
// values keep the form (the result is one of them, or between them); the
// result of an inner loop that accumulates onto base + d0 over at most T
// iterations of d1 has the form base + d0 + [min(0, T·d1.lo), max(0,
// T·d1.hi)]. The terms may depend on other iteration arguments (s2 += s1).
// A value without this form has a nil base.
type ovForm struct {
	base   *ir.Value
	lo, hi int64
	// lost is the first loss among the terms' ranges: a term may be any
	// value of its type because something may wrap.
	lost *ovLoss
	// unbounded is set when the offset could not be computed in int64, or
	// an inner loop's trip count is unknown; lo and hi are then meaningless.
	unbounded *ovLoss
	inc       ovSet // the iteration arguments the terms depend on
}

var ovNoForm = &ovForm{}

// form returns v's form relative to base, an iteration argument of the
// loop whose body defines v.
func (a *ovAnalysis) form(v, base *ir.Value) *ovForm {
	if !a.dep(v, base) {
		return ovNoForm
	}
	key := ovFormKey{v, base}
	if f, ok := a.forms[key]; ok {
		return f
	}
	a.forms[key] = ovNoForm // a cycle through v has no form; replaced below
	f := a.computeForm(v, base)
	a.forms[key] = f
	return f
}

type ovFormKey struct{ v, base *ir.Value }

func (a *ovAnalysis) computeForm(v, base *ir.Value) *ovForm {
	if v == base {
		return &ovForm{base: base}
	}
	if r, ok := a.results[v]; ok {
		return a.resultForm(r.loop, r.k, base)
	}
	op := v.Def
	switch op.Code {
	case ir.OpAdd:
		x, y := op.Args[0], op.Args[1]
		if a.dep(y, base) {
			x, y = y, x
		}
		if a.dep(y, base) { // base + base is not an offset of base
			return ovNoForm
		}
		return a.plusTerm(op, a.form(x, base), base, y, false)
	case ir.OpSub:
		if a.dep(op.Args[1], base) {
			return ovNoForm
		}
		return a.plusTerm(op, a.form(op.Args[0], base), base, op.Args[1], true)
	case ir.OpSelect:
		return ovJoinForms(a.form(op.Args[1], base), a.form(op.Args[2], base), base, ovHull)
	case ir.OpMin: // min(base + d1, base + d2) = base + min(d1, d2)
		return ovJoinForms(a.form(op.Args[0], base), a.form(op.Args[1], base), base, func(x, y ovRange) ovRange {
			return ovRange{lo: min(x.lo, y.lo), hi: min(x.hi, y.hi)}
		})
	case ir.OpMax:
		return ovJoinForms(a.form(op.Args[0], base), a.form(op.Args[1], base), base, func(x, y ovRange) ovRange {
			return ovRange{lo: max(x.lo, y.lo), hi: max(x.hi, y.hi)}
		})
	}
	return ovNoForm
}

// plusTerm returns the form of fx's value plus (or minus) the term y.
func (a *ovAnalysis) plusTerm(op *ir.Op, fx *ovForm, base, y *ir.Value, minus bool) *ovForm {
	if fx.base != base {
		return ovNoForm
	}
	r := a.rng(y)
	f := &ovForm{base: base, lost: ovFirstLoss(fx.lost, r.lost), unbounded: fx.unbounded, inc: ovUnion(fx.inc, a.deps[y])}
	var ok1, ok2 bool
	if minus {
		f.lo, ok1 = ovSub(fx.lo, r.hi)
		f.hi, ok2 = ovSub(fx.hi, r.lo)
	} else {
		f.lo, ok1 = ovAdd(fx.lo, r.lo)
		f.hi, ok2 = ovAdd(fx.hi, r.hi)
	}
	if !(ok1 && ok2) && f.unbounded == nil {
		f.unbounded = &ovLoss{op: op, msg: fmt.Sprintf("the terms %s adds exceed 64 bits", ovName(base)), exceeds: true}
	}
	return f
}

func ovJoinForms(x, y *ovForm, base *ir.Value, join func(x, y ovRange) ovRange) *ovForm {
	if x.base != base || y.base != base {
		return ovNoForm
	}
	r := join(ovRange{lo: x.lo, hi: x.hi}, ovRange{lo: y.lo, hi: y.hi})
	return &ovForm{base: base, lo: r.lo, hi: r.hi, lost: ovFirstLoss(x.lost, y.lost),
		unbounded: ovFirstLoss(x.unbounded, y.unbounded), inc: ovUnion(x.inc, y.inc)}
}

// resultForm is the form of result k of an inner loop: base + d0 when the
// loop starts from base + d0 and accumulates terms that do not depend on
// base, over its trip count.
func (a *ovAnalysis) resultForm(loop *ir.Op, k int, base *ir.Value) *ovForm {
	init, arg, y := loop.Args[k], loop.Loop.IterArgs[k], ovYield(loop).Args[k]
	fi := a.form(init, base)
	if fi.base != base {
		return ovNoForm
	}
	trips := a.tripsOf(loop)
	if trips.ok && trips.max == 0 {
		return fi
	}
	if !a.dep(y, arg) {
		return ovNoForm
	}
	fy := a.form(y, arg)
	inc := a.expandOwn(loop, fy.inc)
	if fy.base != arg || inc.has(a.argNum[base]) {
		return ovNoForm
	}
	f := &ovForm{base: base, lost: ovFirstLoss(fi.lost, fy.lost), unbounded: ovFirstLoss(fi.unbounded, fy.unbounded), inc: ovUnion(fi.inc, inc)}
	if !trips.ok && f.unbounded == nil {
		f.unbounded = &ovLoss{op: loop, msg: "the trip count of this loop is not known"}
	}
	if f.unbounded != nil {
		return f
	}
	tlo, ok1 := ovMul(trips.max, fy.lo)
	thi, ok2 := ovMul(trips.max, fy.hi)
	lo, ok3 := ovAdd(fi.lo, min(tlo, 0))
	hi, ok4 := ovAdd(fi.hi, max(thi, 0))
	if !(ok1 && ok2 && ok3 && ok4) {
		f.unbounded = &ovLoss{op: loop, msg: fmt.Sprintf("the sum %s takes over this loop exceeds 64 bits", ovName(arg)), exceeds: true}
		return f
	}
	f.lo, f.hi = lo, hi
	return f
}

func ovFirstLoss(ls ...*ovLoss) *ovLoss {
	for _, l := range ls {
		if l != nil {
			return l
		}
	}
	return nil
}

// ovSet is a sorted set of iteration-argument numbers. Sets are immutable
// and shared.
type ovSet []int32

func (s ovSet) has(n int32) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case s[m] == n:
			return true
		case s[m] < n:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

func ovUnion(x, y ovSet) ovSet {
	switch {
	case len(y) == 0:
		return x
	case len(x) == 0:
		return y
	}
	out := make(ovSet, 0, len(x)+len(y))
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case j == len(y) || i < len(x) && x[i] < y[j]:
			out = append(out, x[i])
			i++
		case i == len(x) || y[j] < x[i]:
			out = append(out, y[j])
			j++
		default:
			out = append(out, x[i])
			i, j = i+1, j+1
		}
	}
	return out
}
