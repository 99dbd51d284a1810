package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// loop writes an OpFor as an affine.for, or as an affine.parallel when it
// is marked parallel and carries nothing (see parallel.go). Results are
// named after the iteration arguments: one result is %name, several are
// %name:N used as %name#i.
func (e *emitter) loop(op *ir.Op) {
	l := op.Loop
	if l.Step < 1 {
		e.failf(op.Pos, "loop step %d is not positive", l.Step)
		return
	}
	lower, okL := e.bound(l.Lower, "max")
	upper, okU := e.bound(l.Upper, "min")
	if !okL || !okU {
		e.failf(op.Pos, "loop %s has no lower or upper bound", e.dim(l.IV))
		return
	}
	if l.Vector > 1 {
		e.vectorLoop(op)
		return
	}
	if l.Dot {
		e.dotLoop(op)
		return
	}
	if l.Parallel && len(l.IterArgs) == 0 {
		e.parallel(op)
		return
	}
	head := fmt.Sprintf("affine.for %s = %s to %s", e.dim(l.IV), lower, upper)
	if l.Step != 1 {
		head += fmt.Sprintf(" step %d", l.Step)
	}
	if len(l.IterArgs) > 0 {
		head += fmt.Sprintf(" iter_args(%s) -> (%s)", e.iterArgs(op), types(l.IterArgs))
	}
	e.line(nopos, "%s%s {", e.results(op), head)
	e.depth++
	e.guard(op)
	e.block(l.Body)
	e.depth--
	e.line(op.Pos, "}")
}

// bound spells a lower (fn "max") or upper (fn "min") bound: a constant, one
// applied map, or fn over a multi-result map. All-constant bounds fold.
func (e *emitter) bound(exprs []*ir.Expr, fn string) (string, bool) {
	if len(exprs) == 0 {
		return "", false
	}
	if c, ok := foldConst(exprs, fn == "max"); ok {
		return fmt.Sprint(c), true
	}
	m := e.affineMap(exprs)
	if len(exprs) == 1 {
		return m, true
	}
	return fn + " " + m, true
}

// foldConst returns the max (lower bounds) or min (upper bounds) of exprs
// when all are constants.
func foldConst(exprs []*ir.Expr, lower bool) (int64, bool) {
	var r int64
	for i, x := range exprs {
		c, ok := x.IsConst()
		if !ok {
			return 0, false
		}
		if i == 0 || lower && c > r || !lower && c < r {
			r = c
		}
	}
	return r, true
}

// iterArgs spells "%a = %init, ...".
func (e *emitter) iterArgs(op *ir.Op) string {
	s := make([]string, len(op.Loop.IterArgs))
	for i, a := range op.Loop.IterArgs {
		s[i] = e.def(a) + " = " + e.val(op.Args[i])
	}
	return strings.Join(s, ", ")
}

// results spells the "%r = " or "%r:2 = " prefix of a loop and records how
// its results are used.
func (e *emitter) results(op *ir.Op) string {
	switch len(op.Results) {
	case 0:
		return ""
	case 1:
		return e.def(op.Result()) + " = "
	}
	group := e.tmp(groupName(op.Results))
	for i, r := range op.Results {
		e.alias[r] = fmt.Sprintf("%s#%d", group, i)
	}
	return fmt.Sprintf("%s:%d = ", group, len(op.Results))
}

// groupName joins the results' names ("min_max") when they all have one.
func groupName(rs []*ir.Value) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		if r.Name == "" {
			return ""
		}
		names[i] = r.Name
	}
	return strings.Join(names, "_")
}
