package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// parallel writes a loop marked Parallel (see passes.Parallelize) as an
// affine.parallel, which `mlir-opt --lower-affine --convert-scf-to-openmp`
// turns into an OpenMP worksharing loop:
//
//	affine.parallel (%i) = (max(%a, 0)) to (min(%a + 64, 100)) step (2) {
//
// MLIR 19 spells the bounds of affine.parallel inline (no affine_map
// operands) and takes max/min of several results; the body's terminator
// has no operands and is left implicit. Loops with iteration arguments
// never get here: they are written as affine.for even if marked (MLIR's
// affine.parallel reductions are not used).
//
// The body gets no vectorization guard (see vecguard.go): the
// super-vectorizer only vectorizes affine.for, and MLIR 19's
// isVectorizableLoopBody refuses any loop containing an op with a region it
// does not know, such as affine.parallel, so the loops around it are safe
// too. Loops inside keep their own guards.
func (e *emitter) parallel(op *ir.Op) {
	l := op.Loop
	head := fmt.Sprintf("affine.parallel (%s) = (%s) to (%s)", e.dim(l.IV),
		e.parallelBound(l.Lower, "max"), e.parallelBound(l.Upper, "min"))
	if l.Step != 1 {
		head += fmt.Sprintf(" step (%d)", l.Step)
	}
	e.line(nopos, "%s {", head)
	e.depth++
	e.block(l.Body)
	e.depth--
	e.line(op.Pos, "}")
}

// parallelBound spells a lower (fn "max") or upper (fn "min") bound of an
// affine.parallel: a folded constant, one inline expression, or fn over
// several. The caller has checked that exprs is not empty.
func (e *emitter) parallelBound(exprs []*ir.Expr, fn string) string {
	if c, ok := foldConst(exprs, fn == "max"); ok {
		return fmt.Sprint(c)
	}
	if len(exprs) == 1 {
		return e.inline(exprs)
	}
	s := make([]string, len(exprs))
	for i, x := range exprs {
		s[i] = x.Format(e.dim)
	}
	return fn + "(" + strings.Join(s, ", ") + ")"
}
