package passes

import (
	"fmt"
	"sort"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The overflow analysis (docs/passes.md, "overflow") proves, for every
// integer accumulator of a kernel, that it cannot overflow its type, or
// reports the first accumulation that may. It only reads the IR.
//
// An accumulator is an iteration argument a of a loop whose yielded value
// is a plus terms that do not depend on a: a chain of add and sub (and
// select, min, max between such chains, and the results of inner loops
// that accumulate a themselves). Every value gets a sound interval
// (overflow_range.go) from the types of the buffers it loads, the
// constants, casts, masks and shifts it goes through, and the ranges of
// the induction variables (overflow_affine.go). A carried value a with
// initial range I, whose every iteration adds a term in D, over at most T
// iterations, lies in I + [min(0, t·D.lo), max(0, t·D.hi)] after t <= T
// iterations; that is how a range crosses a loop without iterating to a
// fixpoint. The report (overflow_report.go) turns a whole nest of such
// loops into one count of iterations and one bound.
//
// Everything is computed on demand and memoized, so each value's range is
// computed once, however deep the nest.

// CheckOverflow runs the analysis on every kernel of m and returns its
// findings in source order: a remark with the proven bound for every
// accumulator that cannot overflow, an error for every one that may (or
// that the analysis cannot bound).
func CheckOverflow(m *ir.Module) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, f := range m.Funcs {
		out = append(out, CheckOverflowFunc(f)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Span, out[j].Span
		if fa, fb := ovFileName(a.Pos), ovFileName(b.Pos); fa != fb {
			return fa < fb
		}
		return a.Off < b.Off
	})
	return out
}

func ovFileName(p diag.Pos) string {
	if p.File == nil {
		return ""
	}
	return p.File.Name
}

// CheckOverflowFunc runs the analysis on one kernel; its findings come in
// the program order of the loops that carry the accumulators.
func CheckOverflowFunc(f *ir.Func) []diag.Diagnostic {
	if f.Body == nil {
		return nil
	}
	a := newOvAnalysis(f)
	a.report(f.Body)
	return a.diags
}

// OverflowErrors returns the errors of CheckOverflow as a sorted list
// (capped at diag.MaxErrors), without the remarks: what `q35c compile`
// refuses a kernel for.
func OverflowErrors(m *ir.Module) *diag.List {
	return overflowList(m, diag.Error)
}

// OverflowWarnings returns the same findings as OverflowErrors, as
// warnings: for a compile that was told to accept kernels that may
// overflow.
func OverflowWarnings(m *ir.Module) *diag.List {
	return overflowList(m, diag.Warning)
}

func overflowList(m *ir.Module, sev diag.Severity) *diag.List {
	l := &diag.List{}
	for _, d := range CheckOverflow(m) {
		if d.Severity == diag.Error {
			d.Severity = sev
			l.Add(d)
		}
	}
	l.Sort()
	return l
}

// ovAnalysis holds the analysis of one function.
type ovAnalysis struct {
	home    map[*ir.Op]*ir.Op // the loop whose body holds an op (nil: the kernel's body)
	order   map[*ir.Op]int    // program order
	argNum  map[*ir.Value]int32
	argLoop []*ir.Op               // by argument number
	results map[*ir.Value]ovResult // loop results
	deps    map[*ir.Value]ovSet    // the iteration arguments a value depends on
	ranges  map[*ir.Value]ovRange  // memoized ranges
	busy    map[*ir.Value]bool     // ranges being computed (a cycle through carried values)
	forms   map[ovFormKey]*ovForm  // memoized forms
	trips   map[*ir.Op]ovTrips     // memoized trip counts
	member  map[*ir.Value]bool     // iteration arguments reported with an enclosing accumulator
	tables  map[*ir.Buffer]ovRange // the value ranges of the constant tables (ir.Table)
	diags   []diag.Diagnostic
}

// ovResult locates a loop result: result k of loop.
type ovResult struct {
	loop *ir.Op
	k    int
}

func newOvAnalysis(f *ir.Func) *ovAnalysis {
	a := &ovAnalysis{
		home: map[*ir.Op]*ir.Op{}, order: map[*ir.Op]int{}, argNum: map[*ir.Value]int32{},
		results: map[*ir.Value]ovResult{}, deps: map[*ir.Value]ovSet{}, ranges: map[*ir.Value]ovRange{},
		busy: map[*ir.Value]bool{}, forms: map[ovFormKey]*ovForm{}, trips: map[*ir.Op]ovTrips{},
		member: map[*ir.Value]bool{}, tables: map[*ir.Buffer]ovRange{},
	}
	for _, t := range f.Tables {
		if t == nil || len(t.Data) == 0 { // malformed: the verifier reports it
			continue
		}
		r := ovRange{lo: t.Data[0], hi: t.Data[0]}
		for _, x := range t.Data {
			r = ovRange{lo: min(r.lo, x), hi: max(r.hi, x)}
		}
		a.tables[t.Buf] = r
	}
	if f.Body != nil {
		a.index(f.Body, nil)
	}
	return a
}

// index records, in program order, where each op is, numbers the iteration
// arguments and computes which of them each value depends on. An operand
// is always defined before its use, so one pass suffices.
func (a *ovAnalysis) index(b *ir.Block, loop *ir.Op) {
	for _, op := range b.Ops {
		a.home[op] = loop
		a.order[op] = len(a.order)
		switch op.Code {
		case ir.OpFor:
			for _, v := range op.Loop.IterArgs {
				n := int32(len(a.argLoop))
				a.argNum[v] = n
				a.argLoop = append(a.argLoop, op)
				a.deps[v] = ovSet{n}
			}
			a.index(op.Loop.Body, op)
			for k, r := range op.Results {
				a.results[r] = ovResult{loop: op, k: k}
				a.deps[r] = a.resultDeps(op, k)
			}
		case ir.OpLoad, ir.OpStore:
			var s ovSet
			for _, x := range op.Index {
				if x.Dyn != nil {
					s = ovUnion(s, a.deps[x.Dyn])
				}
			}
			for _, r := range op.Results {
				a.deps[r] = s
			}
		default:
			var s ovSet
			for _, x := range op.Args {
				s = ovUnion(s, a.deps[x])
			}
			for _, r := range op.Results {
				a.deps[r] = s
			}
		}
	}
}

// resultDeps returns what result k of a loop depends on outside the loop:
// its initial value, and what its yielded value depends on, where each of
// the loop's own arguments stands for its initial value and yielded value
// in turn.
func (a *ovAnalysis) resultDeps(op *ir.Op, k int) ovSet {
	y := ovYield(op)
	s := ovUnion(a.deps[op.Args[k]], a.deps[y.Args[k]])
	done := map[int32]bool{}
	for changed := true; changed; {
		changed = false
		for _, n := range s {
			if j := a.ownArg(op, n); j >= 0 && !done[n] {
				done[n] = true
				s = ovUnion(s, ovUnion(a.deps[op.Args[j]], a.deps[y.Args[j]]))
				changed = true
				break
			}
		}
	}
	return a.withoutOwn(op, s)
}

// ownArg returns the index of argument number n among op's iteration
// arguments, or -1.
func (a *ovAnalysis) ownArg(op *ir.Op, n int32) int {
	if a.argLoop[n] != op {
		return -1
	}
	for j, v := range op.Loop.IterArgs {
		if a.argNum[v] == n {
			return j
		}
	}
	return -1
}

// withoutOwn removes op's own arguments from s.
func (a *ovAnalysis) withoutOwn(op *ir.Op, s ovSet) ovSet {
	var out ovSet
	for _, n := range s {
		if a.argLoop[n] != op {
			out = append(out, n)
		}
	}
	return out
}

// expandOwn replaces op's own arguments in s by what they depend on
// outside the loop (the deps of the corresponding results).
func (a *ovAnalysis) expandOwn(op *ir.Op, s ovSet) ovSet {
	out := a.withoutOwn(op, s)
	for _, n := range s {
		if j := a.ownArg(op, n); j >= 0 {
			out = ovUnion(out, a.deps[op.Results[j]])
		}
	}
	return out
}

func ovYield(op *ir.Op) *ir.Op {
	ops := op.Loop.Body.Ops
	return ops[len(ops)-1]
}

// dep reports whether v depends on the iteration argument arg.
func (a *ovAnalysis) dep(v, arg *ir.Value) bool {
	n, ok := a.argNum[arg]
	return ok && a.deps[v].has(n)
}

// homeOf returns the loop whose body defines v (an iteration argument or
// induction variable belongs to its own loop's body).
func (a *ovAnalysis) homeOf(v *ir.Value) *ir.Op {
	if n, ok := a.argNum[v]; ok {
		return a.argLoop[n]
	}
	if r, ok := a.results[v]; ok {
		return a.home[r.loop]
	}
	if v.Def != nil && v.Def.Code == ir.OpFor { // an induction variable
		return v.Def
	}
	return a.home[v.Def]
}

// rng returns the range of an integer or index value.
func (a *ovAnalysis) rng(v *ir.Value) ovRange {
	if r, ok := a.ranges[v]; ok {
		return r
	}
	if a.busy[v] { // a carried value whose range depends on itself through another one
		r := ovFull(v.Type)
		r.lost = &ovLoss{op: a.homeOf(v), msg: "the values carried by this loop depend on each other; their ranges are not tracked"}
		return r
	}
	a.busy[v] = true
	r := a.compute(v)
	delete(a.busy, v)
	a.ranges[v] = r
	return r
}

func (a *ovAnalysis) compute(v *ir.Value) ovRange {
	if n, ok := a.argNum[v]; ok {
		op := a.argLoop[n]
		return a.carried(op, a.ownArg(op, n), false)
	}
	if r, ok := a.results[v]; ok {
		return a.carried(r.loop, r.k, true)
	}
	op := v.Def
	if op == nil { // not defined by an op: nothing is known
		return ovFull(v.Type)
	}
	if op.Code == ir.OpFor { // an induction variable
		return a.ivRange(op)
	}
	return a.transfer(op)
}

// transfer applies op's transfer function to its operands' ranges.
func (a *ovAnalysis) transfer(op *ir.Op) ovRange {
	t := op.Results[0].Type
	switch {
	case op.Code == ir.OpConst:
		c := int64(op.Bits) << (64 - t.Bits) >> (64 - t.Bits) // i1 true is 1 in Bits, -1 in the frame
		return ovRange{lo: c, hi: c}
	case op.Code.IsBinary():
		return ovBinary(op, a.rng(op.Args[0]), a.rng(op.Args[1]))
	case op.Code == ir.OpNeg:
		x := a.rng(op.Args[0])
		lo, ok1 := ovSub(0, x.hi)
		hi, ok2 := ovSub(0, x.lo)
		return ovInherit(ovFit(op, t, lo, hi, ok1 && ok2, x), t, x)
	case op.Code == ir.OpSelect:
		x, y := a.rng(op.Args[1]), a.rng(op.Args[2])
		return ovInherit(ovHull(x, y), t, x, y)
	case op.Code == ir.OpCast && op.Args[0].Type.IsIntLike():
		return ovCast(op.Args[0].Type, t, a.rng(op.Args[0]))
	case op.Code == ir.OpLoad && a.isTable(op.Buf):
		return a.tables[op.Buf] // a table's values are known
	}
	// cmp gives an i1; a load gives any value of its element type (i4:
	// [-8, 7]; a raw byte load i8); a float converts to any value of the
	// integer type.
	return ovFull(t)
}

func (a *ovAnalysis) isTable(b *ir.Buffer) bool {
	_, ok := a.tables[b]
	return ok
}

// carried bounds iteration argument j of a loop inside its body (after is
// false) or the loop's result j (after is true), T being the trip count:
//   - a yielded value that does not depend on the argument: the hull of
//     the initial and the yielded value;
//   - an accumulator starting in I whose iterations add terms in D: after t
//     iterations it lies in I + [min(0, t·D.lo), max(0, t·D.hi)], with t in
//     [0, T-1] in the body and [0, T] after the loop; when that leaves the
//     type it may wrap;
//   - anything else: the whole type (the analysis does not iterate to a
//     fixpoint).
func (a *ovAnalysis) carried(op *ir.Op, j int, after bool) ovRange {
	arg, init, y := op.Loop.IterArgs[j], op.Args[j], ovYield(op).Args[j]
	t := arg.Type
	in := a.rng(init)
	trips := a.tripsOf(op)
	if trips.ok && trips.max == 0 {
		return in
	}
	if !a.dep(y, arg) {
		yr := a.rng(y)
		return ovInherit(ovHull(in, yr), t, in, yr)
	}
	f := a.form(y, arg)
	if f.base != arg || f.unbounded != nil || !trips.ok {
		r := ovFull(t)
		r.lost = &ovLoss{op: op, msg: fmt.Sprintf("the range of %s across the iterations of this loop is not tracked", ovName(arg))}
		return r
	}
	n := trips.max
	if !after {
		n--
	}
	lo, ok1 := ovMul(n, f.lo)
	hi, ok2 := ovMul(n, f.hi)
	lo, ok3 := ovAdd(in.lo, min(lo, 0))
	hi, ok4 := ovAdd(in.hi, max(hi, 0))
	if ok1 && ok2 && ok3 && ok4 && lo >= t.MinInt() && hi <= t.MaxInt() {
		return ovRange{lo: lo, hi: hi}
	}
	r := ovFull(t)
	r.lost = &ovLoss{op: op, msg: fmt.Sprintf("%s may overflow %s in this loop", ovName(arg), t)}
	if in.lost != nil {
		r.lost = in.lost
	}
	return r
}

// ovName names a carried value in messages.
func ovName(v *ir.Value) string {
	if v.Name != "" {
		return v.Name
	}
	return "the accumulator"
}
