package passes

import (
	"fmt"

	"github.com/q35c/q35c/ir"
)

// Tiling several loops of a band moves the point loops of outer loops
// inside the tile loops of inner ones, so iterations run in a different
// order. That is legal only when no two iterations of the reordered loops
// depend on each other: no loop among them carries a value (a reduction
// would be summed in another order, which changes float results), and two
// accesses to a buffer, one of them a store, touch the same element only
// in the same iteration of every reordered loop. The second condition is
// proved per pair of accesses from their affine subscripts; anything not
// proved blocks the reordering (the pass then tiles one loop only, which
// reorders nothing).

// reorderBlocker returns why the loops band[from..to] may not be
// reordered, or "" if they may.
func reorderBlocker(band []*ir.Op, from, to int) string {
	fixed := map[*ir.Value]bool{}
	for _, op := range band[:from] {
		fixed[op.Loop.IV] = true
	}
	moved := map[*ir.Value]bool{}
	for _, op := range band[from : to+1] {
		if len(op.Loop.IterArgs) > 0 {
			return fmt.Sprintf("loop %s carries %s from one iteration to the next, and tiling it with other loops would change the order of that reduction",
				ivName(op), carriedName(op))
		}
		moved[op.Loop.IV] = true
	}
	byBuf := map[*ir.Buffer][]*ir.Op{}
	var bufs []*ir.Buffer
	band[from].Loop.Body.Walk(func(op *ir.Op) {
		if op.Code != ir.OpLoad && op.Code != ir.OpStore {
			return
		}
		if byBuf[op.Buf] == nil {
			bufs = append(bufs, op.Buf)
		}
		byBuf[op.Buf] = append(byBuf[op.Buf], op)
	})
	for _, b := range bufs {
		if op := conflict(byBuf[b], fixed, moved); op != nil {
			return fmt.Sprintf("the accesses to %%%s (%s at %s) may touch one element in different iterations of the tiled loops",
				b.Name, op.Code, op.Pos)
		}
	}
	return ""
}

func carriedName(op *ir.Op) string {
	if n := op.Loop.IterArgs[0].Name; n != "" {
		return n
	}
	return "a value"
}

// conflict returns a store among accs (accesses to one buffer) that may
// touch an element some access touches in another iteration, or nil.
func conflict(accs []*ir.Op, fixed, moved map[*ir.Value]bool) *ir.Op {
	for i, a := range accs {
		if a.Code != ir.OpStore {
			continue
		}
		for j, b := range accs {
			if b.Code == ir.OpStore && j < i {
				continue // the pair was checked the other way round
			}
			if !separated(a.Index, b.Index, fixed, moved) {
				return a
			}
		}
	}
	return nil
}

// separated reports whether subscripts x and y, evaluated in two
// iterations that agree on the fixed induction variables, can name the
// same element only when the iterations also agree on every moved one.
// Either some dimension is constant and different in x and y, or the moved
// variables are pinned one by one: a dimension whose linear forms are
// identical in x and y and which has exactly one variable not yet known
// equal forces that variable to be equal too.
func separated(x, y []ir.Subscript, fixed, moved map[*ir.Value]bool) bool {
	type pair struct{ a, b lin }
	var dims []pair
	for d := range x {
		if x[d].Affine == nil || y[d].Affine == nil {
			continue
		}
		a, ok1 := linearize(x[d].Affine)
		b, ok2 := linearize(y[d].Affine)
		if !ok1 || !ok2 {
			continue
		}
		if len(a.k) == 0 && len(b.k) == 0 && a.c != b.c {
			return true
		}
		if sameLin(a, b) {
			dims = append(dims, pair{a, b})
		}
	}
	equal := map[*ir.Value]bool{}
	for v := range fixed {
		equal[v] = true
	}
	for changed := true; changed; {
		changed = false
		for _, p := range dims {
			if v := onlyUnknown(p.a, equal); v != nil && moved[v] {
				equal[v], changed = true, true
			}
		}
	}
	for v := range moved {
		if !equal[v] {
			return false
		}
	}
	return true
}

func sameLin(a, b lin) bool {
	if a.c != b.c || len(a.k) != len(b.k) {
		return false
	}
	for v, k := range a.k {
		if b.k[v] != k {
			return false
		}
	}
	return true
}

// onlyUnknown returns the one variable of l not in known, or nil if there
// is none or more than one.
func onlyUnknown(l lin, known map[*ir.Value]bool) *ir.Value {
	var u *ir.Value
	for v := range l.k {
		if known[v] {
			continue
		}
		if u != nil {
			return nil
		}
		u = v
	}
	return u
}
