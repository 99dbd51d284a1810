package passes

import (
	"github.com/q35c/q35c/ir"
)

// loop canonicalizes a loop (whose operands and bounds are rewritten) and
// appends what replaces it to out: nothing if it never runs, its body if
// it runs once, else itself with a canonical body.
func (c *canon) loop(out []*ir.Op, op *ir.Op) []*ir.Op {
	l := op.Loop
	c.pruneBounds(l)
	n, known := tripCount(l)
	if known && n == 0 || c.neverRuns(l) {
		for i, r := range op.Results {
			c.replace(r, op.Args[i])
		}
		return out
	}
	if lower, ok := singleLower(l); ok && known && n == 1 {
		if _, isConst := lower.IsConst(); isConst || !usesValue(l.Body, l.IV) {
			return c.inline(out, op, lower)
		}
	}
	if s, ok := c.rs.ivSpan(l); ok {
		c.rs[l.IV] = s
	}
	l.Body.Ops = c.block(l.Body.Ops)
	return append(out, op)
}

// inline appends the body of a loop that runs once, with the IV equal to
// lower, to out.
func (c *canon) inline(out []*ir.Op, op *ir.Op, lower *ir.Expr) []*ir.Op {
	l := op.Loop
	c.changed = true
	if k, ok := lower.IsConst(); ok && usesValue(l.Body, l.IV) {
		mat := &ir.Op{Code: ir.OpConst, Pos: op.Pos, Bits: uint64(k), Results: []*ir.Value{c.f.NewValue(ir.Index, "")}}
		mat.Results[0].Def = mat
		if c.dedupe(mat) {
			out = append(out, mat)
		}
		c.replace(l.IV, mat.Result())
	}
	c.ivSub[l.IV] = lower
	if s, ok := c.rs.of(lower); ok {
		c.rs[l.IV] = s
	}
	for i, a := range l.IterArgs {
		c.replace(a, op.Args[i])
	}
	body := l.Body.Ops
	out = c.ops(out, body[:len(body)-1])
	y := body[len(body)-1]
	for i, r := range op.Results {
		c.replace(r, c.get(y.Args[i]))
	}
	return out
}

// neverRuns reports whether some lower bound is always at least some
// upper bound, given the ranges of the enclosing IVs.
func (c *canon) neverRuns(l *ir.Loop) bool {
	for _, lo := range l.Lower {
		a, ok := c.rs.of(lo)
		if !ok {
			continue
		}
		for _, hi := range l.Upper {
			if b, ok := c.rs.of(hi); ok && a.lo >= b.hi {
				return true
			}
		}
	}
	return false
}

// pruneBounds drops bounds that another bound of the same list always
// dominates: a lower bound never above another, an upper bound never below
// another (of equal bounds, the first stays).
func (c *canon) pruneBounds(l *ir.Loop) {
	lower := prune(l.Lower, func(a, b *ir.Expr) bool { return c.atLeast(a, b) })
	upper := prune(l.Upper, func(a, b *ir.Expr) bool { return c.atLeast(b, a) })
	if len(lower) != len(l.Lower) || len(upper) != len(l.Upper) {
		c.changed = true
	}
	l.Lower, l.Upper = lower, upper
}

// atLeast reports whether a >= b whatever the IVs' values.
func (c *canon) atLeast(a, b *ir.Expr) bool {
	if d, ok := diffConst(a, b); ok {
		return d >= 0
	}
	ra, ok1 := c.rs.of(a)
	rb, ok2 := c.rs.of(b)
	return ok1 && ok2 && ra.lo >= rb.hi
}

// prune keeps each e of es unless another bound is tighter (tighter(o, e)),
// keeping the first of equally tight bounds.
func prune(es []*ir.Expr, tighter func(a, b *ir.Expr) bool) []*ir.Expr {
	var out []*ir.Expr
	for i, e := range es {
		redundant := false
		for j, o := range es {
			if i != j && tighter(o, e) && (!tighter(e, o) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, e)
		}
	}
	return out
}

// usesValue reports whether v is an operand or a dynamic subscript of an
// op in b.
func usesValue(b *ir.Block, v *ir.Value) bool {
	found := false
	b.Walk(func(op *ir.Op) {
		for _, a := range op.Args {
			found = found || a == v
		}
		for _, s := range op.Index {
			found = found || s.Dyn == v
		}
	})
	return found
}
