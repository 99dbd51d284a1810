package passes

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/q35c/q35c/ir"
)

// The dependence test (dependence.go) compares the elements two accesses
// touch in two different iterations of one loop L. It rewrites each affine
// subscript as a linear form over variables whose ranges it knows:
//
//   - t, the iteration number of L on the form's side: L's induction
//     variable is lb + step·t with t in [0, tmax], and lb is the same in
//     every iteration;
//   - shared atoms: the induction variables of the loops around L, and
//     expressions over them alone (lb, (j + 1) floordiv 2), which keep one
//     value while L runs, so they cancel when the two sides are subtracted;
//   - per-side atoms: the induction variables of the loops inside L, which
//     take unrelated values in the two iterations compared. An inner
//     induction variable becomes lo + δ, lo one of its lower bounds and δ
//     in [0, Δ], so that a point loop (i from ii to ii + 64) is seen to
//     move with its tile loop ii.
//
// floordiv and mod by q become atoms of their own (shared when their
// operand is), except that t passes through a floordiv whose operand's t
// coefficient is a multiple of q: (x + q·k·t) floordiv q = x floordiv q +
// k·t, and (x + q·k·t) mod q = x mod q.
//
// Atoms are named by strings: "iv3" (an outer induction variable), "lb",
// "s1:δ4" (side 1's offset of inner induction variable 4), "(…) floordiv
// 2". Names that start with a side tag belong to one side.

// depRange is the closed range [lo, hi]; ok is false when it is unknown
// (unbounded, or beyond int64 arithmetic).
type depRange struct {
	lo, hi int64
	ok     bool
}

var depUnknown = depRange{}

func depExact(c int64) depRange { return depRange{c, c, true} }

func (a depRange) plus(b depRange) depRange {
	if !a.ok || !b.ok {
		return depUnknown
	}
	lo, ok1 := depAdd(a.lo, b.lo)
	hi, ok2 := depAdd(a.hi, b.hi)
	return depRange{lo, hi, ok1 && ok2}
}

func (a depRange) times(k int64) depRange {
	if k == 0 {
		return depExact(0)
	}
	if !a.ok {
		return depUnknown
	}
	lo, ok1 := depMul(a.lo, k)
	hi, ok2 := depMul(a.hi, k)
	if k < 0 {
		lo, hi = hi, lo
	}
	return depRange{lo, hi, ok1 && ok2}
}

func (a depRange) floorDiv(q int64) depRange {
	if !a.ok {
		return depUnknown
	}
	return depRange{depFloorDiv(a.lo, q), depFloorDiv(a.hi, q), true}
}

func (a depRange) mod(q int64) depRange {
	if a.ok && depFloorDiv(a.lo, q) == depFloorDiv(a.hi, q) {
		return depRange{depMod(a.lo, q), depMod(a.hi, q), true}
	}
	return depRange{0, q - 1, true}
}

// excludes reports whether x is provably outside a.
func (a depRange) excludes(x int64) bool { return a.ok && (x < a.lo || x > a.hi) }

// depAdd and depMul return a+b and a·b and whether they fit in an int64.
func depAdd(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

func depMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	return p, p/b == a && !(b == -1 && a == math.MinInt64)
}

func depFloorDiv(a, q int64) int64 {
	d := a / q
	if a%q != 0 && (a < 0) != (q < 0) {
		d--
	}
	return d
}

func depMod(a, q int64) int64 { return a - depFloorDiv(a, q)*q }

// depForm is the linear form c + t·T + Σ k·atom, where T is the iteration
// number of the analysed loop on the form's side. ok is false when the
// form is unknown (a coefficient overflowed, or the IR is malformed).
type depForm struct {
	c, t  int64
	terms map[string]int64 // atom name → non-zero coefficient
	ok    bool
}

func depConst(c int64) depForm { return depForm{c: c, ok: true} }

func depAtomForm(name string) depForm {
	return depForm{terms: map[string]int64{name: 1}, ok: true}
}

// axpy returns f + k·g.
func (f depForm) axpy(g depForm, k int64) depForm {
	if !f.ok || !g.ok {
		return depForm{}
	}
	out := depForm{c: f.c, t: f.t, terms: map[string]int64{}, ok: true}
	for a, x := range f.terms {
		out.terms[a] = x
	}
	add := func(dst *int64, x int64) {
		y, ok1 := depMul(x, k)
		z, ok2 := depAdd(*dst, y)
		*dst, out.ok = z, out.ok && ok1 && ok2
	}
	add(&out.c, g.c)
	add(&out.t, g.t)
	for a, x := range g.terms {
		v := out.terms[a]
		add(&v, x)
		if v == 0 {
			delete(out.terms, a)
		} else {
			out.terms[a] = v
		}
	}
	return out
}

func (f depForm) scaled(k int64) depForm { return depConst(0).axpy(f, k) }

func (f depForm) isConst() bool { return f.ok && f.t == 0 && len(f.terms) == 0 }

// name spells f canonically, t tagged with side, for naming an atom built
// from it.
func (f depForm) name(side int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", f.c)
	if f.t != 0 {
		fmt.Fprintf(&b, " + %d*s%d:t", f.t, side)
	}
	for _, a := range depSorted(f.terms) {
		fmt.Fprintf(&b, " + %d*%s", f.terms[a], a)
	}
	return b.String()
}

func depSorted(terms map[string]int64) []string {
	keys := make([]string, 0, len(terms))
	for a := range terms {
		keys = append(keys, a)
	}
	sort.Strings(keys)
	return keys
}

// depLoop is what the dependence test knows about one loop L: the range of
// its iteration number, the loops inside it and the ranges of the atoms
// its forms use.
type depLoop struct {
	op     *ir.Op
	tmax   int64 // the largest iteration number, when tknown
	tknown bool
	inner  map[*ir.Value]*ir.Op   // the loops inside L, by induction variable
	atoms  map[string]depRange    // ranges of the atoms named so far
	ivs    map[*ir.Value]depRange // absolute ranges of induction variables
	deltas map[*ir.Value]depRange // δ ranges of inner induction variables
	bases  map[*ir.Value]int      // which lower bound δ is counted from
	forms  [2]map[*ir.Value]depForm
	ids    map[*ir.Value]int
}

func newDepLoop(op *ir.Op) *depLoop {
	d := &depLoop{
		op:     op,
		inner:  map[*ir.Value]*ir.Op{},
		atoms:  map[string]depRange{},
		ivs:    map[*ir.Value]depRange{},
		deltas: map[*ir.Value]depRange{},
		bases:  map[*ir.Value]int{},
		forms:  [2]map[*ir.Value]depForm{{}, {}},
		ids:    map[*ir.Value]int{},
	}
	op.Loop.Body.Walk(func(o *ir.Op) {
		if o.Code == ir.OpFor {
			d.inner[o.Loop.IV] = o
		}
	})
	if r := d.ivRange(op.Loop.IV); r.ok && op.Loop.Step > 0 {
		if span, ok := depAdd(r.hi, -r.lo); ok {
			d.tmax, d.tknown = depFloorDiv(span, op.Loop.Step), true
		}
	}
	return d
}

// tRange is the range of the iteration number.
func (d *depLoop) tRange() depRange {
	if !d.tknown {
		return depUnknown
	}
	return depRange{0, d.tmax, true}
}

// id numbers induction variables in the order the test meets them.
func (d *depLoop) id(v *ir.Value) int {
	if n, ok := d.ids[v]; ok {
		return n
	}
	d.ids[v] = len(d.ids)
	return d.ids[v]
}

func (d *depLoop) atom(name string, r depRange) depForm {
	d.atoms[name] = r
	return depAtomForm(name)
}

// rangeOf returns the range of f's values.
func (d *depLoop) rangeOf(f depForm) depRange {
	if !f.ok {
		return depUnknown
	}
	r := depExact(f.c).plus(d.tRange().times(f.t))
	for _, a := range depSorted(f.terms) {
		ar, known := d.atoms[a]
		if !known {
			return depUnknown
		}
		r = r.plus(ar.times(f.terms[a]))
	}
	return r
}

// form rewrites affine expression e as seen on side (0 or 1).
func (d *depLoop) form(e *ir.Expr, side int) depForm {
	if e == nil {
		return depForm{}
	}
	switch e.Kind {
	case ir.ExprConst:
		return depConst(e.C)
	case ir.ExprDim:
		return d.dimForm(e.Dim, side)
	case ir.ExprAdd:
		return d.form(e.L, side).axpy(d.form(e.R, side), 1)
	case ir.ExprMul:
		if e.R == nil || e.R.Kind != ir.ExprConst {
			return depForm{}
		}
		return d.form(e.L, side).scaled(e.R.C)
	case ir.ExprFloorDiv, ir.ExprMod:
		if e.R == nil || e.R.Kind != ir.ExprConst || e.R.C <= 0 {
			return depForm{}
		}
		return d.divForm(e.Kind, d.form(e.L, side), e.R.C, side)
	}
	return depForm{}
}

// dimForm rewrites induction variable v (memoized; a cycle, which only
// malformed IR has, gives an unknown form).
func (d *depLoop) dimForm(v *ir.Value, side int) depForm {
	if f, ok := d.forms[side][v]; ok {
		return f
	}
	d.forms[side][v] = depForm{}
	var f depForm
	l := d.op.Loop
	switch lp := d.inner[v]; {
	case v == l.IV && len(l.Lower) == 1:
		f = d.form(l.Lower[0], side).axpy(depForm{t: l.Step, ok: true}, 1)
	case v == l.IV:
		f = d.atom("lb", d.boundRange(l.Lower, true)).axpy(depForm{t: l.Step, ok: true}, 1)
	case lp != nil:
		base, r := d.delta(v, lp.Loop)
		f = d.form(lp.Loop.Lower[base], side).axpy(d.atom(fmt.Sprintf("s%d:δ%d", side, d.id(v)), r), 1)
	default:
		f = d.atom(fmt.Sprintf("iv%d", d.id(v)), d.ivRange(v))
	}
	d.forms[side][v] = f
	return f
}

// delta writes inner induction variable v of loop l as lo + δ, where lo is
// one of l's lower bounds: it returns which, and the range of δ. As v >=
// max(lower bounds) >= lo and v < every upper bound u, δ is in [0, min over
// u of max(u - lo) - 1]; the lower bound giving the smallest range is
// chosen (the first of equals). Ranges are computed on side 0, so that
// the terms a bound shares with lo cancel.
func (d *depLoop) delta(v *ir.Value, l *ir.Loop) (int, depRange) {
	if r, ok := d.deltas[v]; ok {
		return d.bases[v], r
	}
	d.deltas[v], d.bases[v] = depUnknown, 0
	best, r := 0, depUnknown
	for i, lower := range l.Lower {
		lo := d.form(lower, 0)
		var least int64
		known := false
		for _, u := range l.Upper {
			span := d.rangeOf(d.form(u, 0).axpy(lo, -1))
			if span.ok && (!known || span.hi < least) {
				least, known = span.hi, true
			}
		}
		if known && (!r.ok || max(least-1, 0) < r.hi) {
			best, r = i, depRange{0, max(least-1, 0), true}
		}
	}
	d.deltas[v], d.bases[v] = r, best
	return best, r
}

// divForm rewrites f floordiv q or f mod q (q > 0).
func (d *depLoop) divForm(kind ir.ExprKind, f depForm, q int64, side int) depForm {
	if !f.ok {
		return f
	}
	k := int64(0)
	if f.t%q == 0 {
		k, f.t = f.t/q, 0
	}
	var out depForm
	switch {
	case f.isConst() && kind == ir.ExprFloorDiv:
		out = depConst(depFloorDiv(f.c, q))
	case f.isConst():
		out = depConst(depMod(f.c, q))
	case kind == ir.ExprFloorDiv:
		out = d.atom(fmt.Sprintf("(%s) floordiv %d", f.name(side), q), d.rangeOf(f).floorDiv(q))
	default:
		out = d.atom(fmt.Sprintf("(%s) mod %d", f.name(side), q), d.rangeOf(f).mod(q))
	}
	if kind == ir.ExprFloorDiv {
		out = out.axpy(depForm{t: k, ok: true}, 1)
	}
	return out
}

// ivRange returns the range of induction variable v over every execution:
// from the largest least lower bound to the smallest greatest upper bound,
// less one. Loops are found through v.Def.
func (d *depLoop) ivRange(v *ir.Value) depRange {
	if r, ok := d.ivs[v]; ok {
		return r
	}
	d.ivs[v] = depUnknown
	lp := v.Def
	if lp == nil || lp.Code != ir.OpFor || lp.Loop == nil || lp.Loop.IV != v {
		return depUnknown
	}
	lo, hi := d.boundRange(lp.Loop.Lower, true), d.boundRange(lp.Loop.Upper, false)
	r := depUnknown
	if lo.ok && hi.ok {
		if last, ok := depAdd(hi.hi, -1); ok {
			r = depRange{lo.lo, last, true}
		}
	}
	d.ivs[v] = r
	return r
}

// boundRange returns the range of the max (lower bounds) or min (upper
// bounds) of es.
func (d *depLoop) boundRange(es []*ir.Expr, lower bool) depRange {
	r := depUnknown
	for i, e := range es {
		x := d.exprRange(e)
		switch {
		case !x.ok:
			return depUnknown
		case i == 0:
			r = x
		case lower:
			r = depRange{max(r.lo, x.lo), max(r.hi, x.hi), true}
		default:
			r = depRange{min(r.lo, x.lo), min(r.hi, x.hi), true}
		}
	}
	return r
}

// exprRange returns the range of e over every execution.
func (d *depLoop) exprRange(e *ir.Expr) depRange {
	if e == nil {
		return depUnknown
	}
	switch e.Kind {
	case ir.ExprConst:
		return depExact(e.C)
	case ir.ExprDim:
		return d.ivRange(e.Dim)
	case ir.ExprAdd:
		return d.exprRange(e.L).plus(d.exprRange(e.R))
	}
	if e.R == nil || e.R.Kind != ir.ExprConst {
		return depUnknown
	}
	switch q := e.R.C; {
	case e.Kind == ir.ExprMul:
		return d.exprRange(e.L).times(q)
	case q <= 0:
		return depUnknown
	case e.Kind == ir.ExprFloorDiv:
		return d.exprRange(e.L).floorDiv(q)
	case e.Kind == ir.ExprMod:
		return d.exprRange(e.L).mod(q)
	}
	return depUnknown
}
