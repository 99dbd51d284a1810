package ir

import (
	"math"

	"github.com/q35c/q35c/internal/diag"
)

// Builder appends ops to a block of a function. Each method creates one op,
// appends it at the insertion point and returns it (or its result).
type Builder struct {
	Func  *Func
	Block *Block
	Pos   diag.Pos // position given to new ops
}

// NewBuilder returns a builder appending to f's body.
func NewBuilder(f *Func) *Builder {
	if f.Body == nil {
		f.Body = &Block{}
	}
	return &Builder{Func: f, Block: f.Body}
}

// Append adds op at the insertion point, setting its position and each
// result's defining op.
func (b *Builder) Append(op *Op) *Op {
	if !op.Pos.IsKnown() {
		op.Pos = b.Pos
	}
	for _, r := range op.Results {
		r.Def = op
	}
	b.Block.Ops = append(b.Block.Ops, op)
	return op
}

func (b *Builder) result(t Type, name string) []*Value {
	return []*Value{b.Func.NewValue(t, name)}
}

// ConstInt appends an integer (or index) constant.
func (b *Builder) ConstInt(t Type, v int64) *Value {
	return b.Append(&Op{Code: OpConst, Bits: uint64(v), Results: b.result(t, "")}).Result()
}

// ConstFloat appends a float constant, rounded to t.
func (b *Builder) ConstFloat(t Type, v float64) *Value {
	bits := uint64(math.Float32bits(float32(v)))
	if t == F16 {
		bits = uint64(f64ToF16(v))
	}
	return b.Append(&Op{Code: OpConst, Bits: bits, Results: b.result(t, "")}).Result()
}

// Bin appends a binary arithmetic op.
func (b *Builder) Bin(code Opcode, x, y *Value) *Value {
	return b.Append(&Op{Code: code, Args: []*Value{x, y}, Results: b.result(x.Type, "")}).Result()
}

// Neg appends a negation.
func (b *Builder) Neg(x *Value) *Value {
	return b.Append(&Op{Code: OpNeg, Args: []*Value{x}, Results: b.result(x.Type, "")}).Result()
}

// Cmp appends a comparison producing i1.
func (b *Builder) Cmp(p Pred, x, y *Value) *Value {
	return b.Append(&Op{Code: OpCmp, Pred: p, Args: []*Value{x, y}, Results: b.result(I1, "")}).Result()
}

// Select appends c ? x : y.
func (b *Builder) Select(c, x, y *Value) *Value {
	return b.Append(&Op{Code: OpSelect, Args: []*Value{c, x, y}, Results: b.result(x.Type, "")}).Result()
}

// Cast appends a conversion of x to t.
func (b *Builder) Cast(x *Value, t Type) *Value {
	return b.Append(&Op{Code: OpCast, Args: []*Value{x}, Results: b.result(t, "")}).Result()
}

// Load appends a load of buf at idx.
func (b *Builder) Load(buf *Buffer, idx []Subscript) *Value {
	return b.Append(&Op{Code: OpLoad, Buf: buf, Index: idx, Results: b.result(buf.Elem, "")}).Result()
}

// LoadByte appends a raw load of the storage byte (i8) holding element
// idx of packed buffer buf.
func (b *Builder) LoadByte(buf *Buffer, idx []Subscript) *Value {
	return b.Append(&Op{Code: OpLoad, Buf: buf, Index: idx, Raw: true, Results: b.result(I8, "")}).Result()
}

// Store appends a store of v into buf at idx.
func (b *Builder) Store(v *Value, buf *Buffer, idx []Subscript) *Op {
	return b.Append(&Op{Code: OpStore, Buf: buf, Index: idx, Args: []*Value{v}})
}

// For appends a loop with the given bounds and initial iteration values and
// returns it; fill its body with a builder on op.Loop.Body and end the body
// with Yield. The iteration arguments take the types of inits and the
// names in names (which may be nil).
func (b *Builder) For(iv string, lower, upper []*Expr, step int64, inits []*Value, names []string) *Op {
	l := &Loop{IV: b.Func.NewValue(Index, iv), Lower: lower, Upper: upper, Step: step, Body: &Block{}}
	op := &Op{Code: OpFor, Args: inits, Loop: l}
	for i, v := range inits {
		name := ""
		if i < len(names) {
			name = names[i]
		}
		l.IterArgs = append(l.IterArgs, b.Func.NewValue(v.Type, name))
		op.Results = append(op.Results, b.Func.NewValue(v.Type, name))
	}
	l.IV.Def = op
	for _, a := range l.IterArgs {
		a.Def = op
	}
	return b.Append(op)
}

// Yield appends the terminator of a loop body.
func (b *Builder) Yield(vals []*Value) *Op {
	return b.Append(&Op{Code: OpYield, Args: vals})
}

// AffineIndex wraps affine expressions as subscripts.
func AffineIndex(es ...*Expr) []Subscript {
	idx := make([]Subscript, len(es))
	for i, e := range es {
		idx[i] = Subscript{Affine: e}
	}
	return idx
}
