package passes

import (
	"math"
	"math/bits"

	"github.com/q35c/q35c/ir"
)

// This file holds the affine reasoning the transforms share: linear forms
// (to compare bounds and subscripts exactly), static ranges of induction
// variables and expressions, trip counts, and substitution. Every
// computation checks for int64 overflow and gives up ("unknown") rather
// than reason with wrapped numbers.

// lin is a linear form c + Σ k[v]·v over induction variables.
type lin struct {
	c int64
	k map[*ir.Value]int64 // no zero coefficients
}

func addOK(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

func mulOK(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(absInt(a)), uint64(absInt(b)))
	if hi != 0 || lo > math.MaxInt64 || a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absInt(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// linearize returns e as a linear form, or false if e uses floordiv or mod
// or a coefficient overflows.
func linearize(e *ir.Expr) (lin, bool) {
	switch e.Kind {
	case ir.ExprConst:
		return lin{c: e.C}, true
	case ir.ExprDim:
		return lin{k: map[*ir.Value]int64{e.Dim: 1}}, true
	case ir.ExprAdd:
		l, ok1 := linearize(e.L)
		r, ok2 := linearize(e.R)
		if !ok1 || !ok2 {
			return lin{}, false
		}
		return l.plus(r, 1)
	case ir.ExprMul:
		l, ok := linearize(e.L)
		if !ok {
			return lin{}, false
		}
		return lin{}.plus(l, e.R.C)
	}
	return lin{}, false
}

// plus returns l + m·r.
func (l lin) plus(r lin, m int64) (lin, bool) {
	out := lin{k: map[*ir.Value]int64{}}
	for v, k := range l.k {
		out.k[v] = k
	}
	rc, ok := mulOK(r.c, m)
	if !ok {
		return lin{}, false
	}
	if out.c, ok = addOK(l.c, rc); !ok {
		return lin{}, false
	}
	for v, k := range r.k {
		km, ok1 := mulOK(k, m)
		sum, ok2 := addOK(out.k[v], km)
		if !ok1 || !ok2 {
			return lin{}, false
		}
		if sum == 0 {
			delete(out.k, v)
		} else {
			out.k[v] = sum
		}
	}
	return out, true
}

// diffConst returns a - b when it is the same constant for all values of
// the induction variables.
func diffConst(a, b *ir.Expr) (int64, bool) {
	la, ok1 := linearize(a)
	lb, ok2 := linearize(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	d, ok := la.plus(lb, -1)
	if !ok || len(d.k) != 0 {
		return 0, false
	}
	return d.c, true
}

// span is a static range [lo, hi] (inclusive) of values.
type span struct{ lo, hi int64 }

// ranges maps induction variables to the ranges they take.
type ranges map[*ir.Value]span

// of returns the range of e, or false if some induction variable's range
// is unknown or a bound overflows.
func (rs ranges) of(e *ir.Expr) (span, bool) {
	switch e.Kind {
	case ir.ExprConst:
		return span{e.C, e.C}, true
	case ir.ExprDim:
		s, ok := rs[e.Dim]
		return s, ok
	case ir.ExprAdd:
		l, ok1 := rs.of(e.L)
		r, ok2 := rs.of(e.R)
		lo, ok3 := addOK(l.lo, r.lo)
		hi, ok4 := addOK(l.hi, r.hi)
		return span{lo, hi}, ok1 && ok2 && ok3 && ok4
	case ir.ExprMul:
		l, ok := rs.of(e.L)
		lo, ok1 := mulOK(l.lo, e.R.C)
		hi, ok2 := mulOK(l.hi, e.R.C)
		return span{min(lo, hi), max(lo, hi)}, ok && ok1 && ok2
	}
	l, ok := rs.of(e.L)
	k := e.R.C
	if !ok || k <= 0 {
		return span{}, false
	}
	if e.Kind == ir.ExprFloorDiv {
		return span{floorDiv(l.lo, k), floorDiv(l.hi, k)}, true
	}
	if floorDiv(l.lo, k) == floorDiv(l.hi, k) {
		return span{floorMod(l.lo, k), floorMod(l.hi, k)}, true
	}
	return span{0, k - 1}, true
}

// ivSpan returns the range of l's induction variable: from the largest
// least lower bound to the smallest greatest upper bound, less one (less
// the remainder of the step when the start is a known constant). It is
// false if a bound is unknown or the loop may never run.
func (rs ranges) ivSpan(l *ir.Loop) (span, bool) {
	s := span{math.MinInt64, math.MaxInt64}
	for _, e := range l.Lower {
		b, ok := rs.of(e)
		if !ok {
			return span{}, false
		}
		s.lo = max(s.lo, b.lo)
	}
	for _, e := range l.Upper {
		b, ok := rs.of(e)
		if !ok {
			return span{}, false
		}
		s.hi = min(s.hi, b.hi)
	}
	if s.hi <= s.lo || s.hi == math.MinInt64 {
		return span{}, false
	}
	s.hi--
	if lo, ok := constMax(l.Lower); ok && l.Step > 1 {
		s.hi -= (s.hi - lo) % l.Step // the last value the IV takes
	}
	return s, true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// singleLower returns the one expression the IV starts from: the lower
// bound if there is one, the largest if all are constants.
func singleLower(l *ir.Loop) (*ir.Expr, bool) {
	if len(l.Lower) == 1 {
		return l.Lower[0], true
	}
	if c, ok := constMax(l.Lower); ok {
		return ir.Const(c), true
	}
	return nil, false
}

// constMax returns the largest of es when all are constants.
func constMax(es []*ir.Expr) (int64, bool) {
	r := int64(math.MinInt64)
	for _, e := range es {
		c, ok := e.IsConst()
		if !ok {
			return 0, false
		}
		r = max(r, c)
	}
	return r, len(es) > 0
}

// TripCount returns the number of iterations of l when it is the same
// every time the loop runs (see tripCount).
func TripCount(l *ir.Loop) (int64, bool) { return tripCount(l) }

// tripCount returns the number of iterations of l when it is the same
// every time the loop runs: the lower bound is one expression and every
// upper bound is that expression plus a constant.
func tripCount(l *ir.Loop) (int64, bool) {
	lower, ok := singleLower(l)
	if !ok || len(l.Upper) == 0 || l.Step < 1 {
		return 0, false
	}
	span := int64(math.MaxInt64)
	for _, u := range l.Upper {
		d, ok := diffConst(u, lower)
		if !ok {
			return 0, false
		}
		span = min(span, d)
	}
	if span <= 0 {
		return 0, true
	}
	n := span / l.Step
	if span%l.Step != 0 {
		n++
	}
	return n, true
}

// substitute returns e with each induction variable in sub replaced by its
// expression; constants fold.
func substitute(e *ir.Expr, sub map[*ir.Value]*ir.Expr) *ir.Expr {
	if len(sub) == 0 {
		return e
	}
	return e.Substitute(func(v *ir.Value) *ir.Expr {
		if r, ok := sub[v]; ok {
			return r
		}
		return ir.Dim(v)
	})
}

// usesDim reports whether e uses any of the induction variables in set.
func usesDim(e *ir.Expr, set map[*ir.Value]bool) bool {
	for _, v := range e.Dims(nil) {
		if set[v] {
			return true
		}
	}
	return false
}
