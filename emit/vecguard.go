package emit

import (
	"github.com/q35c/q35c/ir"
)

// MLIR 19's --affine-super-vectorize is unsound on several loop shapes q35c
// emits: it vectorizes step-N loops and strided accesses as if contiguous,
// writes whole vectors past the end of loops whose trip count is not a
// multiple of the vector width, turns stores that are invariant along the
// loop into transfer_writes with broadcast dimensions (rejected by the
// verifier, or a segfault in AffineForOp verification), and crashes on
// loops whose induction variable feeds a non-affine op. It never vectorizes
// a loop that contains an op with a non-vector-element result type, so the
// emitter puts such an op -- an identity memref.cast, which lowers to
// nothing -- at the top of every loop it cannot prove safe. The guard
// blocks the enclosing loops (and the tile loops --affine-loop-tile adds
// around them) too, so only loops proven safe are ever vectorized.

// defaultVectorWidth is the virtual vector size guards assume when
// Options.VectorWidth is zero.
const defaultVectorWidth = 8

// guard writes the vectorization guard into loop op's body unless the loop
// is vector-safe.
func (e *emitter) guard(op *ir.Op) {
	if e.guardBuf == nil || vectorSafe(op, e.width) {
		return
	}
	t, _ := memRefType(e.guardBuf) // checked when the parameters were spelled
	e.line(op.Pos, "%s = memref.cast %%%s : %s to %s", e.tmp("guard"), e.guardBuf.Name, t, t)
}

// vectorSafe reports whether the super-vectorizer may vectorize loop op:
// constant bounds, unit step, a trip count that is a multiple of width,
// and a body whose accesses are unit-stride along the last subscript or
// invariant (stores must vary), with the induction variable used nowhere
// else. Loops with iteration arguments are never vectorized (they are not
// parallel without --vectorize-reductions), so they need no guard.
func vectorSafe(op *ir.Op, width int64) bool {
	l := op.Loop
	if len(l.IterArgs) > 0 {
		return true
	}
	lo, okL := foldConst(l.Lower, true)
	hi, okU := foldConst(l.Upper, false)
	if !okL || !okU || l.Step != 1 || hi <= lo || (hi-lo)%width != 0 {
		return false
	}
	safe := true
	l.Body.Walk(func(o *ir.Op) {
		safe = safe && opVectorSafe(o, l.IV)
	})
	return safe
}

// opVectorSafe checks one op of a candidate loop with induction variable iv.
func opVectorSafe(o *ir.Op, iv *ir.Value) bool {
	for _, a := range o.Args {
		if a == iv {
			return false
		}
	}
	switch o.Code {
	case ir.OpLoad, ir.OpStore:
		if packed, _ := ir.StorageElem(o.Buf.Elem); packed || hasDyn(o.Index) {
			return false
		}
		return accessVectorSafe(o.Index, iv, o.Code == ir.OpStore)
	case ir.OpFor:
		for _, x := range append(append([]*ir.Expr{}, o.Loop.Lower...), o.Loop.Upper...) {
			if c, ok := coefficient(x, iv); !ok || c != 0 {
				return false
			}
		}
	}
	return true
}

// accessVectorSafe reports whether iv appears only in the last subscript
// with coefficient 1 (or, for loads, nowhere).
func accessVectorSafe(idx []ir.Subscript, iv *ir.Value, store bool) bool {
	last := int64(0)
	for i, s := range idx {
		c, ok := coefficient(s.Affine, iv)
		if !ok || c != 0 && i != len(idx)-1 {
			return false
		}
		if i == len(idx)-1 {
			last = c
		}
	}
	return last == 1 || !store && last == 0 && len(idx) > 0
}

// coefficient returns the coefficient of iv in x, and false when x is not
// linear in iv (iv under a floordiv or mod).
func coefficient(x *ir.Expr, iv *ir.Value) (int64, bool) {
	switch x.Kind {
	case ir.ExprDim:
		if x.Dim == iv {
			return 1, true
		}
	case ir.ExprAdd:
		a, okA := coefficient(x.L, iv)
		b, okB := coefficient(x.R, iv)
		return a + b, okA && okB
	case ir.ExprMul:
		a, ok := coefficient(x.L, iv)
		return a * x.R.C, ok
	case ir.ExprFloorDiv, ir.ExprMod:
		a, ok := coefficient(x.L, iv)
		return 0, ok && a == 0
	}
	return 0, true
}
