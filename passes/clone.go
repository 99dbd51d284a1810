package passes

import "github.com/q35c/q35c/ir"

// cloner deep-copies ops into a function, giving every value the copy
// defines a fresh ID and remapping uses (operands, dynamic subscripts and
// induction variables in affine expressions) through vals.
type cloner struct {
	f    *ir.Func
	vals map[*ir.Value]*ir.Value
	ivs  map[*ir.Value]*ir.Expr
}

func newCloner(f *ir.Func) *cloner {
	return &cloner{f: f, vals: map[*ir.Value]*ir.Value{}, ivs: map[*ir.Value]*ir.Expr{}}
}

// value returns the copy of v, or v when it is defined outside what is
// being cloned.
func (c *cloner) value(v *ir.Value) *ir.Value {
	if r, ok := c.vals[v]; ok {
		return r
	}
	return v
}

// fresh defines the copy of v.
func (c *cloner) fresh(v *ir.Value, def *ir.Op) *ir.Value {
	r := c.f.NewValue(v.Type, v.Name)
	r.Def = def
	c.vals[v] = r
	return r
}

func (c *cloner) exprs(es []*ir.Expr) []*ir.Expr {
	out := make([]*ir.Expr, len(es))
	for i, e := range es {
		out[i] = substitute(e, c.ivs)
	}
	return out
}

// block copies the ops of b.
func (c *cloner) block(b *ir.Block) *ir.Block {
	out := &ir.Block{Ops: make([]*ir.Op, 0, len(b.Ops))}
	for _, op := range b.Ops {
		out.Ops = append(out.Ops, c.op(op))
	}
	return out
}

// op copies one op (and, for a loop, its body).
func (c *cloner) op(op *ir.Op) *ir.Op {
	n := *op
	n.Args = make([]*ir.Value, len(op.Args))
	for i, a := range op.Args {
		n.Args[i] = c.value(a)
	}
	if op.Index != nil {
		n.Index = make([]ir.Subscript, len(op.Index))
		for i, s := range op.Index {
			if s.Dyn != nil {
				n.Index[i].Dyn = c.value(s.Dyn)
			} else {
				n.Index[i].Affine = substitute(s.Affine, c.ivs)
			}
		}
	}
	if op.Loop != nil {
		l := *op.Loop
		l.Lower, l.Upper = c.exprs(op.Loop.Lower), c.exprs(op.Loop.Upper)
		l.IV = c.fresh(op.Loop.IV, &n)
		c.ivs[op.Loop.IV] = ir.Dim(l.IV)
		l.IterArgs = make([]*ir.Value, len(op.Loop.IterArgs))
		for i, a := range op.Loop.IterArgs {
			l.IterArgs[i] = c.fresh(a, &n)
		}
		l.Body = c.block(op.Loop.Body)
		n.Loop = &l
	}
	n.Results = make([]*ir.Value, len(op.Results))
	for i, r := range op.Results {
		n.Results[i] = c.fresh(r, &n)
	}
	return &n
}

// replaceUses makes every use of from in b (operands and dynamic
// subscripts, in nested loops too) a use of to.
func replaceUses(b *ir.Block, from, to *ir.Value) {
	b.Walk(func(op *ir.Op) {
		for i, a := range op.Args {
			if a == from {
				op.Args[i] = to
			}
		}
		for i, s := range op.Index {
			if s.Dyn == from {
				op.Index[i].Dyn = to
			}
		}
	})
}
