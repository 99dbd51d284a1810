package frontend

import (
	"math"
	"strconv"
	"strings"

	"github.com/q35c/q35c/ir"
)

// expr checks e and returns its annotation. An invalid type with no
// constant means an error was already reported; callers stay quiet then.
func (c *checker) expr(e Expr) *exprType {
	t := e.typeOf()
	switch e := e.(type) {
	case *IntLit:
		v, err := parseInt(e.Text)
		if err != nil {
			c.errorf(e.Span, "%v", err)
			break
		}
		t.Const = constVal{Kind: constInt, Int: v}
	case *FloatLit:
		v, err := strconv.ParseFloat(strings.ReplaceAll(e.Text, "_", ""), 64)
		if err != nil || math.IsInf(v, 0) {
			c.errorf(e.Span, "float literal %s is out of range", e.Text)
			break
		}
		t.Const = constVal{Kind: constFloat, Float: v}
	case *BoolLit:
		t.Const = constVal{Kind: constBool}
		if e.Value {
			t.Const.Int = 1
		}
	case *Ident:
		c.ident(e)
	case *IndexExpr:
		e.T = c.load(e)
	case *UnaryExpr:
		c.unary(e)
	case *BinaryExpr:
		c.binary(e)
	case *CastExpr:
		c.cast(e)
	case *CallExpr:
		c.call(e)
	}
	return t
}

func bad(t *exprType) bool { return t.T == ir.Invalid && t.Const.Kind == constNone }

func untyped(t *exprType) bool { return t.T == ir.Invalid && t.Const.Kind != constNone }

func (c *checker) ident(e *Ident) {
	sym := c.lookup(e.Name)
	e.Sym = sym
	switch {
	case sym == nil:
		c.errorf(e.Span, "undefined: %s", e.Name)
	case sym.Kind == SymConst:
		e.Const = sym.Const
	case sym.Kind == SymBuffer:
		c.errorf(e.Span, "%s is a buffer, not a value: index it, as in %s[%s]", e.Name, e.Name, strings.TrimSuffix(strings.Repeat("i, ", max(1, len(sym.Param.Shape))), ", "))
	default:
		e.T = sym.Type
	}
}

// load checks a buffer read and returns the element type.
func (c *checker) load(ix *IndexExpr) ir.Type {
	elem := c.subscripts(ix, false)
	if sym := ix.Buf.Sym; sym != nil && sym.Kind == SymBuffer && sym.Param.Out && !sym.written {
		c.errorf(ix.Span, "%s is an output and is read here before anything is written to it", ix.Buf.Name)
	}
	return elem
}

// subscripts checks a buffer reference's indices (affine ones against the
// static shape, data-dependent ones by value range) and returns the element
// type, or invalid.
func (c *checker) subscripts(ix *IndexExpr, store bool) ir.Type {
	sym := c.lookup(ix.Buf.Name)
	ix.Buf.Sym = sym
	for _, s := range ix.Index {
		c.expr(s)
	}
	switch {
	case sym == nil:
		c.errorf(ix.Buf.Span, "undefined: %s", ix.Buf.Name)
		return ir.Invalid
	case sym.Kind != SymBuffer:
		c.errorf(ix.Buf.Span, "%s is a %s, not a buffer; it cannot be indexed", ix.Buf.Name, sym.Kind)
		return ir.Invalid
	}
	p := sym.Param
	if len(ix.Index) != len(p.Shape) {
		c.errorf(ix.Span, "%s has %d dimensions but %d indices are given", p.Name, len(p.Shape), len(ix.Index))
		return ir.Invalid
	}
	ok := p.Dims != nil && p.Elem != ir.Invalid
	ix.Affine = make([]*ir.Expr, len(ix.Index))
	for d, s := range ix.Index {
		ok = c.subscript(p, d, s, store) && ok
		ix.Affine[d], _ = c.affine(s)
	}
	if !ok {
		return ir.Invalid
	}
	return p.Elem
}

func (c *checker) subscript(p *Param, d int, s Expr, store bool) bool {
	t := s.typeOf()
	if bad(t) {
		return false
	}
	if untyped(t) && t.Const.Kind == constInt {
		c.convertConst(s, ir.Index)
	} else if !t.T.IsIntLike() || t.T == ir.I1 {
		c.errorf(s.exprSpan(), "index must be an integer, has type %s", typeName(t))
		return false
	}
	if p.Dims == nil {
		return false
	}
	n := p.Dims[d]
	if a, why := c.affine(s); a != nil {
		lo, hi := a.Range(c.ivRange)
		if lo < 0 || hi >= n {
			c.errorf(s.exprSpan(), "index out of bounds: it ranges over [%d, %d] but dimension %d of %s has size %d", lo, hi, d, p.Name, n)
			return false
		}
		return true
	} else if store {
		c.errorf(s.exprSpan(), "store index must be affine: %s", why)
		return false
	}
	lo, hi, known := c.valueRange(s)
	if !known || lo < 0 || hi >= n {
		c.errorf(s.exprSpan(), "cannot prove this data-dependent index is in bounds: it ranges over %s but dimension %d of %s has size %d (mask or clamp it)", rangeText(lo, hi, known), d, p.Name, n)
		return false
	}
	return true
}

func rangeText(lo, hi int64, known bool) string {
	if !known {
		return "unknown values"
	}
	return "[" + strconv.FormatInt(lo, 10) + ", " + strconv.FormatInt(hi, 10) + "]"
}

func (c *checker) unary(e *UnaryExpr) {
	x := c.expr(e.X)
	switch {
	case bad(x):
		return
	case untyped(x):
		c.unaryConst(e, x)
		return
	}
	switch e.Op {
	case "-":
		if x.T == ir.I1 {
			c.errorf(e.Span, "operator - is not defined on i1")
			return
		}
	case "~":
		if !x.T.IsIntLike() || x.T == ir.I1 {
			c.errorf(e.Span, "operator ~ is not defined on %s", x.T)
			return
		}
	case "!":
		if x.T != ir.I1 {
			c.errorf(e.Span, "operator ! is not defined on %s (it negates an i1 condition)", x.T)
			return
		}
	}
	e.T = x.T
}

func (c *checker) unaryConst(e *UnaryExpr, x *exprType) {
	v := x.Const
	switch {
	case e.Op == "-" && v.Kind == constInt && v.Int != math.MinInt64:
		e.Const = constVal{Kind: constInt, Int: -v.Int}
	case e.Op == "-" && v.Kind == constInt:
		c.errorf(e.Span, "constant overflow: the result does not fit in 64 bits")
	case e.Op == "-" && v.Kind == constFloat:
		e.Const = constVal{Kind: constFloat, Float: -v.Float}
	case e.Op == "~" && v.Kind == constInt:
		e.Const = constVal{Kind: constInt, Int: ^v.Int}
	case e.Op == "!" && v.Kind == constBool:
		e.Const = constVal{Kind: constBool, Int: 1 - v.Int}
	default:
		c.errorf(e.Span, "operator %s is not defined on untyped %s", e.Op, typeName(x)[len("untyped "):])
	}
}

// binary checks x op y. Untyped constants take the other side's type; two
// typed operands must have the same type: q35c never converts implicitly.
func (c *checker) binary(e *BinaryExpr) {
	x, y := c.expr(e.X), c.expr(e.Y)
	if bad(x) || bad(y) {
		return
	}
	if untyped(x) && untyped(y) {
		v, msg := foldConst(e.Op, x.Const, y.Const)
		if msg != "" {
			c.errorf(e.OpSpan, "%s", msg)
			return
		}
		e.Const = v
		return
	}
	switch {
	case untyped(x):
		if !c.convertConst(e.X, y.T) {
			return
		}
	case untyped(y):
		if !c.convertConst(e.Y, x.T) {
			return
		}
	case x.T != y.T:
		c.errorf(e.OpSpan, "mismatched types %s and %s for %s (convert one side with `as`)", x.T, y.T, e.Op)
		return
	}
	t := e.X.typeOf().T
	if msg := opAllowed(e.Op, t); msg != "" {
		c.errorf(e.OpSpan, "%s", msg)
		return
	}
	if yc := e.Y.typeOf().Const; yc.Kind == constInt {
		if (e.Op == "/" || e.Op == "%") && yc.Int == 0 {
			c.errorf(e.Y.exprSpan(), "division by zero")
			return
		}
		if (e.Op == "<<" || e.Op == ">>" || e.Op == ">>>") && (yc.Int < 0 || yc.Int >= int64(t.Bits)) {
			c.errorf(e.Y.exprSpan(), "shift count %d out of range for %s: must be in [0, %d]", yc.Int, t, t.Bits-1)
			return
		}
	}
	if isCompare(e.Op) {
		e.T = ir.I1
	} else {
		e.T = t
	}
}

// opAllowed says why op cannot apply to operands of type t, or "".
func opAllowed(op string, t ir.Type) string {
	switch op {
	case "%", "<<", ">>", ">>>":
		if !t.IsIntLike() || t == ir.I1 {
			return "operator " + op + " is not defined on " + t.String()
		}
	case "&", "|", "^":
		if !t.IsIntLike() {
			return "operator " + op + " is not defined on " + t.String()
		}
	case "+", "-", "*", "/", "<", "<=", ">", ">=":
		if t == ir.I1 {
			return "operator " + op + " is not defined on i1"
		}
	}
	return ""
}

// convertConst gives the untyped constant expression e the type t,
// reporting a constant that t cannot represent.
func (c *checker) convertConst(e Expr, t ir.Type) bool {
	et := e.typeOf()
	v := et.Const
	switch {
	case t.IsIntLike() && t != ir.I1 && v.Kind == constInt:
		if !t.IsIndex() && (v.Int < t.MinInt() || v.Int > t.MaxInt()) {
			c.errorf(e.exprSpan(), "constant %d overflows %s (range [%d, %d])", v.Int, t, t.MinInt(), t.MaxInt())
			return false
		}
	case t.IsIntLike() && t != ir.I1 && v.Kind == constFloat:
		c.errorf(e.exprSpan(), "cannot use float constant %s as %s", v, t)
		return false
	case t.IsFloat() && v.Kind != constBool:
		v = constVal{Kind: constFloat, Float: v.asFloat()}
		if math.Abs(v.Float) > maxFloat(t) {
			c.errorf(e.exprSpan(), "constant %s overflows %s", v, t)
			return false
		}
	case t == ir.I1 && v.Kind == constBool:
	default:
		c.errorf(e.exprSpan(), "cannot use %s constant %s as %s", typeName(et)[len("untyped "):], v, t)
		return false
	}
	et.T, et.Const = t, v
	return true
}

func maxFloat(t ir.Type) float64 {
	if t == ir.F16 {
		return 65504
	}
	return math.MaxFloat32
}

func (c *checker) cast(e *CastExpr) {
	x := c.expr(e.X)
	to, ok := ir.ParseType(e.TypeName)
	if !ok {
		c.errorf(e.TypeSpan, "unknown type %q", e.TypeName)
		return
	}
	if bad(x) {
		return
	}
	if untyped(x) {
		c.castConst(e, x, to)
		return
	}
	if msg := castAllowed(x.T, to); msg != "" {
		c.errorf(e.Span, "%s", msg)
		return
	}
	e.T = to
}

// castConst converts an untyped constant explicitly: integers wrap to the
// target width, floats must be integral to become integers.
func (c *checker) castConst(e *CastExpr, x *exprType, to ir.Type) {
	v := x.Const
	switch {
	case to == ir.I1 || v.Kind == constBool:
		c.errorf(e.Span, "cannot convert %s constant %s to %s", typeName(x)[len("untyped "):], v, to)
		return
	case to.IsIntLike() && v.Kind == constFloat:
		if v.Float != math.Trunc(v.Float) || math.Abs(v.Float) > 1<<62 {
			c.errorf(e.Span, "cannot convert float constant %s to %s: it is not an integer", v, to)
			return
		}
		v = constVal{Kind: constInt, Int: int64(v.Float)}
	}
	if v.Kind == constInt && to.IsIntLike() {
		v.Int = wrapInt(v.Int, to)
	}
	x.Const = v
	if c.convertConst(e.X, to) {
		e.T = to
	}
}

// castAllowed says why from cannot be cast to to, or "".
func castAllowed(from, to ir.Type) string {
	switch {
	case from == to:
		return ""
	case to == ir.I1:
		return "cannot cast " + from.String() + " to i1: compare instead (x != 0)"
	case from.IsIndex() && to.IsFloat() || from.IsFloat() && to.IsIndex():
		return "cannot cast between index and " + map[bool]string{true: to.String(), false: from.String()}[to.IsFloat()] + ": cast through an integer type"
	case from == ir.I1 && to.IsFloat():
		return "cannot cast i1 to " + to.String() + ": cast it to an integer first"
	}
	return ""
}

func (c *checker) call(e *CallExpr) {
	want := map[string]int{"min": 2, "max": 2, "select": 3}[e.Name]
	var ts []*exprType
	for _, a := range e.Args {
		ts = append(ts, c.expr(a))
	}
	if len(e.Args) != want {
		c.errorf(e.Span, "%s takes %d arguments, %d given", e.Name, want, len(e.Args))
		return
	}
	for _, t := range ts {
		if bad(t) {
			return
		}
	}
	args := e.Args
	if e.Name == "select" {
		if ts[0].T != ir.I1 && !(untyped(ts[0]) && ts[0].Const.Kind == constBool) {
			c.errorf(args[0].exprSpan(), "select's condition must be i1 (a comparison), has type %s", typeName(ts[0]))
			return
		}
		if untyped(ts[0]) {
			c.convertConst(args[0], ir.I1)
		}
		args = args[1:]
	}
	t := c.unify(args, e.Name)
	if t == ir.Invalid {
		return
	}
	if e.Name != "select" && t == ir.I1 {
		c.errorf(e.Span, "%s is not defined on i1", e.Name)
		return
	}
	e.T = t
}

// unify gives two operands one type, converting an untyped constant to the
// other's type (or both to their default).
func (c *checker) unify(args []Expr, what string) ir.Type {
	a, b := args[0].typeOf(), args[1].typeOf()
	switch {
	case untyped(a) && untyped(b):
		t := defaultType(a.Const)
		if b.Const.Kind == constFloat {
			t = ir.F32
		}
		if !c.convertConst(args[0], t) || !c.convertConst(args[1], t) {
			return ir.Invalid
		}
		return t
	case untyped(a):
		if !c.convertConst(args[0], b.T) {
			return ir.Invalid
		}
		return b.T
	case untyped(b):
		if !c.convertConst(args[1], a.T) {
			return ir.Invalid
		}
		return a.T
	case a.T != b.T:
		c.errorf(args[1].exprSpan(), "mismatched types %s and %s in %s (convert one side with `as`)", a.T, b.T, what)
		return ir.Invalid
	}
	return a.T
}
