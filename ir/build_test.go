package ir

import (
	"strings"

	"github.com/q35c/q35c/internal/diag"
)

// Helpers shared by the tests of the verifier and the interpreter.

// testSrc is a fake source file of 40 lines of 40 columns, so that
// pos(line, col) renders as k.q35:line:col.
var testSrc = diag.NewFile("k.q35", []byte(strings.Repeat(strings.Repeat("x", 40)+"\n", 40)))

func pos(line, col int) diag.Pos { return diag.Pos{File: testSrc, Off: (line-1)*41 + col - 1} }

// kernel builds a test function @k.
type kernel struct {
	*Builder
	f *Func
}

func newKernel(params ...*Buffer) *kernel {
	f := &Func{Name: "k", Params: params}
	return &kernel{Builder: NewBuilder(f), f: f}
}

func param(name string, kind ParamKind, elem Type, shape ...int64) *Buffer {
	return &Buffer{Name: name, Kind: kind, Elem: elem, Shape: shape}
}

// at sets the position of the ops appended next.
func (k *kernel) at(line, col int) *kernel {
	k.Pos = pos(line, col)
	return k
}

// loop appends a loop with the given bounds; body fills it and returns
// the values to yield.
func (k *kernel) loop(iv string, lower, upper []*Expr, step int64, inits []*Value, body func(iv *Value, its []*Value) []*Value) *Op {
	op := k.For(iv, lower, upper, step, inits, nil)
	outer := k.Block
	k.Block = op.Loop.Body
	k.Yield(body(op.Loop.IV, op.Loop.IterArgs))
	k.Block = outer
	return op
}

// rng appends a loop over [lo, hi) by 1 without iteration arguments.
func (k *kernel) rng(iv string, lo, hi int64, body func(iv *Value)) *Op {
	return k.loop(iv, []*Expr{Const(lo)}, []*Expr{Const(hi)}, 1, nil, func(iv *Value, _ []*Value) []*Value {
		body(iv)
		return nil
	})
}

func (k *kernel) i(t Type, v int64) *Value { return k.ConstInt(t, v) }

// d is shorthand for affine subscripts of induction variables and constants.
func d(xs ...any) []Subscript {
	idx := make([]Subscript, len(xs))
	for i, x := range xs {
		switch x := x.(type) {
		case *Value:
			idx[i] = Subscript{Affine: Dim(x)}
		case *Expr:
			idx[i] = Subscript{Affine: x}
		case int:
			idx[i] = Subscript{Affine: Const(int64(x))}
		}
	}
	return idx
}

// matmulF32 builds c[i, j] = sum over p of a[i, p] * b[p, j] in f32,
// accumulating in p order from 0.
func matmulF32(m, n, kk int64) *Func {
	a := param("a", In, F32, m, kk)
	b := param("b", In, F32, kk, n)
	c := param("c", Out, F32, m, n)
	k := newKernel(a, b, c)
	zero := k.ConstFloat(F32, 0)
	k.rng("i", 0, m, func(i *Value) {
		k.rng("j", 0, n, func(j *Value) {
			sum := k.loop("p", []*Expr{Const(0)}, []*Expr{Const(kk)}, 1, []*Value{zero}, func(p *Value, acc []*Value) []*Value {
				x := k.Load(a, d(i, p))
				y := k.Load(b, d(p, j))
				return []*Value{k.Bin(OpAdd, acc[0], k.Bin(OpMul, x, y))}
			})
			k.Store(sum.Results[0], c, d(i, j))
		})
	})
	return k.f
}
