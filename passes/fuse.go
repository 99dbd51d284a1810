package passes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The fuse pass, like mlir-opt's --affine-loop-fusion, moves a producer
// loop nest into the consumer nest that follows it, so that what the
// producer writes is used while it is still in cache:
//
//	for %m = 0 to M { for %k ... { store ..., %Aq[%m, %k] } }
//	for %m.1 = 0 to M { for %n ... { ... load %Aq[%m.1, %k.1] ... } }
//
// becomes
//
//	for %m.1 = 0 to M {
//	  for %k ... { store ..., %Aq[%m.1, %k] }
//	  for %n ... { ... load %Aq[%m.1, %k.1] ... }
//	}
//
// Two loops of one block are candidates when nothing but constants lies
// between them and the first stores a buffer the second loads. They fuse
// one level at a time: the two loops become one, the first one's body
// (with its induction variable renamed to the second's) running before
// the second one's in every iteration. The pass then looks inside the
// fused loop, where the two bodies are adjacent again, so a nest goes as
// deep as is legal, and a fused loop is tried with the next one, so chains
// of nests fuse.
//
// Fusing two loops is legal when their bounds and steps are identical,
// the first carries no value (iteration arguments: its results would be
// needed after it), and no iteration i2 of the second loop touches an
// element that an iteration i1 > i2 of the first touches, one of them
// storing it. Before fusion every iteration of the first runs before every
// iteration of the second; after it, only the iterations i1 <= i2 do, so
// this is exactly what keeps every load reading the value it read before
// and every element's last store last. Nothing else moves: each body runs
// its ops in their original order, so reductions keep their order of
// accumulation. What cannot be proved (see laterApart) is not fused, with
// a remark saying why.

func fuse(f *ir.Func, _ Options, d *diag.List) error {
	fuseBlock(f.Body, d)
	return nil
}

// fuseBlock fuses the adjacent loops of b, then of the blocks inside them.
func fuseBlock(b *ir.Block, d *diag.List) {
	for i := 0; i < len(b.Ops); {
		j, ok := nextLoop(b.Ops, i)
		switch {
		case !ok:
			i++
		case fusePair(b, i, j, d):
			i = j - 1 // the fused loop, which may fuse with the next
		default:
			i = j
		}
	}
	for _, op := range b.Ops {
		if op.Code == ir.OpFor {
			fuseBlock(op.Loop.Body, d)
		}
	}
}

// nextLoop returns the index of the loop after loop ops[i] when only
// constants lie between them.
func nextLoop(ops []*ir.Op, i int) (int, bool) {
	if ops[i].Code != ir.OpFor {
		return 0, false
	}
	for j := i + 1; j < len(ops); j++ {
		switch ops[j].Code {
		case ir.OpFor:
			return j, true
		case ir.OpConst:
		default:
			return 0, false
		}
	}
	return 0, false
}

// fusePair fuses loop b.Ops[i] into loop b.Ops[j] when the first feeds the
// second and that is legal, or remarks why not. The constants between
// them end up before the fused loop, as they were before the second.
func fusePair(b *ir.Block, i, j int, d *diag.List) bool {
	p, c := b.Ops[i], b.Ops[j]
	fed := fedBuffers(p, c)
	if len(fed) == 0 {
		return false
	}
	if why, at := fuseBlocker(p, c); why != "" {
		fuseRemark(d, c, at, "nests not fused: %s", why)
		return false
	}
	pl, cl := p.Loop, c.Loop
	renameIV(pl.Body, pl.IV, cl.IV)
	body := pl.Body.Ops[:len(pl.Body.Ops)-1] // without its yield, which has no values
	cl.Body.Ops = append(append([]*ir.Op(nil), body...), cl.Body.Ops...)
	cl.Parallel = false // iterations of the first body may depend on each other
	b.Ops = append(b.Ops[:i], b.Ops[i+1:]...)
	line, _ := p.Pos.LineCol()
	fuseRemark(d, c, nil, "loop %s of line %d is fused into this loop %s: it stores %s, which this loop loads",
		depName(pl.IV), line, depName(cl.IV), strings.Join(fed, ", "))
	return true
}

// fedBuffers names the buffers that loop p stores and loop c loads.
func fedBuffers(p, c *ir.Op) []string {
	stored := map[*ir.Buffer]bool{}
	p.Loop.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpStore {
			stored[op.Buf] = true
		}
	})
	var names []string
	c.Loop.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpLoad && stored[op.Buf] {
			names = append(names, "%"+op.Buf.Name)
			stored[op.Buf] = false
		}
	})
	return names
}

// fuseBlocker says why loop p may not be fused into loop c, with the
// accesses involved, or returns "".
func fuseBlocker(p, c *ir.Op) (string, []*ir.Op) {
	pl, cl := p.Loop, c.Loop
	body := pl.Body.Ops
	switch {
	case len(pl.IterArgs) > 0:
		return fmt.Sprintf("the producer's loop %s carries %s from one iteration to the next", depName(pl.IV), carriedName(p)), nil
	case len(body) == 0 || body[len(body)-1].Code != ir.OpYield || len(body[len(body)-1].Args) > 0:
		return fmt.Sprintf("the producer's loop %s does not end with an empty yield", depName(pl.IV)), nil
	case pl.Step != cl.Step || boundsKey(pl) != boundsKey(cl):
		return fmt.Sprintf("the producer's loop %s runs %s, the consumer's loop %s runs %s", depName(pl.IV), loopRange(pl), depName(cl.IV), loopRange(cl)), nil
	}
	return fuseConflict(p, c)
}

// boundsKey spells l's bounds exactly, values by identity.
func boundsKey(l *ir.Loop) string {
	id := func(v *ir.Value) string { return "v" + strconv.Itoa(v.ID) }
	var b strings.Builder
	for _, es := range [][]*ir.Expr{l.Lower, l.Upper} {
		for _, e := range es {
			b.WriteString(e.Format(id) + ";")
		}
		b.WriteString("|")
	}
	return b.String()
}

// loopRange spells l's bounds and step for messages: "0 to 4 step 1".
func loopRange(l *ir.Loop) string {
	bound := func(f string, es []*ir.Expr) string {
		s := make([]string, len(es))
		for i, e := range es {
			s[i] = e.Format(depName)
		}
		if len(s) == 1 {
			return s[0]
		}
		return f + "(" + strings.Join(s, ", ") + ")"
	}
	return fmt.Sprintf("%s to %s step %d", bound("max", l.Lower), bound("min", l.Upper), l.Step)
}

// fuseConflict returns why an access of loop p in some iteration may touch
// an element that an access of loop c touches in an earlier iteration (one
// of them a store), or "" when no pair may.
func fuseConflict(p, c *ir.Op) (string, []*ir.Op) {
	d := newDepLoop(c)
	rename := map[*ir.Value]*ir.Expr{p.Loop.IV: ir.Dim(c.Loop.IV)}
	pAccs, cAccs := accesses(p), accesses(c)
	for _, a := range pAccs {
		for _, b := range cAccs {
			if a.Buf != b.Buf || a.Code != ir.OpStore && b.Code != ir.OpStore {
				continue
			}
			if !d.laterApart(a, b, rename) {
				return fuseConflictMsg(a, b, depName(c.Loop.IV)), []*ir.Op{a, b}
			}
		}
	}
	return "", nil
}

func accesses(loop *ir.Op) []*ir.Op {
	var accs []*ir.Op
	loop.Loop.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpLoad || op.Code == ir.OpStore {
			accs = append(accs, op)
		}
	})
	return accs
}

// fuseConflictMsg says how producer access a and consumer access b may
// conflict.
func fuseConflictMsg(a, b *ir.Op, iv string) string {
	switch {
	case b.Code == ir.OpLoad:
		return fmt.Sprintf("the consumer's load %s may read what the producer's store %s writes in a later iteration of %s", depAccess(b), depAccess(a), iv)
	case a.Code == ir.OpLoad:
		return fmt.Sprintf("the consumer's store %s may overwrite what the producer's load %s reads in a later iteration of %s", depAccess(b), depAccess(a), iv)
	}
	return fmt.Sprintf("the consumer's store %s may write an element that the producer's store %s writes in a later iteration of %s, reversing which write is last", depAccess(b), depAccess(a), iv)
}

// laterApart reports whether access a of the first loop (its induction
// variable renamed by rename to the analysed loop's), in iteration t0, and
// access b of the analysed loop, in iteration t1, touch different elements
// whenever t0 > t1. Some affine subscript position must differ: with
// fa = ca·t0 + ra and fb = cb·t1 + rb, and t0 = t1 + δ for δ in [1, tmax],
// fa - fb = (ca - cb)·t1 + ca·δ + (ra - rb), which must exclude 0. When
// ca = cb = c that is c·δ ≠ rb - ra, checked against the multiples of c.
func (d *depLoop) laterApart(a, b *ir.Op, rename map[*ir.Value]*ir.Expr) bool {
	if d.tknown && d.tmax < 1 {
		return true // no two iterations
	}
	for k := range a.Index {
		if k >= len(b.Index) || a.Index[k].Affine == nil || b.Index[k].Affine == nil {
			continue
		}
		fa := d.form(substitute(a.Index[k].Affine, rename), 0)
		fb := d.form(b.Index[k].Affine, 1)
		if !fa.ok || !fb.ok {
			continue
		}
		diff := fb.axpy(fa, -1) // rb - ra
		diff.t = 0
		r := d.rangeOf(diff)
		if c := fa.t; c == fb.t && c != 0 && c != -c && !d.hitsLaterMultiple(r, c) {
			return true
		}
		dc, ok := depAdd(fa.t, -fb.t)
		if ok && d.tknown && r.times(-1).plus(depRange{0, d.tmax - 1, true}.times(dc)).plus(depRange{1, d.tmax, true}.times(fa.t)).excludes(0) {
			return true
		}
	}
	return false
}

// hitsLaterMultiple reports whether r may hold c·δ for some δ in [1, tmax]
// (any δ >= 1 when the trip count is unknown); c != 0.
func (d *depLoop) hitsLaterMultiple(r depRange, c int64) bool {
	if c < 0 {
		r, c = r.times(-1), -c
	}
	if !r.ok {
		return true
	}
	lo, hi := depFloorDiv(r.lo, c), depFloorDiv(r.hi, c) // c·δ in r for δ in [lo, hi]
	if lo*c < r.lo {
		lo++
	}
	if d.tknown {
		hi = min(hi, d.tmax)
	}
	return max(lo, 1) <= hi
}

// renameIV replaces induction variable from by to in the ops of b.
func renameIV(b *ir.Block, from, to *ir.Value) {
	sub := map[*ir.Value]*ir.Expr{from: ir.Dim(to)}
	set := map[*ir.Value]bool{from: true}
	renameExprs := func(es []*ir.Expr) []*ir.Expr {
		out := make([]*ir.Expr, len(es))
		for i, e := range es {
			out[i] = e
			if usesDim(e, set) {
				out[i] = substitute(e, sub)
			}
		}
		return out
	}
	b.Walk(func(op *ir.Op) {
		for i, a := range op.Args {
			if a == from {
				op.Args[i] = to
			}
		}
		if len(op.Index) > 0 {
			idx := make([]ir.Subscript, len(op.Index))
			for i, s := range op.Index {
				idx[i] = s
				if s.Affine != nil && usesDim(s.Affine, set) {
					idx[i].Affine = substitute(s.Affine, sub)
				}
				if s.Dyn == from {
					idx[i].Dyn = to
				}
			}
			op.Index = idx
		}
		if op.Code == ir.OpFor {
			op.Loop.Lower, op.Loop.Upper = renameExprs(op.Loop.Lower), renameExprs(op.Loop.Upper)
		}
	})
}

// fuseRemark records a remark at loop op, with a note at each access of
// at, as parallelize does.
func fuseRemark(d *diag.List, op *ir.Op, at []*ir.Op, format string, args ...any) {
	(&parallelizer{remarks: d}).remark(op, at, format, args...)
}
