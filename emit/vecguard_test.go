package emit

import (
	"testing"

	"github.com/q35c/q35c/ir"
)

// TestVectorSafe checks which loops may be left to the super-vectorizer.
func TestVectorSafe(t *testing.T) {
	A, O := buf("A", ir.In, ir.F32, 4, 64), buf("O", ir.Out, ir.F32, 4, 64)
	type body func(b kb, j *ir.Value, outer *ir.Value)
	tests := []struct {
		name         string
		lo, hi, step int64
		body         body
		want         bool
	}{
		{"elementwise", 0, 64, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, at(i, j)), O, at(i, j))
		}, true},
		{"invariant load", 8, 24, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, ir.AffineIndex(ir.Const(0), ir.Dim(i))), O, ir.AffineIndex(ir.Dim(i), ir.Add(ir.Dim(j), ir.Const(3))))
		}, true},
		{"trip count 12", 0, 12, 1, func(b kb, j, i *ir.Value) { b.Store(b.Load(A, at(i, j)), O, at(i, j)) }, false},
		{"step 2", 0, 32, 2, func(b kb, j, i *ir.Value) { b.Store(b.Load(A, at(i, j)), O, at(i, j)) }, false},
		{"strided store", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, at(i, j)), O, ir.AffineIndex(ir.Dim(i), ir.Mul(ir.Dim(j), 2)))
		}, false},
		{"strided load", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, ir.AffineIndex(ir.Dim(i), ir.Mul(ir.Dim(j), 2))), O, at(i, j))
		}, false},
		{"varying outer subscript", 0, 8, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, at(i, j)), O, ir.AffineIndex(ir.Dim(j), ir.Dim(i)))
		}, false},
		{"invariant store", 0, 16, 1, func(b kb, j, i *ir.Value) { b.Store(b.Load(A, at(i, j)), O, at(i, i)) }, false},
		{"iv as value", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Cast(b.Cast(j, ir.I32), ir.F32), O, at(i, j))
		}, false},
		{"floordiv", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, ir.AffineIndex(ir.Dim(i), ir.FloorDiv(ir.Dim(j), 2))), O, at(i, j))
		}, false},
		{"dynamic subscript", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.Store(b.Load(A, []ir.Subscript{{Dyn: b.ConstInt(ir.I32, 1)}, {Affine: ir.Dim(j)}}), O, at(i, j))
		}, false},
		{"inner bound uses iv", 0, 16, 1, func(b kb, j, i *ir.Value) {
			b.forRange("k", []*ir.Expr{ir.Dim(j)}, []*ir.Expr{ir.Const(64)}, 1, nil, nil, func(b kb, k *ir.Value, _ []*ir.Value) []*ir.Value {
				b.Store(b.Load(A, at(i, k)), O, at(i, j))
				return nil
			})
		}, false},
	}
	for _, tt := range tests {
		f, b := newKernel("k", A, O)
		var loop *ir.Op
		b.for0("i", 4, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
			loop = b.forRange("j", []*ir.Expr{ir.Const(tt.lo)}, []*ir.Expr{ir.Const(tt.hi)}, tt.step, nil, nil,
				func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
					tt.body(b, j, i)
					return nil
				})
			return nil
		})
		_ = f
		if got := vectorSafe(loop, 8); got != tt.want {
			t.Errorf("%s: vectorSafe = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestVectorSafeIterArgs checks that reduction loops need no guard (the
// vectorizer leaves them alone), so the loops around them stay eligible.
func TestVectorSafeIterArgs(t *testing.T) {
	f := matmul()
	var loops []*ir.Op
	f.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpFor {
			loops = append(loops, op)
		}
	})
	for i, want := range []bool{false, true, true} { // i: trip count 4; j: safe; k: iter_args
		if got := vectorSafe(loops[i], 8); got != want {
			t.Errorf("matmul loop %s: vectorSafe = %v, want %v", loops[i].Loop.IV.Name, got, want)
		}
	}
}
