package passes

import (
	"fmt"
	"math"
	"strings"

	"github.com/q35c/q35c/ir"
)

// Dependence says why two iterations of a loop may not be independent.
type Dependence struct {
	Msg string   // what may conflict: "store %S[0] writes the same element in every iteration"
	Ops []*ir.Op // the accesses involved, for notes at their positions
}

// CarriedDependence is an analysis: it reports why two different
// iterations of loop (an OpFor) may depend on each other, or nil when they
// provably do not, so that they may run in any order or at once. Two
// iterations depend on each other when the loop carries values through
// iteration arguments, or when they touch the same buffer element and at
// least one of them stores it.
//
// Two accesses are proved apart when one subscript position, affine in
// both, differs between any two different iterations (see distinct).
// Comparing one position is enough because the IR's semantics fault on a
// subscript outside its dimension (the frontend proves every access in
// bounds), and distinct parameters are distinct storage. Dynamic (gather)
// subscripts are unknown, so a gather from a buffer the loop stores needs
// another position that proves it apart. CarriedDependence only reads the
// IR.
func CarriedDependence(loop *ir.Op) *Dependence {
	l := loop.Loop
	if len(l.IterArgs) > 0 {
		names := make([]string, len(l.IterArgs))
		for i, a := range l.IterArgs {
			names[i] = depName(a)
		}
		return &Dependence{Msg: "it carries " + strings.Join(names, ", ") + " from one iteration to the next"}
	}
	var accs []*ir.Op
	l.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpLoad || op.Code == ir.OpStore {
			accs = append(accs, op)
		}
	})
	d := newDepLoop(loop)
	for i, s := range accs {
		if s.Code != ir.OpStore {
			continue
		}
		for j, a := range accs {
			if a.Buf != s.Buf || a.Code == ir.OpStore && j < i { // store pairs are symmetric
				continue
			}
			if !d.apart(s, a) {
				return d.conflict(s, a)
			}
		}
	}
	return nil
}

// apart reports whether store s in one iteration and access a in another
// always touch different elements.
func (d *depLoop) apart(s, a *ir.Op) bool {
	for k := range s.Index {
		if k >= len(a.Index) || s.Index[k].Affine == nil || a.Index[k].Affine == nil {
			continue
		}
		if d.distinct(d.form(s.Index[k].Affine, 0), d.form(a.Index[k].Affine, 1)) {
			return true
		}
	}
	return false
}

// distinct reports whether fs, on side 0 in iteration t1, and fa, on side
// 1 in iteration t2, differ whenever t1 != t2. With fs = cs·t1 + rs and
// fa = ca·t2 + ra, they are equal when ca·t2 - cs·t1 = rs - ra. Two tests:
//   - when cs = ca = c != 0, equality needs c·(t1 - t2) = ra - rs, so it is
//     impossible if the range of ra - rs holds no non-zero multiple c·k
//     with |k| <= tmax (shared atoms cancel in ra - rs, per-side ones
//     don't);
//   - whatever the coefficients, when the range of fa - fs excludes 0.
func (d *depLoop) distinct(fs, fa depForm) bool {
	if !fs.ok || !fa.ok {
		return false
	}
	cs, ca := fs.t, fa.t
	diff := fa.axpy(fs, -1)
	diff.t = 0
	r := d.rangeOf(diff)
	if cs == ca && cs != 0 && cs != math.MinInt64 && !d.hitsMultiple(r, max(cs, -cs)) {
		return true
	}
	return r.plus(d.tRange().times(ca)).plus(d.tRange().times(-cs)).excludes(0)
}

// hitsMultiple reports whether r may hold g·k for some k with
// 1 <= |k| <= tmax (any k when the trip count is unknown); g > 0.
func (d *depLoop) hitsMultiple(r depRange, g int64) bool {
	if !r.ok {
		return true
	}
	kmax := int64(math.MaxInt64)
	if d.tknown {
		kmax = d.tmax
	}
	lo, hi := depFloorDiv(r.lo, g), depFloorDiv(r.hi, g) // g·k in r for k in [lo, hi]
	if lo*g < r.lo {
		lo++
	}
	return max(lo, 1) <= min(hi, kmax) || max(lo, -kmax) <= min(hi, -1)
}

// conflict describes why store s and access a may conflict.
func (d *depLoop) conflict(s, a *ir.Op) *Dependence {
	switch {
	case s == a && !d.varies(s):
		return &Dependence{Msg: "store " + depAccess(s) + " writes the same element in every iteration", Ops: []*ir.Op{s}}
	case s == a:
		return &Dependence{Msg: "store " + depAccess(s) + " may write the same element in two iterations", Ops: []*ir.Op{s}}
	case a.Code == ir.OpStore:
		return &Dependence{Msg: fmt.Sprintf("stores %s and %s may write the same element in two iterations", depAccess(s), depAccess(a)), Ops: []*ir.Op{s, a}}
	}
	return &Dependence{Msg: fmt.Sprintf("load %s may read what store %s writes in another iteration", depAccess(a), depAccess(s)), Ops: []*ir.Op{s, a}}
}

// varies reports whether a subscript of op uses the loop's induction
// variable or one of an inner loop.
func (d *depLoop) varies(op *ir.Op) bool {
	for _, s := range op.Index {
		if s.Affine == nil {
			return true
		}
		for _, v := range s.Affine.Dims(nil) {
			if v == d.op.Loop.IV || d.inner[v] != nil {
				return true
			}
		}
	}
	return false
}

// depAccess spells a load's or store's buffer and subscripts: %A[%i + 1, ?],
// with ? for a dynamic subscript.
func depAccess(op *ir.Op) string {
	s := make([]string, len(op.Index))
	for i, x := range op.Index {
		s[i] = "?"
		if x.Affine != nil {
			s[i] = x.Affine.Format(depName)
		}
	}
	return "%" + op.Buf.Name + "[" + strings.Join(s, ", ") + "]"
}

// depName spells a value by its source name (the IR printer may add a
// suffix to tell apart values of the same name).
func depName(v *ir.Value) string {
	if v.Name != "" {
		return "%" + v.Name
	}
	return fmt.Sprintf("%%v%d", v.ID)
}
