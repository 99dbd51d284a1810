package passes

import (
	"math"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var canonicalizeCases = []passCase{
	{"canonicalize/fold_int", "canonicalize", foldInt},
	{"canonicalize/fold_float", "canonicalize", foldFloat},
	{"canonicalize/identities", "canonicalize", identities},
	{"canonicalize/dedupe_and_dead", "canonicalize", dedupeAndDead},
	{"canonicalize/zero_trip", "canonicalize", zeroTrip},
	{"canonicalize/one_trip", "canonicalize", oneTrip},
	{"canonicalize/affine_subscripts", "canonicalize", affineSubs},
	{"canonicalize/bounds", "canonicalize", redundantBounds},
	{"canonicalize/cpu_on_matmul", "canonicalize,tile{size=4},canonicalize", func() *ir.Func { return matmulF32(1, 9, 4) }},
}

// TestCanonicalize runs the table; canonicalize is idempotent, so running
// it again must not change the text.
func TestCanonicalize(t *testing.T) {
	for _, c := range canonicalizeCases {
		t.Run(c.golden, func(t *testing.T) {
			m := runPassCase(t, c)
			once := m.String()
			p, _ := Parse("canonicalize")
			if err := p.Run(m, nil); err != nil {
				t.Fatal(err)
			}
			if again := m.String(); again != once {
				t.Errorf("canonicalize is not idempotent; second run gave:\n%s", again)
			}
		})
	}
}

// outs stores a list of values into consecutive elements of buffers O<type>.
type outs struct {
	k    *kernel
	bufs map[ir.Type]*ir.Buffer
	next map[ir.Type]int64
}

func newOuts(n int64, types ...ir.Type) (*outs, []*ir.Buffer) {
	o := &outs{bufs: map[ir.Type]*ir.Buffer{}, next: map[ir.Type]int64{}}
	var ps []*ir.Buffer
	for _, t := range types {
		o.bufs[t] = param("O"+t.String(), ir.Out, t, n)
		ps = append(ps, o.bufs[t])
	}
	return o, ps
}

func (o *outs) put(vs ...*ir.Value) {
	for _, v := range vs {
		t := v.Type
		if t == ir.I1 || t == ir.I3 || t == ir.I4 || t == ir.Index {
			v, t = o.k.Cast(v, ir.I64), ir.I64
		}
		o.k.Store(v, o.bufs[t], at(o.next[t]))
		o.next[t]++
	}
}

// foldInt computes integer constant arithmetic at every width, including
// wrap-around, i1's sign (true is -1 as a signed i1) and casts.
func foldInt() *ir.Func {
	o, ps := newOuts(32, ir.I8, ir.I16, ir.I32, ir.I64)
	k := newKernel(ps...)
	o.k = k
	c := func(t ir.Type, v int64) *ir.Value { return k.ConstInt(t, v) }
	b := k.Bin
	i8a, i8b := c(ir.I8, 100), c(ir.I8, -128)
	o.put(b(ir.OpAdd, i8a, i8a), b(ir.OpSub, i8b, c(ir.I8, 1)), b(ir.OpMul, i8a, c(ir.I8, 3)), k.Neg(i8b))
	o.put(b(ir.OpDiv, c(ir.I32, -7), c(ir.I32, 2)), b(ir.OpRem, c(ir.I32, -7), c(ir.I32, 2)))
	o.put(b(ir.OpShl, c(ir.I16, 0x4001), c(ir.I16, 2)), b(ir.OpShrS, c(ir.I8, -16), c(ir.I8, 2)), b(ir.OpShrU, c(ir.I8, -16), c(ir.I8, 2)))
	o.put(b(ir.OpAnd, c(ir.I32, 12), c(ir.I32, 10)), b(ir.OpOr, c(ir.I32, 12), c(ir.I32, 10)), b(ir.OpXor, c(ir.I32, 12), c(ir.I32, 10)))
	o.put(b(ir.OpMin, c(ir.I64, -3), c(ir.I64, 2)), b(ir.OpMax, c(ir.Index, -3), c(ir.Index, 2)))
	t, f := c(ir.I1, 1), c(ir.I1, 0)
	o.put(k.Cmp(ir.PredLt, t, f), b(ir.OpAdd, t, t), k.Select(k.Cmp(ir.PredGe, c(ir.I32, 3), c(ir.I32, 3)), c(ir.I32, 7), c(ir.I32, 8)))
	o.put(k.Cast(c(ir.I32, 300), ir.I8), k.Cast(c(ir.I8, -5), ir.I32), k.Cast(t, ir.I32), k.Cast(k.Cast(c(ir.I32, 13), ir.I4), ir.I32))
	o.put(k.Cast(c(ir.I64, -1), ir.Index), k.Cast(c(ir.Index, 1<<40), ir.I32))
	return k.f
}

// foldFloat computes f32 and f16 constant arithmetic, comparisons with
// NaN, signed zeros and casts; 0/0 (a NaN) stays unfolded.
func foldFloat() *ir.Func {
	o, ps := newOuts(32, ir.F16, ir.F32, ir.I32, ir.I64)
	k := newKernel(ps...)
	o.k = k
	f := func(v float64) *ir.Value { return k.ConstFloat(ir.F32, v) }
	h := func(v float64) *ir.Value { return k.ConstFloat(ir.F16, v) }
	b := k.Bin
	o.put(b(ir.OpAdd, f(0.1), f(0.2)), b(ir.OpDiv, f(1), f(3)), b(ir.OpMul, f(1e30), f(1e30)), b(ir.OpSub, f(1), f(1e-10)))
	o.put(b(ir.OpMin, f(math.Copysign(0, -1)), f(0)), b(ir.OpMax, f(math.Copysign(0, -1)), f(0)), k.Neg(f(0)))
	o.put(b(ir.OpAdd, h(0.1), h(0.2)), b(ir.OpMul, h(300), h(300)), b(ir.OpDiv, h(1), h(3)))
	nan := f(math.NaN())
	o.put(k.Cmp(ir.PredNe, nan, nan), k.Cmp(ir.PredEq, nan, nan), k.Cmp(ir.PredGe, f(2), f(2)), k.Cmp(ir.PredLt, h(-1), h(1)))
	o.put(b(ir.OpDiv, f(0), f(0)))
	o.put(k.Cast(f(1.0/3), ir.F16), k.Cast(h(0.1), ir.F32), k.Cast(k.ConstInt(ir.I32, 16777217), ir.F32), k.Cast(k.ConstInt(ir.I1, 1), ir.F32))
	o.put(k.Cast(f(-2.7), ir.I32), k.Cast(h(-1), ir.I1), k.Cast(f(3e9), ir.I64))
	return k.f
}

// identities uses neutral and absorbing constants on a loaded value.
func identities() *ir.Func {
	a := param("A", ir.In, ir.I32, 1)
	o, ps := newOuts(16, ir.I32, ir.F32)
	k := newKernel(append([]*ir.Buffer{a}, ps...)...)
	o.k = k
	x := k.Load(a, at(0))
	zero, one, ones := k.ConstInt(ir.I32, 0), k.ConstInt(ir.I32, 1), k.ConstInt(ir.I32, -1)
	b := k.Bin
	o.put(b(ir.OpAdd, x, zero), b(ir.OpAdd, zero, x), b(ir.OpSub, x, zero), b(ir.OpMul, one, x), b(ir.OpMul, x, zero))
	o.put(b(ir.OpAnd, x, ones), b(ir.OpAnd, zero, x), b(ir.OpOr, x, zero), b(ir.OpXor, zero, x), b(ir.OpShl, x, zero), b(ir.OpDiv, x, one))
	o.put(k.Select(k.ConstInt(ir.I1, 0), one, x), k.Select(k.Cmp(ir.PredLt, x, one), x, x))
	o.put(k.Cast(k.Cast(k.Cast(x, ir.I8), ir.I32), ir.I32), k.Cast(k.Cast(x, ir.I64), ir.I32))
	f := k.Cast(x, ir.F32)
	o.put(b(ir.OpAdd, f, k.ConstFloat(ir.F32, 0)), b(ir.OpMul, f, k.ConstFloat(ir.F32, 1))) // not identities for floats (-0, NaN)
	return k.f
}

// dedupeAndDead repeats constants in nested blocks and computes values
// nobody uses, including a loop whose only result is unused.
func dedupeAndDead() *ir.Func {
	a, s := param("A", ir.In, ir.I32, 4, 4), param("S", ir.Out, ir.I32, 4)
	k := newKernel(a, s)
	two := k.ConstInt(ir.I32, 2)
	k.Bin(ir.OpMul, k.Load(a, at(0, 0)), two) // dead
	k.rng("i", 0, 4, 1, func(i *ir.Value) {
		two2 := k.ConstInt(ir.I32, 2)
		zero := named(k.ConstInt(ir.I32, 0), "sum")
		unused := k.loop("j", ex(0), ex(4), 1, []*ir.Value{zero}, func(j *ir.Value, acc []*ir.Value) []*ir.Value {
			return []*ir.Value{k.Bin(ir.OpAdd, acc[0], k.Load(a, at(i, j)))}
		})
		_ = unused
		three := k.ConstInt(ir.I32, 3)
		k.rng("j", 0, 1, 1, func(j *ir.Value) {}) // an empty loop
		k.Store(k.Bin(ir.OpAdd, k.Bin(ir.OpMul, k.Load(a, at(i, i)), two2), k.Bin(ir.OpAdd, three, k.ConstInt(ir.I32, 2))), s, at(i))
	})
	return k.f
}

// zeroTrip has loops that never run: constant, affine and range-proved.
func zeroTrip() *ir.Func {
	a, s := param("A", ir.In, ir.I32, 16), param("S", ir.Out, ir.I32, 4)
	k := newKernel(a, s)
	init := named(k.ConstInt(ir.I32, 7), "acc")
	never := k.loop("e", ex(5), ex(5), 1, []*ir.Value{init}, func(e *ir.Value, acc []*ir.Value) []*ir.Value {
		k.Store(acc[0], s, at(0))
		return []*ir.Value{k.Bin(ir.OpAdd, acc[0], k.Load(a, at(e)))}
	})
	k.Store(never.Results[0], s, at(1))
	k.rng("i", 0, 4, 1, func(i *ir.Value) {
		k.loop("j", ex(ir.Add(ir.Dim(i), ir.Const(2))), ex(ir.Add(ir.Dim(i), ir.Const(2))), 1, nil, func(j *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(j)), s, at(i))
			return nil
		})
		k.loop("l", ex(10), ex(ir.Add(ir.Dim(i), ir.Const(5))), 1, nil, func(l *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(l)), s, at(i))
			return nil
		})
		k.Store(k.Load(a, at(i)), s, at(i))
	})
	return k.f
}

// oneTrip has loops that run exactly once: their IV becomes its value in
// subscripts, bounds and (when constant) as an SSA value.
func oneTrip() *ir.Func {
	a, c := param("A", ir.In, ir.I32, 4, 8), param("C", ir.Out, ir.I32, 4, 8)
	k := newKernel(a, c)
	zero := named(k.ConstInt(ir.I32, 0), "acc")
	m := k.loop("m", ex(0), ex(1), 1, []*ir.Value{zero}, func(m *ir.Value, acc []*ir.Value) []*ir.Value {
		mi := k.Cast(m, ir.I32)
		var sum *ir.Value
		k.rng("n", 0, 8, 1, func(n *ir.Value) {
			k.Store(k.Bin(ir.OpAdd, k.Load(a, at(m, n)), mi), c, at(m, n))
		})
		sum = k.Bin(ir.OpAdd, acc[0], mi)
		return []*ir.Value{sum}
	})
	k.Store(m.Results[0], c, at(1, 0))
	k.rng("i", 1, 4, 1, func(i *ir.Value) {
		lo := ir.Mul(ir.Dim(i), 2)
		k.loop("j", ex(lo), ex(ir.Add(lo, ir.Const(1))), 1, nil, func(j *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(i, j)), c, at(i, j))
			return nil
		})
		k.loop("s", ex(lo), ex(ir.Add(lo, ir.Const(1))), 1, nil, func(sv *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Cast(sv, ir.I32), c, at(i, ir.Add(ir.Dim(sv), ir.Const(1))))
			return nil
		})
		k.rng("t", 7, 12, 8, func(tv *ir.Value) { k.Store(k.Load(a, at(i, tv)), c, at(i, tv)) })
	})
	return k.f
}

// affineSubs indexes through index and i32 arithmetic on IVs.
func affineSubs() *ir.Func {
	a, o := param("A", ir.In, ir.I32, 64), param("O", ir.Out, ir.I32, 8, 8)
	k := newKernel(a, o)
	k.rng("i", 0, 8, 1, func(i *ir.Value) {
		c := func(v int64) *ir.Value { return k.ConstInt(ir.Index, v) }
		b := k.Bin
		put := func(col int, idx *ir.Value) { k.Store(k.Load(a, at(dyn{idx})), o, at(i, col)) }
		put(0, b(ir.OpAdd, b(ir.OpMul, i, c(7)), c(1)))
		put(1, b(ir.OpShl, i, c(3)))
		put(2, b(ir.OpShrS, b(ir.OpMul, i, c(9)), c(1)))
		put(3, b(ir.OpAnd, b(ir.OpMul, i, c(5)), c(31)))
		put(4, b(ir.OpDiv, b(ir.OpAdd, i, c(3)), c(2)))
		put(5, b(ir.OpRem, b(ir.OpSub, c(20), i), c(6)))
		i32 := k.Cast(i, ir.I32)
		put(6, k.Cast(b(ir.OpMul, i32, k.ConstInt(ir.I32, 8)), ir.Index))
		// i-2 may be negative, so / is not floordiv here; and a real gather stays.
		put(7, b(ir.OpAdd, b(ir.OpDiv, b(ir.OpSub, i, c(2)), c(2)), c(1)))
		k.Store(k.Load(a, at(dyn{k.Bin(ir.OpAnd, k.Load(a, at(i)), k.ConstInt(ir.I32, 63))})), o, at(0, i))
	})
	return k.f
}

// redundantBounds has bounds that other bounds always dominate.
func redundantBounds() *ir.Func {
	a, o := param("A", ir.In, ir.I32, 16), param("O", ir.Out, ir.I32, 16)
	k := newKernel(a, o)
	k.loop("i", ex(0, 1), ex(12, 10), 1, nil, func(i *ir.Value, _ []*ir.Value) []*ir.Value {
		k.Store(k.Load(a, at(i)), o, at(i))
		return nil
	})
	k.rng("t", 0, 16, 4, func(t *ir.Value) {
		k.loop("p", ex(t), ex(ir.Add(ir.Dim(t), ir.Const(4)), 16), 1, nil, func(p *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(p)), o, at(p))
			return nil
		})
	})
	return k.f
}

// Ops that fault at run time are not folded away: the fault stays.
func TestCanonicalizeKeepsFaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   func(k *kernel) *ir.Value
		want string
	}{
		{"div by zero", func(k *kernel) *ir.Value { return k.Bin(ir.OpDiv, k.ConstInt(ir.I32, 1), k.ConstInt(ir.I32, 0)) }, "integer division by zero"},
		{"div overflow", func(k *kernel) *ir.Value {
			return k.Bin(ir.OpRem, k.ConstInt(ir.I32, math.MinInt32), k.ConstInt(ir.I32, -1))
		}, "signed division overflow"},
		{"shift", func(k *kernel) *ir.Value { return k.Bin(ir.OpShl, k.ConstInt(ir.I32, 1), k.ConstInt(ir.I32, 32)) }, "shift amount 32 out of range"},
		{"fptosi", func(k *kernel) *ir.Value { return k.Cast(k.ConstFloat(ir.F32, 3e9), ir.I32) }, "fptosi of 3e+09 is out of the range of i32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := param("O", ir.Out, ir.I32, 1)
			k := newKernel(o)
			k.Store(tc.op(k), o, at(0))
			m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{k.f}}
			p, _ := Parse("canonicalize")
			if err := p.Run(m, &diag.List{}); err != nil {
				t.Fatal(err)
			}
			if _, err := ir.ExecGenerated(k.f); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("after canonicalize, running gives %v, want the fault %q\n%s", err, tc.want, m)
			}
		})
	}
}
