package ir

import (
	"fmt"
	"strings"
	"testing"
)

// validFuncs are well-formed functions that Verify must accept.
var validFuncs = []struct {
	name  string
	build func() *Func
}{
	{"empty", func() *Func { return newKernel().f }},
	{"matmul", func() *Func { return matmulF32(4, 5, 6) }},
	{"every scalar op", func() *Func {
		k, _, o := in1()
		x, y := k.i(I32, 7), k.i(I32, 2)
		for c := OpAdd; c <= OpMax; c++ {
			x = k.Bin(c, x, y)
		}
		cond := k.Cmp(PredGe, x, y)
		v := k.Select(cond, k.Neg(x), y)
		f := k.Cast(k.Cast(v, F16), F32)
		k.Store(k.Cast(k.Cast(k.Cast(f, I64), Index), I32), o, d(0))
		return k.f
	}},
	{"gather and tiled loops", func() *Func {
		ix, a := param("ix", In, I16, 4), param("a", In, I4, 10, 3)
		o := param("o", Out, I8, 4, 3)
		k := newKernel(ix, a, o)
		tile := k.loop("t", []*Expr{Const(0)}, []*Expr{Const(4)}, 2, nil, func(t *Value, _ []*Value) []*Value {
			bounds := []*Expr{Add(Dim(t), Const(2)), Const(4)}
			k.loop("r", []*Expr{Dim(t), Const(1)}, bounds, 1, nil, func(r *Value, _ []*Value) []*Value {
				row := k.Load(ix, d(r))
				k.rng("c", 0, 3, func(c *Value) {
					q := k.Load(a, []Subscript{{Dyn: row}, {Affine: Mod(Add(Dim(c), Dim(t)), 3)}})
					k.Store(k.Cast(q, I8), o, d(r, c))
				})
				return nil
			})
			return nil
		})
		_ = tile
		return k.f
	}},
	{"nested iteration arguments", func() *Func {
		k, _, o := in1()
		outer := k.loop("i", []*Expr{Const(0)}, []*Expr{Const(3)}, 1, []*Value{k.i(I32, 0), k.i(I32, 1)}, func(i *Value, its []*Value) []*Value {
			inner := k.loop("j", []*Expr{Dim(i)}, []*Expr{Const(3)}, 1, []*Value{its[1]}, func(_ *Value, in []*Value) []*Value {
				return []*Value{k.Bin(OpAdd, in[0], its[0])}
			})
			return []*Value{its[1], inner.Results[0]}
		})
		k.Store(outer.Results[1], o, d(0))
		return k.f
	}},
}

func TestVerifyAccepts(t *testing.T) {
	for _, tc := range validFuncs {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.build()
			if err := VerifyFunc(f); err != nil {
				t.Fatalf("VerifyFunc: %v\n%s", err, funcText(f))
			}
		})
	}
}

func funcText(f *Func) string {
	var b strings.Builder
	PrintFunc(&b, f)
	return b.String()
}

func TestVerifyModule(t *testing.T) {
	f1, f2 := newKernel().f, newKernel().f
	m := &Module{Name: "m.q35", Funcs: []*Func{f1, f2, nil}}
	err := Verify(m)
	want := "ir: func @k: defined twice in module \"m.q35\"\nir: module \"m.q35\": func 2 is nil"
	if err == nil || err.Error() != want {
		t.Errorf("Verify = %v, want %q", err, want)
	}
	if err := Verify(&Module{Funcs: []*Func{matmulF32(2, 2, 2)}}); err != nil {
		t.Errorf("Verify(matmul) = %v", err)
	}
}

func TestVerifyCapsProblems(t *testing.T) {
	k, _, _ := in1()
	for range 25 {
		k.i(I8, 1000)
	}
	err := VerifyFunc(k.f)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 21 || lines[20] != "ir: too many problems (5 more not shown)" {
		t.Errorf("got %d lines, last %q; want 20 problems and a summary", len(lines), lines[len(lines)-1])
	}
}

func TestCastOK(t *testing.T) {
	types := []Type{I1, I3, I4, I8, I16, I32, I64, F16, F32, Index}
	var got strings.Builder
	for _, from := range types {
		for _, to := range types {
			if !CastOK(from, to) {
				fmt.Fprintf(&got, "%s->%s ", from, to)
			}
		}
	}
	want := "f16->index f32->index index->f16 index->f32 "
	if got.String() != want {
		t.Errorf("illegal casts: %q, want %q", got.String(), want)
	}
}
