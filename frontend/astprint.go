package frontend

import (
	"fmt"
	"io"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// PrintAST writes f as an indented tree, one node a line, with each
// expression's checked type (`q35c compile --emit ast`).
func PrintAST(w io.Writer, f *File) {
	p := &astPrinter{w: w}
	p.line(0, "file %q", f.Src.Name)
	for _, c := range f.Consts {
		p.line(1, "const %s = %s @%s", c.Name, c.Val, lineCol(c.Span))
	}
	for _, k := range f.Kernels {
		p.line(1, "kernel %s @%s", k.Name, lineCol(k.Span))
		for _, prm := range k.Params {
			kind := "in"
			if prm.Out {
				kind = "out"
			}
			p.line(2, "param %s %s %s%v", prm.Name, kind, prm.ElemName, prm.Dims)
		}
		p.block(2, k.Body)
	}
}

type astPrinter struct {
	w io.Writer
}

func lineCol(sp diag.Span) string {
	l, c := sp.LineCol()
	return fmt.Sprintf("%d:%d", l, c)
}

func (p *astPrinter) line(depth int, format string, args ...any) {
	fmt.Fprintf(p.w, "%s%s\n", strings.Repeat("  ", depth), fmt.Sprintf(format, args...))
}

func (p *astPrinter) block(depth int, b *Block) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ForStmt:
			var carried []string
			for _, c := range s.Carried {
				carried = append(carried, c.Name)
			}
			p.line(depth, "for %s step %d carries [%s] @%s", s.Var.Name, s.StepVal, strings.Join(carried, " "), lineCol(s.Span))
			p.expr(depth+1, "lo", s.Lo)
			p.expr(depth+1, "hi", s.Hi)
			p.block(depth+1, s.Body)
		case *LetStmt:
			kw := "let"
			if s.Mutable {
				kw = "var"
			}
			p.line(depth, "%s %s: %s @%s", kw, s.Name.Name, s.Sym.Type, lineCol(s.Span))
			p.expr(depth+1, "", s.Value)
		case *AssignStmt:
			p.line(depth, "assign @%s", lineCol(s.Span))
			p.expr(depth+1, "to", s.Target)
			p.expr(depth+1, "", s.Value)
		}
	}
}

func (p *astPrinter) expr(depth int, label string, e Expr) {
	if label != "" {
		label += ": "
	}
	t := e.typeOf()
	ty := t.T.String()
	if t.T == ir.Invalid {
		ty = typeName(t)
	}
	switch e := e.(type) {
	case *Ident:
		p.line(depth, "%sident %s : %s", label, e.Name, ty)
	case *IntLit:
		p.line(depth, "%sint %s : %s", label, e.Text, ty)
	case *FloatLit:
		p.line(depth, "%sfloat %s : %s", label, e.Text, ty)
	case *BoolLit:
		p.line(depth, "%sbool %v : %s", label, e.Value, ty)
	case *IndexExpr:
		p.line(depth, "%sindex %s : %s", label, e.Buf.Name, ty)
		for _, x := range e.Index {
			p.expr(depth+1, "", x)
		}
	case *UnaryExpr:
		p.line(depth, "%sunary %s : %s", label, e.Op, ty)
		p.expr(depth+1, "", e.X)
	case *BinaryExpr:
		p.line(depth, "%sbinary %s : %s", label, e.Op, ty)
		p.expr(depth+1, "", e.X)
		p.expr(depth+1, "", e.Y)
	case *CastExpr:
		p.line(depth, "%scast : %s", label, ty)
		p.expr(depth+1, "", e.X)
	case *CallExpr:
		p.line(depth, "%scall %s : %s", label, e.Name, ty)
		for _, x := range e.Args {
			p.expr(depth+1, "", x)
		}
	}
}
