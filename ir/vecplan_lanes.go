package ir

import "fmt"

// laneInfo computes how affine subscripts move from lane to lane of a
// vector loop. Lane l of the iteration starting at x0 evaluates a subscript
// e at IV = x0 + l, and x0 runs over lb + W·t.
//
// The argument: split e into terms that mention the IV and terms that do
// not (which are the same in every lane). The IV terms form a function g
// of the IV alone; let P be the product of the divisors of its floordiv and
// mod nodes. Then g(y + P) - g(y) is a constant, so the lane offsets
// g(x0 + l) - g(x0) depend only on x0 mod P. When lb = c0 + Σ cᵢ·vᵢ with
// loop variables vᵢ, x0 mod P ranges over c0 + h·Z (mod P) with
// h = gcd(P, W, c₁, …). If every such residue gives the same offsets, they
// hold for every vector iteration; otherwise the access is refused.
type laneInfo struct {
	iv    *Value
	width int64
	c0    int64 // lb's constant term
	h     int64 // gcd of lb's variable coefficients and the width (0 until combined with P)
}

func newLaneInfo(l *Loop, width int64) *laneInfo {
	li := &laneInfo{iv: l.IV, width: width, h: width}
	if len(l.Lower) != 1 {
		li.h = 1 // the lower bound is a max: nothing is known of its residues
		return li
	}
	for _, t := range terms(l.Lower[0], 1, nil) {
		switch t.e.Kind {
		case ExprConst:
			li.c0 += t.scale * t.e.C
		case ExprDim:
			li.h = gcd(li.h, t.scale)
		default:
			li.h = 1
		}
	}
	return li
}

// sumTerm is scale·e, one summand of an affine expression.
type sumTerm struct {
	e     *Expr
	scale int64
}

// terms flattens sums and constant multiples.
func terms(e *Expr, scale int64, out []sumTerm) []sumTerm {
	switch e.Kind {
	case ExprAdd:
		return terms(e.R, scale, terms(e.L, scale, out))
	case ExprMul:
		return terms(e.L, scale*e.R.C, out)
	}
	return append(out, sumTerm{e, scale})
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// split returns the terms of e that mention the IV, and fails when one
// mentions another loop variable too (as in (b + k) floordiv 2).
func (li *laneInfo) split(e *Expr) ([]sumTerm, []sumTerm, error) {
	var ivTerms, rest []sumTerm
	for _, t := range terms(e, 1, nil) {
		dims := t.e.Dims(nil)
		hasIV := false
		for _, d := range dims {
			hasIV = hasIV || d == li.iv
		}
		switch {
		case !hasIV:
			rest = append(rest, t)
		case len(dims) > 1:
			return nil, nil, fmt.Errorf("%s combines the vectorized loop variable with other loop variables under floordiv or mod", t.e.Format(srcName))
		default:
			ivTerms = append(ivTerms, t)
		}
	}
	return ivTerms, rest, nil
}

// period returns the product of the divisors in e, or 0 when it exceeds
// maxLanePeriod.
func period(e *Expr) int64 {
	switch e.Kind {
	case ExprAdd:
		return mulPeriod(period(e.L), period(e.R))
	case ExprMul:
		return period(e.L)
	case ExprFloorDiv, ExprMod:
		return mulPeriod(period(e.L), e.R.C)
	}
	return 1
}

func mulPeriod(a, b int64) int64 {
	if a == 0 || b == 0 || a*b > maxLanePeriod {
		return 0
	}
	return a * b
}

// residues returns the residues x0 mod P that vector iterations start at.
func (li *laneInfo) residues(p int64) []int64 {
	h := gcd(gcd(li.h, li.width), p)
	var rs []int64
	for s := int64(0); s < p/h; s++ {
		rs = append(rs, floorMod(li.c0+h*s, p))
	}
	return rs
}

// evalTerms evaluates the IV terms at IV = x.
func (li *laneInfo) evalTerms(ts []sumTerm, x int64) int64 {
	var v int64
	for _, t := range ts {
		v += t.scale * t.e.Eval(func(*Value) int64 { return x })
	}
	return v
}

// offsets returns, for each lane, how far e is from its value in lane 0.
func (li *laneInfo) offsets(e *Expr) ([]int64, error) {
	ivTerms, _, err := li.split(e)
	if err != nil {
		return nil, err
	}
	p := int64(1)
	for _, t := range ivTerms {
		p = mulPeriod(p, period(t.e))
	}
	if p == 0 {
		return nil, fmt.Errorf("%s divides by too large a number to vectorize", e.Format(srcName))
	}
	var want []int64
	for _, r := range li.residues(p) {
		for _, x0 := range []int64{r, r + p} { // r + p checks the periodicity argument
			got := make([]int64, li.width)
			for l := range got {
				got[l] = li.evalTerms(ivTerms, x0+int64(l)) - li.evalTerms(ivTerms, x0)
			}
			if want == nil {
				want = got
				continue
			}
			for l := range got {
				if got[l] != want[l] {
					return nil, fmt.Errorf("%s moves differently from lane to lane in different iterations", e.Format(srcName))
				}
			}
		}
	}
	return want, nil
}

// even reports whether e is provably even in lane 0 of every vector
// iteration.
func (li *laneInfo) even(e *Expr) bool {
	ivTerms, rest, err := li.split(e)
	if err != nil {
		return false
	}
	parity := int64(0)
	for _, t := range rest {
		switch {
		case t.scale%2 == 0:
		case t.e.Kind == ExprConst:
			parity += t.e.C
		default:
			return false // an odd multiple of a variable
		}
	}
	p := int64(2)
	for _, t := range ivTerms {
		p = mulPeriod(p, period(t.e))
	}
	if p == 0 {
		return false
	}
	for _, r := range li.residues(p) {
		for _, x0 := range []int64{r, r + p} {
			if floorMod(parity+li.evalTerms(ivTerms, x0), 2) != 0 {
				return false
			}
		}
	}
	return true
}
