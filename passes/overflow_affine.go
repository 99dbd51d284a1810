package passes

import (
	"fmt"
	"math"

	"github.com/q35c/q35c/ir"
)

// The overflow analysis's view of loop bounds: ranges of affine
// expressions, of induction variables, and trip counts. An expression is
// first made a linear form over atoms (induction variables, and floordiv
// and mod subterms), so that the difference of an upper and a lower bound
// cancels what they share: `for k in g*G..g*G+G` runs exactly G times
// whatever g is, while subtracting the ranges of the two bounds would
// allow up to 2G. All arithmetic is checked; an overflow makes the range
// unknown.

// ovLin is c + Σ k·atom.
type ovLin struct {
	c     int64
	terms map[string]ovTerm
}

type ovTerm struct {
	atom *ir.Expr // an ExprDim, ExprFloorDiv or ExprMod
	k    int64
}

// ovAtomKey names an atom by its structure, with each induction variable
// named by identity, so that equal subterms of two bounds cancel.
func ovAtomKey(e *ir.Expr) string {
	return e.Format(func(v *ir.Value) string { return fmt.Sprintf("%p", v) })
}

// ovLinearize returns e as a linear form, or false on int64 overflow.
func ovLinearize(e *ir.Expr) (ovLin, bool) {
	switch e.Kind {
	case ir.ExprConst:
		return ovLin{c: e.C}, true
	case ir.ExprAdd:
		l, ok1 := ovLinearize(e.L)
		r, ok2 := ovLinearize(e.R)
		if !ok1 || !ok2 {
			return ovLin{}, false
		}
		return l.plus(r, 1)
	case ir.ExprMul:
		l, ok := ovLinearize(e.L)
		if !ok {
			return ovLin{}, false
		}
		return ovLin{}.plus(l, e.R.C)
	}
	return ovLin{terms: map[string]ovTerm{ovAtomKey(e): {atom: e, k: 1}}}, true
}

// plus returns l + m·r.
func (l ovLin) plus(r ovLin, m int64) (ovLin, bool) {
	out := ovLin{c: l.c, terms: map[string]ovTerm{}}
	for key, t := range l.terms {
		out.terms[key] = t
	}
	rc, ok1 := ovMul(r.c, m)
	c, ok2 := ovAdd(out.c, rc)
	if !ok1 || !ok2 {
		return ovLin{}, false
	}
	out.c = c
	for key, t := range r.terms {
		km, ok1 := ovMul(t.k, m)
		sum, ok2 := ovAdd(out.terms[key].k, km)
		if !ok1 || !ok2 {
			return ovLin{}, false
		}
		if sum == 0 {
			delete(out.terms, key)
		} else {
			out.terms[key] = ovTerm{atom: t.atom, k: sum}
		}
	}
	return out, true
}

// linRange returns the range of l: each atom contributes independently,
// which is sound (and exact when the atoms are distinct induction
// variables with box ranges).
func (a *ovAnalysis) linRange(l ovLin) (ovRange, bool) {
	r := ovRange{lo: l.c, hi: l.c}
	for _, t := range l.terms {
		x, ok := a.atomRange(t.atom)
		if !ok {
			return ovRange{}, false
		}
		k := ovRange{lo: t.k, hi: t.k}
		lo, hi, ok := ovCorners(x, k, ovMul)
		if !ok {
			return ovRange{}, false
		}
		var ok1, ok2 bool
		r.lo, ok1 = ovAdd(r.lo, lo)
		r.hi, ok2 = ovAdd(r.hi, hi)
		if !ok1 || !ok2 {
			return ovRange{}, false
		}
	}
	return r, true
}

// exprRange returns the range of an affine expression over the ranges of
// the induction variables it uses.
func (a *ovAnalysis) exprRange(e *ir.Expr) (ovRange, bool) {
	l, ok := ovLinearize(e)
	if !ok {
		return ovRange{}, false
	}
	return a.linRange(l)
}

// atomRange bounds an induction variable, or a floordiv or mod by a
// positive constant (both monotone, as ir.Expr.Range computes them).
func (a *ovAnalysis) atomRange(e *ir.Expr) (ovRange, bool) {
	if e.Kind == ir.ExprDim {
		r := a.rng(e.Dim)
		return r, r.lost == nil
	}
	x, ok := a.exprRange(e.L)
	if !ok {
		return ovRange{}, false
	}
	c := e.R.C
	if e.Kind == ir.ExprFloorDiv {
		return ovRange{lo: ovFloorDiv(x.lo, c), hi: ovFloorDiv(x.hi, c)}, true
	}
	if ovFloorDiv(x.lo, c) == ovFloorDiv(x.hi, c) {
		return ovRange{lo: x.lo - ovFloorDiv(x.lo, c)*c, hi: x.hi - ovFloorDiv(x.hi, c)*c}, true
	}
	return ovRange{lo: 0, hi: c - 1}, true
}

func ovFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// ovTrips bounds how many times a loop body runs per execution of the loop.
type ovTrips struct {
	max   int64
	exact bool // the loop always runs max times
	ok    bool // false: the bounds could not be evaluated (int64 overflow)
}

// tripsOf computes a loop's trip count: ceil((min(Upper) - max(Lower)) /
// Step), at most the bound for every pair of one upper and one lower bound.
func (a *ovAnalysis) tripsOf(op *ir.Op) ovTrips {
	if t, ok := a.trips[op]; ok {
		return t
	}
	l := op.Loop
	t := ovTrips{max: math.MaxInt64}
	for _, u := range l.Upper {
		for _, lw := range l.Lower {
			d, ok := ovDiff(u, lw)
			if !ok {
				continue
			}
			r, ok := a.linRange(d)
			if !ok {
				continue
			}
			t.max, t.ok = min(t.max, ovCeilDiv(max(r.hi, 0), l.Step)), true
			t.exact = len(l.Upper) == 1 && len(l.Lower) == 1 && len(d.terms) == 0
		}
	}
	t.exact = t.exact || t.ok && ovAllConst(l.Lower) && ovAllConst(l.Upper)
	a.trips[op] = t
	return t
}

func ovAllConst(es []*ir.Expr) bool {
	for _, e := range es {
		if _, ok := e.IsConst(); !ok {
			return false
		}
	}
	return true
}

// ovDiff returns u - l as a linear form.
func ovDiff(u, l *ir.Expr) (ovLin, bool) {
	lu, ok1 := ovLinearize(u)
	ll, ok2 := ovLinearize(l)
	if !ok1 || !ok2 {
		return ovLin{}, false
	}
	return lu.plus(ll, -1)
}

func ovCeilDiv(x, s int64) int64 {
	q := x / s
	if x%s != 0 {
		q++
	}
	return q
}

// ivRange bounds a loop's induction variable: from the largest lower
// bound's minimum to the smallest upper bound's maximum, minus one, and on
// the step's grid when the lower bound is a constant. A loop that never
// runs gets its lower bound as a degenerate range.
func (a *ovAnalysis) ivRange(op *ir.Op) ovRange {
	l := op.Loop
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	exactLo := false
	for _, e := range l.Lower {
		if r, ok := a.exprRange(e); ok {
			lo = max(lo, r.lo)
			exactLo = len(l.Lower) == 1 && r.lo == r.hi
		}
	}
	for _, e := range l.Upper {
		if r, ok := a.exprRange(e); ok && r.hi > math.MinInt64 {
			hi = min(hi, r.hi-1)
		}
	}
	if hi < lo {
		return ovRange{lo: lo, hi: lo}
	}
	if exactLo {
		if span, ok := ovSub(hi, lo); ok {
			hi = lo + span/l.Step*l.Step
		}
	}
	return ovRange{lo: lo, hi: hi}
}
