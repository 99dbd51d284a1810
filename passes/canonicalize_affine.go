package passes

import (
	"math/bits"

	"github.com/q35c/q35c/ir"
)

// affineSubscripts turns dynamic subscripts of op whose value is an affine
// function of induction variables into affine subscripts, when the range
// of that function is provably inside the buffer (so the access was in
// bounds before and stays so, and the verifier's check of constant
// subscripts holds).
func (c *canon) affineSubscripts(op *ir.Op) {
	for i, s := range op.Index {
		if s.Dyn == nil {
			continue
		}
		e, ok := c.affineOf(s.Dyn, 0)
		if s.Dyn.Type == ir.I1 { // a boolean indexes as 0 or 1
			var k int64
			k, ok = constOf(s.Dyn)
			e = ir.Const(k & 1)
		}
		if !ok {
			continue
		}
		if r, ok := c.rs.of(e); ok && r.lo >= 0 && r.hi < op.Buf.Shape[i] {
			op.Index[i] = ir.Subscript{Affine: e}
			c.changed = true
		}
	}
}

// maxAffineDepth bounds how far affineOf follows operands.
const maxAffineDepth = 32

// affineOf returns an affine expression whose value always equals v's
// (sign-extended) value, or false. Index arithmetic wraps at 64 bits as
// affine expressions do; narrower integer arithmetic matches only when the
// result provably fits its type, which is checked.
func (c *canon) affineOf(v *ir.Value, depth int) (*ir.Expr, bool) {
	op := v.Def
	if op == nil || depth > maxAffineDepth || !v.Type.IsIntLike() || v.Type == ir.I1 {
		return nil, false
	}
	var e *ir.Expr
	var ok bool
	switch {
	case op.Code == ir.OpFor:
		return ir.Dim(v), op.Loop.IV == v
	case op.Code == ir.OpConst:
		k, _ := constOf(v)
		return ir.Const(k), true
	case op.Code == ir.OpCast:
		if from := op.Args[0].Type; from == ir.I1 || !from.IsIntLike() {
			return nil, false
		}
		e, ok = c.affineOf(op.Args[0], depth+1)
	case op.Code.IsBinary():
		e, ok = c.affineBinary(op, depth)
	}
	if !ok || !c.fits(e, v.Type) {
		return nil, false
	}
	return e, true
}

// fits reports whether e's values fit in t (always true for index, whose
// arithmetic wraps like the affine expression's).
func (c *canon) fits(e *ir.Expr, t ir.Type) bool {
	if t == ir.Index {
		return true
	}
	r, ok := c.rs.of(e)
	return ok && r.lo >= t.MinInt() && r.hi <= t.MaxInt()
}

// affineBinary handles +, -, * by a constant, << and >> by a constant
// (multiplication and floor division by a power of two), & with 2^k-1
// (mod 2^k), and / and % by a positive constant of a non-negative value.
func (c *canon) affineBinary(op *ir.Op, depth int) (*ir.Expr, bool) {
	a, okA := c.affineOf(op.Args[0], depth+1)
	b, okB := c.affineOf(op.Args[1], depth+1)
	if !okA || !okB {
		return nil, false
	}
	kb, bConst := b.IsConst()
	smallShift := bConst && kb >= 0 && kb < 62 && kb < int64(op.Args[0].Type.Bits)
	switch op.Code {
	case ir.OpAdd:
		return ir.Add(a, b), true
	case ir.OpSub:
		return ir.Add(a, ir.Mul(b, -1)), true
	case ir.OpMul:
		if ka, ok := a.IsConst(); ok {
			return ir.Mul(b, ka), true
		}
		if bConst {
			return ir.Mul(a, kb), true
		}
	case ir.OpShl:
		if smallShift {
			return ir.Mul(a, 1<<kb), true
		}
	case ir.OpShrS:
		if smallShift {
			return ir.FloorDiv(a, 1<<kb), true
		}
	case ir.OpAnd:
		if bConst && kb >= 0 && kb < 1<<62 && bits.OnesCount64(uint64(kb+1)) == 1 {
			return ir.Mod(a, kb+1), true
		}
	case ir.OpDiv, ir.OpRem:
		if !bConst || kb <= 0 {
			return nil, false
		}
		if r, ok := c.rs.of(a); !ok || r.lo < 0 {
			return nil, false
		}
		if op.Code == ir.OpDiv {
			return ir.FloorDiv(a, kb), true
		}
		return ir.Mod(a, kb), true
	}
	return nil, false
}
