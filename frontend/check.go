package frontend

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// Limits that keep hostile sizes from exhausting memory downstream.
const (
	maxBufferElems = 1 << 31 // elements per buffer
	maxRank        = 8
)

var keywords = map[string]bool{
	"const": true, "kernel": true, "in": true, "out": true, "for": true, "step": true,
	"let": true, "var": true, "as": true, "true": true, "false": true,
	"min": true, "max": true, "select": true,
}

// checker resolves names, computes types, checks shapes and bounds and
// annotates the AST. It reports every error it can and keeps going.
type checker struct {
	diags  *diag.List
	file   *File
	scopes []map[string]*Symbol
	loops  []*ForStmt
	kernel *Kernel
}

// Check checks f, annotating its nodes. Errors go to diags.
func Check(f *File, diags *diag.List) {
	c := &checker{diags: diags, file: f}
	c.push()
	for _, d := range f.Consts {
		c.constDecl(d)
	}
	seen := map[string]*Kernel{}
	for _, k := range f.Kernels {
		if prev := seen[k.Name]; prev != nil {
			c.redefined(nameSpan(k.Span, k.Name, "kernel "), k.Name, diag.Span{Pos: prev.Span.Pos, End: prev.Span.Off + 1})
		} else {
			seen[k.Name] = k
		}
		c.kernelDecl(k)
	}
}

// nameSpan returns the span of name inside a declaration that starts with
// prefix (e.g. "kernel ") at sp.
func nameSpan(sp diag.Span, name, prefix string) diag.Span {
	return diag.SpanOf(diag.Pos{File: sp.File, Off: sp.Off + len(prefix)}, len(name))
}

func (c *checker) errorf(sp diag.Span, format string, args ...any) {
	c.diags.Errorf(sp, format, args...)
}

func (c *checker) push() { c.scopes = append(c.scopes, map[string]*Symbol{}) }
func (c *checker) pop()  { c.scopes = c.scopes[:len(c.scopes)-1] }

func (c *checker) lookup(name string) *Symbol {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if s := c.scopes[i][name]; s != nil {
			return s
		}
	}
	return nil
}

// declare adds sym to the innermost scope. Redefining a visible name, in
// any enclosing scope, is an error: q35c has no shadowing.
func (c *checker) declare(sym *Symbol) bool {
	if keywords[sym.Name] {
		c.errorf(sym.Def, "%q is a keyword and cannot be used as a name", sym.Name)
		// Declare it anyway so that its uses do not cascade into more errors.
	}
	if prev := c.lookup(sym.Name); prev != nil {
		c.redefined(sym.Def, sym.Name, prev.Def)
		return false
	}
	sym.depth = len(c.loops)
	c.scopes[len(c.scopes)-1][sym.Name] = sym
	return true
}

func (c *checker) redefined(at diag.Span, name string, prev diag.Span) {
	c.diags.Add(diag.Diagnostic{
		Severity: diag.Error, Span: at, Msg: fmt.Sprintf("%s redefined", name),
		Notes: []diag.Diagnostic{{Severity: diag.Note, Span: prev, Msg: "previous definition is here"}},
	})
}

func (c *checker) constDecl(d *ConstDecl) {
	t := c.expr(d.Value)
	sym := &Symbol{Kind: SymConst, Name: d.Name, Def: nameSpan(d.Span, d.Name, "const ")}
	switch {
	case t.T != ir.Invalid:
		c.errorf(d.Value.exprSpan(), "constant %s must be a compile-time constant, not a value of type %s", d.Name, t.T)
	case t.Const.Kind == constNone:
		// error already reported
	default:
		sym.Const = t.Const
	}
	d.Val = sym.Const
	c.declare(sym)
}

func (c *checker) kernelDecl(k *Kernel) {
	c.kernel = k
	c.push()
	for _, p := range k.Params {
		c.param(p)
	}
	c.block(k.Body)
	c.pop()
	c.kernel = nil
}

func (c *checker) param(p *Param) {
	sym := &Symbol{Kind: SymBuffer, Name: p.Name, Def: diag.SpanOf(p.Span.Pos, len(p.Name)), Param: p}
	t, ok := ir.ParseType(p.ElemName)
	switch {
	case !ok:
		c.errorf(p.ElemSpan, "unknown type %q", p.ElemName)
	case !ir.BufferElemOK(t):
		c.errorf(p.ElemSpan, "buffers of %s are not supported: use i4, i8, i16, i32, i64, f16 or f32 (pack %s codes into i8 and unpack them with shifts and masks)", t, t)
	default:
		p.Elem = t
	}
	c.shape(p)
	sym.Type = p.Elem
	c.declare(sym)
}

func (c *checker) shape(p *Param) {
	if len(p.Shape) == 0 || len(p.Shape) > maxRank {
		c.errorf(p.Span, "buffer %s must have between 1 and %d dimensions, has %d", p.Name, maxRank, len(p.Shape))
		return
	}
	total := int64(1)
	for _, e := range p.Shape {
		n, ok := c.constInt(e, "a buffer dimension")
		if !ok {
			p.Dims = nil
			return
		}
		if n < 1 {
			c.errorf(e.exprSpan(), "buffer dimension must be positive, is %d", n)
			p.Dims = nil
			return
		}
		if total > maxBufferElems/n {
			c.errorf(p.Span, "buffer %s is too large: more than %d elements", p.Name, int64(maxBufferElems))
			p.Dims = nil
			return
		}
		total *= n
		p.Dims = append(p.Dims, n)
	}
	if p.Elem == ir.I4 && p.Dims[len(p.Dims)-1]%2 != 0 {
		c.errorf(p.Shape[len(p.Shape)-1].exprSpan(), "the last dimension of an i4 buffer must be even (two codes per byte), is %d", p.Dims[len(p.Dims)-1])
		p.Dims = nil
	}
}

// constInt checks e as an integer compile-time constant.
func (c *checker) constInt(e Expr, what string) (int64, bool) {
	t := c.expr(e)
	if t.T == ir.Invalid && t.Const.Kind == constNone {
		return 0, false // already reported
	}
	if t.T != ir.Invalid || t.Const.Kind != constInt {
		c.errorf(e.exprSpan(), "%s must be an integer constant", what)
		return 0, false
	}
	return t.Const.Int, true
}
