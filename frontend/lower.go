package frontend

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// Lower turns a checked AST (Check reported no errors) into an IR module.
func Lower(f *File) *ir.Module {
	m := &ir.Module{Name: f.Src.Name}
	for _, k := range f.Kernels {
		m.Funcs = append(m.Funcs, lowerKernel(k))
	}
	return m
}

// lowerer holds the state of lowering one kernel: the IR value each scalar
// name has at the current program point (SSA construction is easy here:
// there are no branches, and loops carry exactly the variables they assign).
type lowerer struct {
	fn   *ir.Func
	b    *ir.Builder
	bufs map[*Param]*ir.Buffer
	vals map[*Symbol]*ir.Value
}

func lowerKernel(k *Kernel) *ir.Func {
	fn := &ir.Func{Name: k.Name, Pos: k.Span.Pos}
	l := &lowerer{fn: fn, b: ir.NewBuilder(fn), bufs: map[*Param]*ir.Buffer{}, vals: map[*Symbol]*ir.Value{}}
	for _, p := range k.Params {
		kind := ir.In
		if p.Out {
			kind = ir.Out
		}
		buf := &ir.Buffer{Name: p.Name, Kind: kind, Elem: p.Elem, Shape: p.Dims, Pos: p.Span.Pos}
		l.bufs[p] = buf
		fn.Params = append(fn.Params, buf)
	}
	l.block(k.Body)
	return fn
}

func (l *lowerer) at(sp diag.Span) { l.b.Pos = sp.Pos }

func (l *lowerer) block(b *Block) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ForStmt:
			l.forStmt(s)
		case *LetStmt:
			v := l.expr(s.Value)
			if v.Name == "" && v.Def != nil && v.Def.Code != ir.OpFor {
				v.Name = s.Name.Name
			}
			l.vals[s.Sym] = v
		case *AssignStmt:
			l.assign(s)
		}
	}
}

func (l *lowerer) forStmt(s *ForStmt) {
	var inits []*ir.Value
	var names []string
	for _, sym := range s.Carried {
		inits = append(inits, l.vals[sym])
		names = append(names, sym.Name)
	}
	l.at(s.Span)
	op := l.b.For(s.Var.Name, []*ir.Expr{s.LoAff}, []*ir.Expr{s.HiAff}, s.StepVal, inits, names)
	// The checker's affine expressions name the symbol's IV; make it the loop's.
	iv := s.Var.Sym.IV
	*iv = *op.Loop.IV
	op.Loop.IV = iv
	for i, sym := range s.Carried {
		l.vals[sym] = op.Loop.IterArgs[i]
	}
	outer := l.b.Block
	l.b.Block = op.Loop.Body
	l.block(s.Body)
	var next []*ir.Value
	for _, sym := range s.Carried {
		next = append(next, l.vals[sym])
	}
	l.at(diag.Span{Pos: diag.Pos{File: s.Span.File, Off: s.Span.End - 1}})
	l.b.Yield(next)
	l.b.Block = outer
	for i, sym := range s.Carried {
		l.vals[sym] = op.Results[i]
	}
}

func (l *lowerer) assign(s *AssignStmt) {
	v := l.expr(s.Value)
	switch t := s.Target.(type) {
	case *Ident:
		if v.Name == "" && v.Def != nil && v.Def.Code != ir.OpFor {
			v.Name = t.Name
		}
		l.vals[t.Sym] = v
	case *IndexExpr:
		l.at(s.Span)
		l.b.Store(v, l.bufs[t.Buf.Sym.Param], l.subscripts(t))
	}
}

func (l *lowerer) subscripts(ix *IndexExpr) []ir.Subscript {
	idx := make([]ir.Subscript, len(ix.Index))
	for d, e := range ix.Index {
		if a := ix.Affine[d]; a != nil {
			idx[d].Affine = a
		} else {
			idx[d].Dyn = l.expr(e)
		}
	}
	return idx
}

func (l *lowerer) expr(e Expr) *ir.Value {
	t := e.typeOf()
	if t.Const.Kind != constNone {
		l.at(e.exprSpan())
		return l.constant(t)
	}
	switch e := e.(type) {
	case *Ident:
		if e.Sym.Kind == SymLoopVar {
			return e.Sym.IV
		}
		return l.vals[e.Sym]
	case *IndexExpr:
		idx := l.subscripts(e)
		l.at(e.Span)
		return l.b.Load(l.bufs[e.Buf.Sym.Param], idx)
	case *UnaryExpr:
		return l.unary(e)
	case *BinaryExpr:
		return l.binary(e)
	case *CastExpr:
		x := l.expr(e.X)
		if x.Type == e.T {
			return x
		}
		l.at(e.Span)
		return l.b.Cast(x, e.T)
	case *CallExpr:
		return l.call(e)
	}
	panic(fmt.Sprintf("frontend: cannot lower %T", e))
}

func (l *lowerer) constant(t *exprType) *ir.Value {
	typ := t.T
	if typ == ir.Invalid {
		typ = defaultType(t.Const)
	}
	if typ.IsFloat() {
		return l.b.ConstFloat(typ, t.Const.asFloat())
	}
	return l.b.ConstInt(typ, t.Const.Int)
}

func (l *lowerer) unary(e *UnaryExpr) *ir.Value {
	x := l.expr(e.X)
	l.at(e.Span)
	switch e.Op {
	case "-":
		return l.b.Neg(x)
	case "~":
		return l.b.Bin(ir.OpXor, x, l.b.ConstInt(x.Type, -1))
	}
	return l.b.Bin(ir.OpXor, x, l.b.ConstInt(x.Type, 1)) // "!" on i1
}

var binOps = map[string]ir.Opcode{
	"+": ir.OpAdd, "-": ir.OpSub, "*": ir.OpMul, "/": ir.OpDiv, "%": ir.OpRem,
	"<<": ir.OpShl, ">>": ir.OpShrS, ">>>": ir.OpShrU, "&": ir.OpAnd, "|": ir.OpOr, "^": ir.OpXor,
}

var cmpPreds = map[string]ir.Pred{
	"==": ir.PredEq, "!=": ir.PredNe, "<": ir.PredLt, "<=": ir.PredLe, ">": ir.PredGt, ">=": ir.PredGe,
}

func (l *lowerer) binary(e *BinaryExpr) *ir.Value {
	x, y := l.expr(e.X), l.expr(e.Y)
	l.at(e.OpSpan)
	if p, ok := cmpPreds[e.Op]; ok {
		return l.b.Cmp(p, x, y)
	}
	return l.b.Bin(binOps[e.Op], x, y)
}

func (l *lowerer) call(e *CallExpr) *ir.Value {
	var args []*ir.Value
	for _, a := range e.Args {
		args = append(args, l.expr(a))
	}
	l.at(e.Span)
	switch e.Name {
	case "min":
		return l.b.Bin(ir.OpMin, args[0], args[1])
	case "max":
		return l.b.Bin(ir.OpMax, args[0], args[1])
	}
	return l.b.Select(args[0], args[1], args[2])
}
