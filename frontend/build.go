package frontend

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/q35c/q35c/internal/diag"
)

// builder turns participle's parse tree into the AST.
type builder struct {
	src     *diag.File
	depth   map[Expr]int // operator depth of binary expressions
	tooDeep diag.Pos     // where an expression first exceeded maxExprDepth
}

func (b *builder) span(pos, end lexer.Position) diag.Span {
	return diag.Span{Pos: diag.Pos{File: b.src, Off: pos.Offset}, End: end.Offset}
}

func (b *builder) file(pf *pFile) *File {
	f := &File{Src: b.src}
	for _, d := range pf.Decls {
		switch {
		case d.Const != nil:
			c := d.Const
			f.Consts = append(f.Consts, &ConstDecl{Span: b.span(c.Pos, c.EndPos), Name: c.Name, Value: b.expr(c.Value)})
		case d.Kernel != nil:
			f.Kernels = append(f.Kernels, b.kernel(d.Kernel))
		}
	}
	return f
}

func (b *builder) kernel(pk *pKernel) *Kernel {
	k := &Kernel{Span: b.span(pk.Pos, pk.EndPos), Name: pk.Name, Body: b.block(pk.Body)}
	for _, pp := range pk.Params {
		p := &Param{
			Span: b.span(pp.Pos, pp.EndPos), Name: pp.Name, Out: pp.Kind == "out",
			ElemSpan: b.span(pp.Elem.Pos, pp.Elem.EndPos), ElemName: pp.Elem.Name,
		}
		for _, e := range pp.Shape {
			p.Shape = append(p.Shape, b.expr(e))
		}
		k.Params = append(k.Params, p)
	}
	return k
}

func (b *builder) block(pb *pBlock) *Block {
	blk := &Block{Span: b.span(pb.Pos, pb.EndPos)}
	for _, s := range pb.Stmts {
		blk.Stmts = append(blk.Stmts, b.stmt(s))
	}
	return blk
}

func (b *builder) stmt(ps *pStmt) Stmt {
	switch {
	case ps.For != nil:
		f := ps.For
		s := &ForStmt{Span: b.span(f.Pos, f.EndPos), Var: b.ident(f.Var), Lo: b.expr(f.Lo), Hi: b.expr(f.Hi), Body: b.block(f.Body)}
		if f.Step != nil {
			s.Step = b.expr(f.Step)
		}
		return s
	case ps.Let != nil:
		l := ps.Let
		s := &LetStmt{Span: b.span(l.Pos, l.EndPos), Mutable: l.Keyword == "var", Name: b.ident(l.Name), Value: b.expr(l.Value)}
		if l.Type != nil {
			s.TypeSpan, s.TypeName = b.span(l.Type.Pos, l.Type.EndPos), l.Type.Name
		}
		return s
	}
	a := ps.Assign
	op := a.Op[:len(a.Op)-1] // "+=" -> "+", "=" -> ""
	return &AssignStmt{Span: b.span(a.Pos, a.EndPos), Target: b.ref(a.Target), Op: op, Value: b.expr(a.Value)}
}

func (b *builder) ident(pi *pIdent) *Ident {
	return &Ident{Span: b.span(pi.Pos, pi.EndPos), Name: pi.Name}
}

func (b *builder) ref(r *pRef) Expr {
	sp := b.span(r.Pos, r.EndPos)
	id := &Ident{Span: diag.SpanOf(sp.Pos, len(r.Name)), Name: r.Name}
	if r.Index == nil {
		return id
	}
	ix := &IndexExpr{Span: sp, Buf: id}
	for _, e := range r.Index {
		ix.Index = append(ix.Index, b.expr(e))
	}
	return ix
}

func (b *builder) expr(e *pExpr) Expr {
	x := b.add(e.Left)
	if e.Op == "" {
		return x
	}
	y := b.add(e.Right)
	return b.binary(e.Op, x, y)
}

func (b *builder) binary(op string, x, y Expr) Expr {
	sp := diag.Span{Pos: x.exprSpan().Pos, End: y.exprSpan().End}
	// The operator sits between the operands; underline it alone.
	opSpan := diag.Span{Pos: diag.Pos{File: b.src, Off: x.exprSpan().End}, End: y.exprSpan().Off}
	opSpan = trimSpan(b.src, opSpan)
	e := &BinaryExpr{Span: sp, OpSpan: opSpan, Op: op, X: x, Y: y}
	d := max(b.depth[x], b.depth[y]) + 1
	b.depth[e] = d
	if d > maxExprDepth && !b.tooDeep.IsKnown() {
		b.tooDeep = opSpan.Pos
	}
	if d > maxExprDepth {
		return x // stop growing the tree; the parse fails anyway
	}
	return e
}

// trimSpan shrinks sp to exclude surrounding blanks and closing parentheses.
func trimSpan(f *diag.File, sp diag.Span) diag.Span {
	for sp.Off < sp.End && (f.Src[sp.Off] == ' ' || f.Src[sp.Off] == '\t' || f.Src[sp.Off] == '\n' || f.Src[sp.Off] == ')' || f.Src[sp.Off] == '\r') {
		sp.Off++
	}
	for sp.End > sp.Off && (f.Src[sp.End-1] == ' ' || f.Src[sp.End-1] == '\t' || f.Src[sp.End-1] == '\n' || f.Src[sp.End-1] == '(' || f.Src[sp.End-1] == '\r') {
		sp.End--
	}
	return sp
}

func (b *builder) add(a *pAdd) Expr {
	x := b.mul(a.Left)
	for _, r := range a.Rest {
		x = b.binary(r.Op, x, b.mul(r.Right))
	}
	return x
}

func (b *builder) mul(m *pMul) Expr {
	x := b.cast(m.Left)
	for _, r := range m.Rest {
		x = b.binary(r.Op, x, b.cast(r.Right))
	}
	return x
}

func (b *builder) cast(c *pCast) Expr {
	x := b.unary(c.X)
	for _, t := range c.As {
		x = &CastExpr{Span: diag.Span{Pos: x.exprSpan().Pos, End: t.EndPos.Offset}, X: x, TypeSpan: b.span(t.Pos, t.EndPos), TypeName: t.Name}
	}
	return x
}

func (b *builder) unary(u *pUnary) Expr {
	if u.Prim != nil {
		return b.primary(u.Prim)
	}
	return &UnaryExpr{Span: b.span(u.Pos, u.EndPos), Op: u.Op, X: b.unary(u.X)}
}

func (b *builder) primary(p *pPrimary) Expr {
	sp := b.span(p.Pos, p.EndPos)
	switch {
	case p.Float != nil:
		return &FloatLit{Span: sp, Text: *p.Float}
	case p.Int != nil:
		return &IntLit{Span: sp, Text: *p.Int}
	case p.Bool != nil:
		return &BoolLit{Span: sp, Value: *p.Bool == "true"}
	case p.Call != nil:
		c := &CallExpr{Span: sp, Name: p.Call.Name}
		for _, a := range p.Call.Args {
			c.Args = append(c.Args, b.expr(a))
		}
		return c
	case p.Ref != nil:
		return b.ref(p.Ref)
	}
	x := b.expr(p.Paren)
	return x
}
