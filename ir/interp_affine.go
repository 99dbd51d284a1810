package ir

import "math"

// lin is a linear form c + Σ k·s[slot] over frame slots. Affine expressions
// without floordiv and mod linearize exactly: int64 arithmetic wraps, and
// wrapping arithmetic is a ring, so distributing products changes nothing.
type lin struct {
	c     int64
	terms []term
}

type term struct {
	k    int64
	slot int
}

func (l lin) eval(s []int64) int64 {
	v := l.c
	for _, t := range l.terms {
		v += t.k * s[t.slot]
	}
	return v
}

// plus returns l + k·r in a new form, merging terms over the same slot.
func (l lin) plus(r lin, k int64) lin {
	out := lin{c: l.c + k*r.c, terms: append([]term(nil), l.terms...)}
	for _, t := range r.terms {
		out = out.addTerm(t.k*k, t.slot)
	}
	return out
}

func (l lin) addTerm(k int64, slot int) lin {
	for i := range l.terms {
		if l.terms[i].slot == slot {
			l.terms[i].k += k
			return l
		}
	}
	return lin{c: l.c, terms: append(l.terms, term{k, slot})}
}

// linearize returns e as a linear form, or false if it uses floordiv or mod.
func (c *compiler) linearize(e *Expr) (lin, bool) {
	switch e.Kind {
	case ExprConst:
		return lin{c: e.C}, true
	case ExprDim:
		return lin{terms: []term{{1, c.slot(e.Dim)}}}, true
	case ExprAdd:
		l, okl := c.linearize(e.L)
		r, okr := c.linearize(e.R)
		return l.plus(r, 1), okl && okr
	case ExprMul:
		l, ok := c.linearize(e.L)
		return lin{}.plus(l, e.R.C), ok
	}
	return lin{}, false
}

// expr compiles e into a function of the frame, with Expr.Eval's semantics.
func (c *compiler) expr(e *Expr) func() int64 {
	s := c.s
	if l, ok := c.linearize(e); ok {
		switch len(l.terms) {
		case 0:
			return func() int64 { return l.c }
		case 1:
			k, i := l.terms[0].k, l.terms[0].slot
			return func() int64 { return l.c + k*s[i] }
		}
		return func() int64 { return l.eval(s) }
	}
	x := c.expr(e.L)
	k := e.R.C
	switch e.Kind {
	case ExprFloorDiv:
		return func() int64 { return floorDiv(x(), k) }
	case ExprMod:
		return func() int64 { return floorMod(x(), k) }
	case ExprMul:
		return func() int64 { return x() * k }
	}
	y := c.expr(e.R)
	return func() int64 { return x() + y() }
}

// span is a static range [lo, hi] of values; ok is false when unknown.
type span struct {
	lo, hi int64
	ok     bool
}

// exprRange returns the values e can take given the static ranges of the
// induction variables, or !ok if unknown or if any bound overflows int64.
func (c *compiler) exprRange(e *Expr) span {
	switch e.Kind {
	case ExprConst:
		return span{e.C, e.C, true}
	case ExprDim:
		return c.ranges[e.Dim]
	case ExprAdd:
		l, r := c.exprRange(e.L), c.exprRange(e.R)
		lo, ok1 := addOK(l.lo, r.lo)
		hi, ok2 := addOK(l.hi, r.hi)
		return span{lo, hi, l.ok && r.ok && ok1 && ok2}
	case ExprMul:
		l, k := c.exprRange(e.L), e.R.C
		lo, ok1 := mulOK(l.lo, k)
		hi, ok2 := mulOK(l.hi, k)
		if k < 0 {
			lo, hi = hi, lo
		}
		return span{lo, hi, l.ok && ok1 && ok2}
	}
	l, k := c.exprRange(e.L), e.R.C
	if e.Kind == ExprFloorDiv {
		return span{floorDiv(l.lo, k), floorDiv(l.hi, k), l.ok}
	}
	if floorDiv(l.lo, k) == floorDiv(l.hi, k) {
		return span{floorMod(l.lo, k), floorMod(l.hi, k), l.ok}
	}
	return span{0, k - 1, l.ok}
}

func addOK(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

func mulOK(a, k int64) (int64, bool) {
	if a == 0 || k == 0 {
		return 0, true
	}
	p := a * k
	return p, p/k == a && !(k == -1 && a == math.MinInt64)
}

// ivRange returns the static range of l's induction variable: at least the
// largest lower bound of any lower bound, at most the smallest upper bound
// of any upper bound, less one. If it is empty the body never runs.
func (c *compiler) ivRange(l *Loop) span {
	r := span{math.MinInt64, math.MaxInt64, true}
	for _, e := range l.Lower {
		b := c.exprRange(e)
		r.lo, r.ok = max(r.lo, b.lo), r.ok && b.ok
	}
	for _, e := range l.Upper {
		b := c.exprRange(e)
		r.hi, r.ok = min(r.hi, b.hi), r.ok && b.ok
	}
	if r.hi == math.MinInt64 {
		return span{}
	}
	r.hi--
	return r
}
