package frontend

import (
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

func (c *checker) block(b *Block) {
	c.push()
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ForStmt:
			c.forStmt(s)
		case *LetStmt:
			c.letStmt(s)
		case *AssignStmt:
			c.assignStmt(s)
		}
	}
	c.pop()
}

func (c *checker) forStmt(s *ForStmt) {
	sym := &Symbol{Kind: SymLoopVar, Name: s.Var.Name, Def: s.Var.Span, Type: ir.Index, IV: &ir.Value{Type: ir.Index, Name: s.Var.Name}}
	s.Var.Sym = sym
	lo, okLo := c.bound(s.Lo, "lower")
	hi, okHi := c.bound(s.Hi, "upper")
	s.StepVal = 1
	if s.Step != nil {
		if n, ok := c.constInt(s.Step, "a loop step"); ok {
			if n < 1 {
				c.errorf(s.Step.exprSpan(), "loop step must be positive, is %d", n)
			} else {
				s.StepVal = n
			}
		}
	}
	s.LoAff, s.HiAff = lo, hi
	if okLo && okHi {
		c.loopRange(sym, lo, hi, s.StepVal)
	}
	c.loops = append(c.loops, s)
	c.push()
	c.declare(sym)
	c.block(s.Body)
	c.pop()
	c.loops = c.loops[:len(c.loops)-1]
}

// loopRange sets the smallest and largest value the loop variable takes.
// With a constant lower bound the step is taken into account exactly.
func (c *checker) loopRange(sym *Symbol, lo, hi *ir.Expr, step int64) {
	var loHi int64
	sym.Lo, loHi = lo.Range(c.ivRange)
	_, sym.Hi = hi.Range(c.ivRange)
	sym.Hi--
	if sym.Lo == loHi && sym.Hi >= sym.Lo {
		sym.Hi = sym.Lo + (sym.Hi-sym.Lo)/step*step
	}
	if sym.Hi < sym.Lo {
		sym.Hi = sym.Lo // the loop never runs; keep the range non-empty
	}
}

// bound checks a loop bound: an affine expression of enclosing loop
// variables and constants.
func (c *checker) bound(e Expr, which string) (*ir.Expr, bool) {
	t := c.expr(e)
	if t.T == ir.Invalid && t.Const.Kind == constNone {
		return nil, false
	}
	if !(t.T == ir.Index || t.T == ir.Invalid && t.Const.Kind == constInt) {
		c.errorf(e.exprSpan(), "loop %s bound must be an index expression (loop variables and integer constants), has type %s", which, typeName(t))
		return nil, false
	}
	a, why := c.affine(e)
	if a == nil {
		c.errorf(e.exprSpan(), "loop %s bound is not affine: %s", which, why)
		return nil, false
	}
	return a, true
}

// ivRange gives the range of an induction variable for Expr.Range.
func (c *checker) ivRange(v *ir.Value) (int64, int64) {
	for _, l := range c.loops {
		if l.Var.Sym != nil && l.Var.Sym.IV == v {
			return l.Var.Sym.Lo, l.Var.Sym.Hi
		}
	}
	return 0, 0
}

func (c *checker) letStmt(s *LetStmt) {
	kind := SymLet
	if s.Mutable {
		kind = SymVar
	}
	sym := &Symbol{Kind: kind, Name: s.Name.Name, Def: s.Name.Span}
	s.Sym = sym
	t := c.expr(s.Value)
	want := ir.Invalid
	if s.TypeName != "" {
		var ok bool
		if want, ok = ir.ParseType(s.TypeName); !ok || want == ir.Index {
			c.errorf(s.TypeSpan, "unknown type %q", s.TypeName)
			want = ir.Invalid
		}
	}
	sym.Type = c.assignable(s.Value, t, want)
	if !s.Mutable && sym.Type.IsIntLike() {
		if lo, hi, ok := c.valueRange(s.Value); ok {
			sym.rangeLo, sym.rangeHi, sym.hasRange = lo, hi, true
		}
		if sym.Type == ir.Index {
			sym.Affine, _ = c.affine(s.Value)
		}
	}
	c.declare(sym)
}

// assignable converts e (of type t) to want, reporting mismatches, and
// returns the resulting type. With want invalid, untyped constants take
// their default type (i32, f32, i1).
func (c *checker) assignable(e Expr, t *exprType, want ir.Type) ir.Type {
	if t.T == ir.Invalid && t.Const.Kind == constNone {
		return want // already reported
	}
	if t.T == ir.Invalid {
		if want == ir.Invalid {
			want = defaultType(t.Const)
		}
		c.convertConst(e, want)
		return want
	}
	if want != ir.Invalid && t.T != want {
		c.errorf(e.exprSpan(), "cannot use a value of type %s as %s (convert it explicitly with `as %s`)", t.T, want, want)
		return want
	}
	if t.T == ir.Index && want == ir.Invalid {
		return ir.Index
	}
	return t.T
}

func (c *checker) assignStmt(s *AssignStmt) {
	switch target := s.Target.(type) {
	case *Ident:
		c.assignScalar(s, target)
	case *IndexExpr:
		c.store(s, target)
	}
}

func (c *checker) assignScalar(s *AssignStmt, id *Ident) {
	sym := c.lookup(id.Name)
	id.Sym = sym
	if sym == nil {
		c.errorf(id.Span, "undefined: %s", id.Name)
		c.expr(s.Value)
		return
	}
	if sym.Kind != SymVar {
		hint := ""
		switch sym.Kind {
		case SymLet:
			hint = " (declare it with var to make it mutable)"
		case SymBuffer:
			hint = " (index it to store an element)"
		}
		c.errorf(id.Span, "cannot assign to %s: it is a %s%s", id.Name, sym.Kind, hint)
		c.expr(s.Value)
		return
	}
	id.T = sym.Type
	value := s.Value
	if s.Op != "" {
		value = &BinaryExpr{Span: s.Span, OpSpan: s.Span, Op: s.Op, X: &Ident{Span: id.Span, Name: id.Name}, Y: s.Value}
		s.Value = value
	}
	c.assignable(value, c.expr(value), sym.Type)
	// Every loop between the declaration and here carries the variable.
	for _, l := range c.loops[sym.depth:] {
		l.addCarried(sym)
	}
}

func (c *checker) store(s *AssignStmt, ix *IndexExpr) {
	sym := c.lookup(ix.Buf.Name)
	if s.Op != "" {
		// A[i] op= v reads A[i] first.
		load := &IndexExpr{Span: ix.Span, Buf: &Ident{Span: ix.Buf.Span, Name: ix.Buf.Name}, Index: ix.Index}
		s.Value = &BinaryExpr{Span: s.Span, OpSpan: s.Span, Op: s.Op, X: load, Y: s.Value}
	}
	if sym != nil && sym.Kind == SymBuffer && !sym.Param.Out {
		c.errorf(ix.Buf.Span, "cannot write to %s: it is an input buffer (declare it `out` to write it)", ix.Buf.Name)
	}
	if sym != nil && sym.Kind == SymBuffer && sym.Param.Elem == ir.I4 {
		c.errorf(ix.Buf.Span, "cannot write to %s: i4 buffers are packed and read-only", ix.Buf.Name)
	}
	vt := c.expr(s.Value)
	elem := c.subscripts(ix, true)
	if elem != ir.Invalid {
		c.assignable(s.Value, vt, elem)
	}
	if sym != nil && sym.Kind == SymBuffer {
		sym.written = true
	}
}

// addCarried records that the loop assigns the outer variable sym.
func (s *ForStmt) addCarried(sym *Symbol) {
	for _, x := range s.Carried {
		if x == sym {
			return
		}
	}
	s.Carried = append(s.Carried, sym)
}

func typeName(t *exprType) string {
	if t.T != ir.Invalid {
		return t.T.String()
	}
	switch t.Const.Kind {
	case constInt:
		return "untyped int"
	case constFloat:
		return "untyped float"
	case constBool:
		return "untyped bool"
	}
	return "invalid"
}

var _ = diag.Error
