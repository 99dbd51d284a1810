package ir

import (
	"math"
	"testing"
)

// TestExecRuntimeErrors checks that faults stop execution with an error
// naming the kernel and the op's position.
func TestExecRuntimeErrors(t *testing.T) {
	// %ix holds 3, 9, -1, 2; %a is in f32[8]; %o is out i32[8].
	tests := []struct {
		name  string
		build func(k *kernel, ix, a, o *Buffer)
		want  string
	}{
		{"division by zero in a loop", func(k *kernel, ix, a, o *Buffer) {
			k.rng("i", 0, 4, func(i *Value) {
				x := k.Load(ix, d(i))
				k.at(7, 3).Store(k.Bin(OpDiv, k.i(I32, 100), k.Bin(OpSub, x, k.i(I32, 2))), o, d(i))
			})
		}, "ir: func @k: op div at k.q35:7:3: integer division by zero"},
		{"remainder overflow", func(k *kernel, ix, a, o *Buffer) {
			k.at(2, 9).Bin(OpRem, k.i(I32, math.MinInt32), k.i(I32, -1))
		}, "ir: func @k: op rem at k.q35:2:9: signed division overflow: -2147483648 / -1 in i32"},
		{"shift by a negative amount", func(k *kernel, ix, a, o *Buffer) {
			n := k.Load(ix, d(2))
			k.at(5, 1).Bin(OpShl, n, n)
		}, "ir: func @k: op shl at k.q35:5:1: shift amount -1 out of range [0, 32) for i32"},
		{"gather out of bounds", func(k *kernel, ix, a, o *Buffer) {
			k.rng("i", 0, 4, func(i *Value) {
				k.at(4, 12).Load(a, []Subscript{{Dyn: k.Load(ix, d(i))}})
			})
		}, "ir: func @k: op load at k.q35:4:12: subscript 0 = 9 is out of bounds [0, 8) of %a"},
		{"negative gather", func(k *kernel, ix, a, o *Buffer) {
			k.at(4, 12).Load(a, []Subscript{{Dyn: k.Load(ix, d(2))}})
		}, "ir: func @k: op load at k.q35:4:12: subscript 0 = -1 is out of bounds [0, 8) of %a"},
		{"affine subscript past the end", func(k *kernel, ix, a, o *Buffer) {
			k.rng("i", 0, 8, func(i *Value) {
				k.at(9, 9).Store(k.i(I32, 1), o, d(Add(Dim(i), Const(1))))
			})
		}, "ir: func @k: op store at k.q35:9:9: subscript 0 = 8 is out of bounds [0, 8) of %o"},
		{"fptosi of NaN", func(k *kernel, ix, a, o *Buffer) {
			z := k.ConstFloat(F32, 0)
			k.at(3, 3).Cast(k.Bin(OpDiv, z, z), I32)
		}, "ir: func @k: op cast at k.q35:3:3: fptosi of NaN is out of the range of i32"},
		{"fptosi out of range", func(k *kernel, ix, a, o *Buffer) {
			k.at(3, 4).Cast(k.ConstFloat(F16, 300), I8)
		}, "ir: func @k: op cast at k.q35:3:4: fptosi of 300 is out of the range of i8"},
		{"no position", func(k *kernel, ix, a, o *Buffer) {
			k.Bin(OpDiv, k.i(I8, 1), k.i(I8, 0))
		}, "ir: func @k: op div: integer division by zero"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix, a, o := param("ix", In, I32, 4), param("a", In, F32, 8), param("o", Out, I32, 8)
			k := newKernel(ix, a, o)
			tc.build(k, ix, a, o)
			mem := NewMemory(k.f)
			mem[0] = i32Bytes(3, 9, -1, 2)
			err := Exec(k.f, mem)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Exec = %v\nwant %s", err, tc.want)
			}
		})
	}
}
