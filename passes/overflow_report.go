package passes

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The report of the overflow analysis. An accumulator may be carried
// through a nest of loops: in matmul_q35, acc4 is an iteration argument of
// the b loop and of the j loop inside it, and every j iteration adds one
// product. The report follows such a chain from its outermost loop (the
// root) down to the ops that add the terms, and reports it once, at the
// root loop:
//
//   - a perfect chain (each loop's body only runs the next loop, starting
//     from its own value and yielding that loop's result) is one loop of
//     T1·T2·…·Tk iterations of the innermost body: "64 iterations (8 × 8)";
//   - any other chain counts iterations of the root loop, each adding the
//     root's whole per-iteration sum.
//
// With I the initial range, D the range added per iteration and O the
// offset of an accumulating op's result from the value at the start of an
// iteration, that op computes values in I + [min(0, t·D.lo), max(0,
// t·D.hi)] + O at iteration t (0-based). It cannot overflow in the first n
// iterations iff the end points at t = n-1 fit the type; the largest such
// n is the safe count, and the chain is proved when its iteration count is
// at most the safe count of every op. The arithmetic here is exact
// (math/big): counts and bounds may exceed 64 bits.

// ovMember is one loop of a chain: the iteration argument arg (argument k
// of loop) carries the accumulator.
type ovMember struct {
	arg    *ir.Value
	loop   *ir.Op
	k      int
	parent int       // index of the enclosing member; -1 for the root
	via    *ir.Value // the loop's result on the parent's chain (nil for the root)
	d0     *ovForm   // the initial value relative to the parent's argument (nil for the root)
	step   *ovForm   // the yielded value relative to arg: what one iteration adds
	trips  ovTrips
	kids   []int
	accs   int // accumulating ops directly in this loop's body
}

// ovAcc is an accumulating add or sub of a chain.
type ovAcc struct {
	op     *ir.Op
	member int
	off    *ovForm // the op's result relative to its member's argument
}

type ovChain struct {
	members []*ovMember
	accs    []*ovAcc
	seen    map[*ir.Value]bool
}

// report reports every accumulator of b's loops, outer loops first (so
// that the loops of a chain are reported with their root).
func (a *ovAnalysis) report(b *ir.Block) {
	b.Walk(func(op *ir.Op) {
		if op.Code != ir.OpFor || a.dead(op) {
			return
		}
		for j, arg := range op.Loop.IterArgs {
			if !arg.Type.IsIntLike() || arg.Type == ir.I1 || a.member[arg] {
				continue
			}
			y := ovYield(op).Args[j]
			switch {
			case !a.dep(y, arg): // not carried around: not an accumulator
			case a.form(y, arg).base == arg:
				a.reportChain(op, j)
			default:
				if acc := a.accumulation(op, arg, y); acc != nil {
					a.add(diag.Error, acc, fmt.Sprintf("cannot prove %s fits %s: its update is not %s plus terms that do not depend on it", ovName(arg), arg.Type, ovName(arg)),
						a.note(op, fmt.Sprintf("%s is carried by this loop", ovName(arg))))
				}
			}
		}
	})
}

// dead reports whether a loop never runs, or is inside one that never does.
func (a *ovAnalysis) dead(op *ir.Op) bool {
	for ; op != nil; op = a.home[op] {
		if t := a.tripsOf(op); t.ok && t.max == 0 {
			return true
		}
	}
	return false
}

// accumulation returns the first add or sub of loop's body on the way
// from arg to its yielded value y, if any: the argument is then updated
// by an addition the analysis cannot bound.
func (a *ovAnalysis) accumulation(loop *ir.Op, arg, y *ir.Value) *ir.Op {
	var first *ir.Op
	seen := map[*ir.Value]bool{}
	stack := []*ir.Value{y}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[v] || v == arg || !a.dep(v, arg) || a.homeOf(v) != loop {
			continue
		}
		seen[v] = true
		if r, ok := a.results[v]; ok {
			stack = append(stack, r.loop.Args...)
			continue
		}
		op := v.Def
		if (op.Code == ir.OpAdd || op.Code == ir.OpSub) && (first == nil || a.order[op] < a.order[first]) {
			first = op
		}
		stack = append(stack, op.Args...)
	}
	return first
}

// reportChain reports the accumulator carried by argument j of loop op
// and the loops nested in it.
func (a *ovAnalysis) reportChain(op *ir.Op, j int) {
	y := ovYield(op).Args[j]
	c := &ovChain{seen: map[*ir.Value]bool{}}
	c.members = append(c.members, &ovMember{arg: op.Loop.IterArgs[j], loop: op, k: j, parent: -1, step: a.form(y, op.Loop.IterArgs[j]), trips: a.tripsOf(op)})
	a.collect(c, 0, y)
	if len(c.accs) == 0 { // carried unchanged, or only through select, min, max
		return
	}
	sort.Slice(c.accs, func(i, k int) bool { return a.order[c.accs[i].op] < a.order[c.accs[k].op] })
	arg := op.Loop.IterArgs[j]
	if u := c.unbounded(); u != nil {
		msg := fmt.Sprintf("cannot prove %s fits %s: a trip count is not known", ovName(arg), arg.Type)
		if u.exceeds {
			msg = fmt.Sprintf("%s may overflow %s: its sum over the loop nest exceeds 64 bits", ovName(arg), arg.Type)
		}
		a.add(diag.Error, c.accs[0].op, msg, a.note(u.op, u.msg), a.note(op, fmt.Sprintf("%s is accumulated by this loop", ovName(arg))))
		return
	}
	s := c.summarize(a.rng(op.Args[j]))
	a.conclude(op, arg, c, s)
}

// collect walks the chain backwards from v, a value of member m's body of
// the form arg + d, recording accumulating ops and nested members.
func (a *ovAnalysis) collect(c *ovChain, m int, v *ir.Value) {
	mem := c.members[m]
	if v == mem.arg || c.seen[v] {
		return
	}
	c.seen[v] = true
	if r, ok := a.results[v]; ok {
		a.collectLoop(c, m, v, r)
		return
	}
	op := v.Def
	switch op.Code {
	case ir.OpAdd:
		a.addAcc(c, m, op, v)
		x := op.Args[0]
		if !a.dep(x, mem.arg) {
			x = op.Args[1]
		}
		a.collect(c, m, x)
	case ir.OpSub:
		a.addAcc(c, m, op, v)
		a.collect(c, m, op.Args[0])
	case ir.OpSelect:
		a.collect(c, m, op.Args[1])
		a.collect(c, m, op.Args[2])
	case ir.OpMin, ir.OpMax:
		a.collect(c, m, op.Args[0])
		a.collect(c, m, op.Args[1])
	}
}

func (a *ovAnalysis) addAcc(c *ovChain, m int, op *ir.Op, v *ir.Value) {
	c.accs = append(c.accs, &ovAcc{op: op, member: m, off: a.form(v, c.members[m].arg)})
	c.members[m].accs++
}

// collectLoop enters the inner loop whose result v is: its argument
// carries the accumulator on from the initial value to the result.
func (a *ovAnalysis) collectLoop(c *ovChain, m int, v *ir.Value, r ovResult) {
	loop, k := r.loop, r.k
	init := loop.Args[k]
	if t := a.tripsOf(loop); !(t.ok && t.max == 0) {
		kid := &ovMember{arg: loop.Loop.IterArgs[k], loop: loop, k: k, parent: m, via: v,
			d0: a.form(init, c.members[m].arg), step: a.form(ovYield(loop).Args[k], loop.Loop.IterArgs[k]), trips: a.tripsOf(loop)}
		c.members = append(c.members, kid)
		c.members[m].kids = append(c.members[m].kids, len(c.members)-1)
		a.member[kid.arg] = true
		a.collect(c, len(c.members)-1, ovYield(loop).Args[k])
	}
	a.collect(c, m, init)
}

// unbounded returns why some part of the chain has no 64-bit bound.
func (c *ovChain) unbounded() *ovLoss {
	for _, m := range c.members {
		if !m.trips.ok {
			return &ovLoss{op: m.loop, msg: "the trip count of this loop is not known"}
		}
		if m.step.unbounded != nil {
			return m.step.unbounded
		}
		if m.d0 != nil && m.d0.unbounded != nil {
			return m.d0.unbounded
		}
	}
	for _, acc := range c.accs {
		if acc.off.unbounded != nil {
			return acc.off.unbounded
		}
	}
	return nil
}

// ovBig is an interval with exact end points.
type ovBig struct{ lo, hi *big.Int }

func ovBigOf(lo, hi int64) ovBig { return ovBig{big.NewInt(lo), big.NewInt(hi)} }

func (f *ovForm) big() ovBig { return ovBigOf(f.lo, f.hi) }

func (x ovBig) plus(y ovBig) ovBig {
	return ovBig{new(big.Int).Add(x.lo, y.lo), new(big.Int).Add(x.hi, y.hi)}
}

// sweep returns the hull of t·x over t in [0, n]: [min(0, n·x.lo),
// max(0, n·x.hi)] (n >= 0).
func (x ovBig) sweep(n *big.Int) ovBig {
	lo, hi := new(big.Int).Mul(n, x.lo), new(big.Int).Mul(n, x.hi)
	if lo.Sign() > 0 {
		lo.SetInt64(0)
	}
	if hi.Sign() < 0 {
		hi.SetInt64(0)
	}
	return ovBig{lo, hi}
}

func (x ovBig) String() string { return fmt.Sprintf("[%s, %s]", x.lo, x.hi) }

// ovSummary is a chain as one loop: n iterations from init, each adding a
// term in d; offs[i] is accumulating op i's offset from the value at the
// start of an iteration.
type ovSummary struct {
	n       *big.Int
	factors []int64 // the trip counts multiplied into n
	exact   bool    // every iteration count is exact
	init, d ovBig
	offs    []ovBig
	lost    *ovLoss // the first range lost among init, d and offs
	initBad bool    // lost is the initial value's
}

// summarize flattens a perfect chain, or counts root iterations.
func (c *ovChain) summarize(init ovRange) *ovSummary {
	s := &ovSummary{init: ovBigOf(init.lo, init.hi), exact: true}
	if init.lost != nil {
		s.lost, s.initBad = init.lost, true
	}
	path, perfect := c.perfectPath()
	if !perfect {
		path = []int{0}
	}
	s.n = big.NewInt(1)
	for _, m := range path {
		t := c.members[m].trips
		s.n.Mul(s.n, big.NewInt(t.max))
		s.factors = append(s.factors, t.max)
		s.exact = s.exact && t.exact
	}
	unit := c.members[path[len(path)-1]]
	s.d = unit.step.big()
	for _, acc := range c.accs {
		off := acc.off.big()
		if !perfect {
			off = off.plus(c.offset(acc.member))
		}
		s.offs = append(s.offs, off)
	}
	for _, acc := range c.accs {
		s.lost = ovFirstLoss(s.lost, acc.off.lost)
	}
	for _, m := range c.members {
		s.lost = ovFirstLoss(s.lost, m.step.lost)
		if m.d0 != nil {
			s.lost = ovFirstLoss(s.lost, m.d0.lost)
		}
	}
	return s
}

// perfectPath returns the members from the root to the innermost loop if
// the chain is perfect.
func (c *ovChain) perfectPath() ([]int, bool) {
	path := []int{0}
	for m := c.members[0]; len(m.kids) > 0; {
		kid := c.members[m.kids[0]]
		if len(m.kids) > 1 || m.accs > 0 || kid.loop.Args[kid.k] != m.arg || ovYield(m.loop).Args[m.k] != kid.via {
			return nil, false
		}
		path = append(path, m.kids[0])
		m = kid
	}
	return path, true
}

// offset returns where member m's argument lies relative to the root's
// argument at the start of a root iteration: its parent's offset, plus its
// initial value's offset, plus what up to T-1 of its own iterations add.
func (c *ovChain) offset(m int) ovBig {
	mem := c.members[m]
	if mem.parent < 0 {
		return ovBigOf(0, 0)
	}
	n := big.NewInt(max(mem.trips.max-1, 0))
	return c.offset(mem.parent).plus(mem.d0.big()).plus(mem.step.big().sweep(n))
}

// ovBound is how far an accumulating op goes on one side of the type.
type ovBound struct {
	acc  int
	hi   bool     // the upper side
	safe *big.Int // the largest safe iteration count; nil: unlimited
}

// safe returns, over every accumulating op and both sides, the one with
// the smallest safe count (the first op, the upper side, on ties).
func (s *ovSummary) safe(t ir.Type) ovBound {
	best := ovBound{acc: -1}
	tmax, tmin := big.NewInt(t.MaxInt()), big.NewInt(t.MinInt())
	for i, off := range s.offs {
		// upper side: t·d.hi + init.hi + off.hi <= max for t <= n-1
		room := new(big.Int).Sub(tmax, s.init.hi)
		room.Sub(room, off.hi)
		best = ovBetter(best, ovBound{acc: i, hi: true, safe: ovSafe(room, s.d.hi)})
		// lower side: t·d.lo + init.lo + off.lo >= min
		room = new(big.Int).Add(s.init.lo, off.lo)
		room.Sub(room, tmin)
		best = ovBetter(best, ovBound{acc: i, safe: ovSafe(room, new(big.Int).Neg(s.d.lo))})
	}
	return best
}

// ovSafe returns the number of iterations n with (n-1)·step <= room: 0 if
// room < 0, unlimited (nil) if step <= 0, else room/step + 1.
func ovSafe(room, step *big.Int) *big.Int {
	switch {
	case room.Sign() < 0:
		return big.NewInt(0)
	case step.Sign() <= 0:
		return nil
	}
	n := new(big.Int).Quo(room, step)
	return n.Add(n, big.NewInt(1))
}

func ovBetter(cur, b ovBound) ovBound {
	if cur.acc < 0 || b.safe != nil && (cur.safe == nil || b.safe.Cmp(cur.safe) < 0) {
		return b
	}
	return cur
}

// reach returns the extreme value accumulating op b.acc may reach on
// b's side in iteration t (0-based).
func (s *ovSummary) reach(b ovBound, t *big.Int) *big.Int {
	v := s.d.sweep(t)
	off := s.offs[b.acc]
	if b.hi {
		v.hi.Add(v.hi, s.init.hi)
		return v.hi.Add(v.hi, off.hi)
	}
	v.lo.Add(v.lo, s.init.lo)
	return v.lo.Add(v.lo, off.lo)
}

// magnitude returns the largest |value| the accumulator takes: its initial
// value, the values of its accumulating ops, its final value.
func (s *ovSummary) magnitude() *big.Int {
	last := new(big.Int).Sub(s.n, big.NewInt(1))
	all := []ovBig{s.init, s.init.plus(s.d.sweep(s.n))}
	for _, off := range s.offs {
		all = append(all, s.init.plus(s.d.sweep(last)).plus(off))
	}
	m := new(big.Int)
	for _, r := range all {
		for _, v := range []*big.Int{r.lo, r.hi} {
			if a := new(big.Int).Abs(v); a.Cmp(m) > 0 {
				m = a
			}
		}
	}
	return m
}

// iterations spells the iteration count: "64 iterations (8 × 8)".
func (s *ovSummary) iterations() string {
	text := fmt.Sprintf("%s iterations", s.n)
	if s.n.Cmp(big.NewInt(1)) == 0 {
		text = "1 iteration"
	}
	if len(s.factors) > 1 {
		parts := make([]string, len(s.factors))
		for i, f := range s.factors {
			parts[i] = fmt.Sprint(f)
		}
		text += " (" + strings.Join(parts, " × ") + ")"
	}
	if !s.exact {
		text = "up to " + text
	}
	return text
}

// conclude reports the chain: proved, may overflow, or cannot prove.
func (a *ovAnalysis) conclude(root *ir.Op, arg *ir.Value, c *ovChain, s *ovSummary) {
	t, name := arg.Type, ovName(arg)
	b := s.safe(t)
	if b.safe == nil || s.n.Cmp(b.safe) <= 0 {
		a.add(diag.Remark, root, fmt.Sprintf("%s: |%s| <= %s over %s adding %s each; fits %s", name, name, s.magnitude(), s.iterations(), s.d, t))
		return
	}
	where := c.accs[b.acc].op
	carried := a.note(root, fmt.Sprintf("%s is accumulated by this loop", name))
	if s.lost != nil {
		what := "a term it adds"
		if s.initBad {
			what = "its initial value"
		}
		a.add(diag.Error, where, fmt.Sprintf("cannot prove %s fits %s: %s may be any %s", name, t, what, t),
			a.note(s.lost.op, s.lost.msg), carried)
		return
	}
	a.add(diag.Error, where, fmt.Sprintf("%s may overflow %s: %s; %s", name, t, s.excess(b, t), ovSafeText(b.safe)), carried)
}

// excess says how op b.acc leaves the type.
func (s *ovSummary) excess(b ovBound, t ir.Type) string {
	step, cmp, limit, dir := s.d.hi, ">", t.MaxInt(), "up to"
	if !b.hi {
		step, cmp, limit, dir = s.d.lo, "<", t.MinInt(), "down to"
	}
	if b.safe.Sign() == 0 {
		return fmt.Sprintf("its first iteration may reach %s %s %d", s.reach(b, new(big.Int)), cmp, limit)
	}
	last := new(big.Int).Sub(s.n, big.NewInt(1))
	return fmt.Sprintf("%s of %s %s each reach %s %s %d", s.iterations(), dir, step, s.reach(b, last), cmp, limit)
}

func ovSafeText(n *big.Int) string {
	switch {
	case n.Sign() == 0:
		return "no iteration is safe"
	case n.Cmp(big.NewInt(1)) == 0:
		return "at most 1 iteration is safe"
	}
	return fmt.Sprintf("at most %s iterations are safe", n)
}

// add records a diagnostic at op.
func (a *ovAnalysis) add(sev diag.Severity, op *ir.Op, msg string, notes ...diag.Diagnostic) {
	a.diags = append(a.diags, diag.Diagnostic{Severity: sev, Span: ovSpan(op), Msg: msg, Notes: notes})
}

func (a *ovAnalysis) note(op *ir.Op, msg string) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Note, Span: ovSpan(op), Msg: msg}
}

// ovSpan underlines an op's source: the `for` keyword of a loop, else one
// character.
func ovSpan(op *ir.Op) diag.Span {
	n := 1
	if p := op.Pos; op.Code == ir.OpFor && p.File != nil && bytes.HasPrefix(p.File.Src[min(p.Off, len(p.File.Src)):], []byte("for")) {
		n = 3
	}
	return diag.SpanOf(op.Pos, n)
}
