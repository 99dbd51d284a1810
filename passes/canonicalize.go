package passes

import (
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The canonicalize pass cleans a kernel up without changing a single bit
// of what it computes. One forward walk over the kernel
//   - folds arithmetic, comparisons, selects and casts of constants with
//     the interpreter's exact rules (integers wrap at their width; f32 and
//     f16 round as the interpreter does), and integer identities (x+0,
//     x*1, x&-1, ...); it leaves alone what would fault at run time
//     (division by zero, shifts out of range, fptosi out of range) and
//     float results that are NaN (whose bits differ between machines);
//   - replaces a constant by an equal one (same type and bits) defined
//     earlier in the same or an enclosing block;
//   - rewrites a dynamic subscript whose value is in fact an affine
//     function of induction variables (index arithmetic on IVs) into that
//     affine subscript, when its range is provably within the buffer;
//   - drops redundant loop bounds (a constant or expression another bound
//     always dominates);
//   - removes loops that never run, using their initial values as their
//     results, and replaces loops that run exactly once by their body with
//     the induction variable replaced by its value.
// Then dead pure ops (everything but stores, and loops containing stores)
// are removed. Walk and sweep repeat until nothing changes.

// maxRounds bounds the walk-and-sweep rounds; each round that changes
// something shrinks the kernel, so a handful always suffices.
const maxRounds = 16

func canonicalize(f *ir.Func, _ Options, _ *diag.List) error {
	for range maxRounds {
		c := &canon{f: f, repl: map[*ir.Value]*ir.Value{}, ivSub: map[*ir.Value]*ir.Expr{}, rs: ranges{}}
		f.Body.Ops = c.block(f.Body.Ops)
		if !removeDead(f) && !c.changed {
			return nil
		}
	}
	return nil
}

// canon is the state of one forward walk.
type canon struct {
	f       *ir.Func
	repl    map[*ir.Value]*ir.Value // values replaced by others
	ivSub   map[*ir.Value]*ir.Expr  // IVs of removed one-trip loops
	scopes  []map[constKey]*ir.Value
	rs      ranges // ranges of the enclosing IVs
	changed bool
}

type constKey struct {
	t    ir.Type
	bits uint64
}

// get returns what v is replaced by.
func (c *canon) get(v *ir.Value) *ir.Value {
	for {
		r, ok := c.repl[v]
		if !ok {
			return v
		}
		v = r
	}
}

func (c *canon) replace(v, by *ir.Value) {
	c.repl[v] = by
	c.changed = true
}

// block returns the canonical ops of a block, in a new constant scope.
func (c *canon) block(ops []*ir.Op) []*ir.Op {
	c.scopes = append(c.scopes, map[constKey]*ir.Value{})
	out := c.ops(nil, ops)
	c.scopes = c.scopes[:len(c.scopes)-1]
	return out
}

// ops appends the canonical form of ops to out.
func (c *canon) ops(out []*ir.Op, ops []*ir.Op) []*ir.Op {
	for _, op := range ops {
		c.rewrite(op)
		if op.Code == ir.OpFor {
			out = c.loop(out, op)
		} else if c.simplify(op) {
			out = append(out, op)
		}
	}
	return out
}

// rewrite applies the replacements so far to op's operands, dynamic
// subscripts, affine subscripts and loop bounds.
func (c *canon) rewrite(op *ir.Op) {
	for i, a := range op.Args {
		op.Args[i] = c.get(a)
	}
	if len(op.Index) > 0 {
		idx := make([]ir.Subscript, len(op.Index))
		for i, s := range op.Index {
			if s.Dyn != nil {
				idx[i].Dyn = c.get(s.Dyn)
			} else {
				idx[i].Affine = substitute(s.Affine, c.ivSub)
			}
		}
		op.Index = idx
	}
	if op.Code == ir.OpFor {
		op.Loop.Lower = c.substAll(op.Loop.Lower)
		op.Loop.Upper = c.substAll(op.Loop.Upper)
	}
}

func (c *canon) substAll(es []*ir.Expr) []*ir.Expr {
	out := make([]*ir.Expr, len(es))
	for i, e := range es {
		out[i] = substitute(e, c.ivSub)
	}
	return out
}

// simplify folds or deduplicates op and reports whether to keep it.
func (c *canon) simplify(op *ir.Op) bool {
	switch {
	case op.Code == ir.OpConst:
		return c.dedupe(op)
	case op.Code == ir.OpLoad || op.Code == ir.OpStore:
		c.affineSubscripts(op)
		return true
	case op.Code == ir.OpYield:
		return true
	}
	if v := fold(op); v != nil {
		c.replace(op.Result(), v)
		return false
	}
	if op.Code == ir.OpConst { // fold turned it into a constant
		c.changed = true
		return c.dedupe(op)
	}
	return true
}

// dedupe replaces a constant by an equal visible one, or records it.
func (c *canon) dedupe(op *ir.Op) bool {
	k := constKey{op.Result().Type, op.Bits}
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if v, ok := c.scopes[i][k]; ok {
			c.replace(op.Result(), v)
			return false
		}
	}
	c.scopes[len(c.scopes)-1][k] = op.Result()
	return true
}
