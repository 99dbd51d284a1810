package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// affineMap spells exprs as an applied affine map over the induction
// variables they use: "affine_map<(d0, d1) -> (d0 + d1, 4)>(%i, %j)".
func (e *emitter) affineMap(exprs []*ir.Expr) string {
	var ivs []*ir.Value
	for _, x := range exprs {
		ivs = x.Dims(ivs)
	}
	dims := make([]string, len(ivs))
	operands := make([]string, len(ivs))
	index := map[*ir.Value]string{}
	for i, v := range ivs {
		dims[i] = fmt.Sprintf("d%d", i)
		operands[i] = e.dim(v)
		index[v] = dims[i]
	}
	results := make([]string, len(exprs))
	for i, x := range exprs {
		results[i] = x.Format(func(v *ir.Value) string { return index[v] })
	}
	return fmt.Sprintf("affine_map<(%s) -> (%s)>(%s)",
		strings.Join(dims, ", "), strings.Join(results, ", "), strings.Join(operands, ", "))
}

// apply defines an index value equal to x: an arith.constant when x is
// constant, else an affine.apply.
func (e *emitter) apply(pos diag.Pos, x *ir.Expr, hint string) string {
	name := e.tmp(hint)
	if c, ok := x.IsConst(); ok {
		e.line(pos, "%s = arith.constant %d : index", name, c)
	} else {
		e.line(pos, "%s = affine.apply %s", name, e.affineMap([]*ir.Expr{x}))
	}
	return name
}

// inline spells affine subscripts in MLIR's inline form: "%i * 16 + %k".
func (e *emitter) inline(exprs []*ir.Expr) string {
	s := make([]string, len(exprs))
	for i, x := range exprs {
		s[i] = x.Format(e.dim)
	}
	return strings.Join(s, ", ")
}
