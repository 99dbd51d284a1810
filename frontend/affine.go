package frontend

import (
	"github.com/q35c/q35c/ir"
)

// affine converts an index expression to an affine expression of loop
// variables, or returns nil and why it is not affine. Division and modulo
// are affine only by a positive constant and of a value that cannot be
// negative (q35c's / truncates, affine floordiv floors; they agree there).
func (c *checker) affine(e Expr) (*ir.Expr, string) {
	t := e.typeOf()
	if t.Const.Kind == constInt && (t.T == ir.Invalid || t.T == ir.Index) {
		return ir.Const(t.Const.Int), ""
	}
	if t.T != ir.Index {
		return nil, "it has type " + typeName(t) + ", not index"
	}
	switch e := e.(type) {
	case *Ident:
		return identAffine(e)
	case *UnaryExpr:
		if x, why := c.affine(e.X); x != nil && e.Op == "-" {
			return ir.Mul(x, -1), ""
		} else if x == nil {
			return nil, why
		}
	case *BinaryExpr:
		return c.binaryAffine(e)
	case *IndexExpr:
		return nil, "it reads memory"
	case *CastExpr:
		return nil, "it converts a data value of type " + e.X.typeOf().T.String() + " to index"
	}
	return nil, "it uses an operation other than +, -, * by a constant, / and % by a constant"
}

func identAffine(e *Ident) (*ir.Expr, string) {
	switch {
	case e.Sym == nil:
		return nil, "undefined"
	case e.Sym.Kind == SymLoopVar:
		return ir.Dim(e.Sym.IV), ""
	case e.Sym.Affine != nil:
		return e.Sym.Affine, ""
	}
	return nil, e.Name + " is a " + e.Sym.Kind.String() + ", not a loop variable"
}

func (c *checker) binaryAffine(e *BinaryExpr) (*ir.Expr, string) {
	x, why := c.affine(e.X)
	if x == nil {
		return nil, why
	}
	y, why := c.affine(e.Y)
	if y == nil {
		return nil, why
	}
	yc, yConst := y.IsConst()
	xc, xConst := x.IsConst()
	switch e.Op {
	case "+":
		return ir.Add(x, y), ""
	case "-":
		return ir.Add(x, ir.Mul(y, -1)), ""
	case "*":
		switch {
		case yConst:
			return ir.Mul(x, yc), ""
		case xConst:
			return ir.Mul(y, xc), ""
		}
		return nil, "it multiplies two loop-dependent values"
	case "/", "%":
		if !yConst || yc <= 0 {
			return nil, "it divides by something other than a positive constant"
		}
		if lo, _ := x.Range(c.ivRange); lo < 0 {
			return nil, "it divides a value that may be negative"
		}
		if e.Op == "/" {
			return ir.FloorDiv(x, yc), ""
		}
		return ir.Mod(x, yc), ""
	}
	return nil, "operator " + e.Op + " is not affine"
}
