package passes

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var systolicCases = []passCase{
	{"systolic/f32_ws", "systolic{rows=3 cols=4}", func() *ir.Func { return matmulF32(10, 11, 7) }},
	{"systolic/f32_os", "systolic{rows=3 cols=4 dataflow=os}", func() *ir.Func { return matmulF32(10, 11, 7) }},
	{"systolic/f32_fits", "systolic", func() *ir.Func { return matmulF32(4, 5, 6) }},
	{"systolic/groups_ws", "systolic{rows=8 cols=4}", func() *ir.Func { return matmulGroups(3, 10, 5, 4) }},
	{"systolic/groups_os", "systolic{rows=8 cols=4 dataflow=os}", func() *ir.Func { return matmulGroups(3, 10, 5, 4) }},
	{"systolic/group_wider_than_rows", "systolic{rows=3 cols=4}", func() *ir.Func { return matmulGroups(2, 6, 2, 4) }},
	{"systolic/m1_default", "systolic", func() *ir.Func { return matmulGroups(1, 650, 6, 64) }},
	{"systolic/m32_default", "systolic", func() *ir.Func { return matmulGroups(32, 330, 6, 64) }},
	{"systolic/column_store_blocks", "systolic{rows=2 cols=2}", columnStore},
	{"systolic/carried_output", "systolic", reduction2D},
	{"systolic/one_loop", "systolic", func() *ir.Func { return scale1D(8, 0, 1) }},
	{"systolic/no_reduction", "systolic", twoBands},
	{"systolic/three_loops", "systolic", copy3D},
}

func TestSystolic(t *testing.T) {
	for _, c := range systolicCases {
		t.Run(c.golden, func(t *testing.T) { runPassCase(t, c) })
	}
}

// matmulGroups builds the quantized matmul of examples/matmul_i8_i4.q35:
// C[m, n] = Σ_g S[n, g] · Σ_{k in group g} A[m, k]·W[n, k], with i8
// operands, an i32 sum per group of gs positions and an f32 sum over the
// groups.
func matmulGroups(m, n, groups, gs int64) *ir.Func {
	kk := groups * gs
	a, w := param("A", ir.In, ir.I8, m, kk), param("W", ir.In, ir.I8, n, kk)
	s, c := param("S", ir.In, ir.F32, n, groups), param("C", ir.Out, ir.F32, m, n)
	k := newKernel(a, w, s, c)
	k.Pos = pos(4, 3)
	k.rng("m", 0, m, 1, func(mi *ir.Value) {
		k.rng("n", 0, n, 1, func(ni *ir.Value) {
			zero := named(k.ConstFloat(ir.F32, 0), "sum")
			sum := k.loop("g", ex(0), ex(groups), 1, []*ir.Value{zero}, func(g *ir.Value, sums []*ir.Value) []*ir.Value {
				lo := ir.Mul(ir.Dim(g), gs)
				izero := named(k.ConstInt(ir.I32, 0), "acc")
				acc := k.loop("k", ex(lo), ex(ir.Add(lo, ir.Const(gs))), 1, []*ir.Value{izero}, func(kv *ir.Value, accs []*ir.Value) []*ir.Value {
					x := k.Cast(k.Load(a, at(mi, kv)), ir.I32)
					y := k.Cast(k.Load(w, at(ni, kv)), ir.I32)
					return []*ir.Value{named(k.Bin(ir.OpAdd, accs[0], k.Bin(ir.OpMul, x, y)), "acc")}
				})
				scaled := k.Bin(ir.OpMul, k.Cast(acc.Results[0], ir.F32), k.Load(s, at(ni, g)))
				return []*ir.Value{named(k.Bin(ir.OpAdd, sums[0], scaled), "sum")}
			})
			k.Store(sum.Results[0], c, at(mi, ni))
		})
	})
	return k.f
}

// columnStore is a matmul that also stores each column's sum to D[n] in
// every m iteration (the last m wins): the column tile loop may not be
// proved movable outside m.
func columnStore() *ir.Func {
	a, b := param("A", ir.In, ir.F32, 3, 4), param("B", ir.In, ir.F32, 4, 5)
	c, dd := param("C", ir.Out, ir.F32, 3, 5), param("D", ir.Out, ir.F32, 5)
	k := newKernel(a, b, c, dd)
	k.Pos = pos(5, 3)
	k.rng("i", 0, 3, 1, func(i *ir.Value) {
		k.rng("j", 0, 5, 1, func(j *ir.Value) {
			zero := named(k.ConstFloat(ir.F32, 0), "acc")
			sum := k.loop("p", ex(0), ex(4), 1, []*ir.Value{zero}, func(p *ir.Value, acc []*ir.Value) []*ir.Value {
				return []*ir.Value{named(k.Bin(ir.OpAdd, acc[0], k.Bin(ir.OpMul, k.Load(a, at(i, p)), k.Load(b, at(p, j)))), "acc")}
			})
			k.Store(sum.Results[0], c, at(i, j))
			k.Store(sum.Results[0], dd, at(j))
		})
	})
	return k.f
}

// The interpreter agrees before and after the pass on random shapes,
// array sizes and dataflows, on random f32 inputs of many magnitudes
// whose sums change if additions are reordered (see TestTileRandomShapes).
func TestSystolicRandomShapes(t *testing.T) {
	r := rand.New(rand.NewSource(320))
	for n := 0; n < 40; n++ {
		m, nn := 1+r.Int63n(9), 1+r.Int63n(12)
		pipe := fmt.Sprintf("systolic{rows=%d cols=%d dataflow=%s}", 1+r.Intn(9), 1+r.Intn(6), []string{"ws", "os"}[r.Intn(2)])
		f := matmulF32(m, nn, 1+r.Int63n(12))
		if r.Intn(2) == 0 {
			f = matmulGroups(m, nn, 1+r.Int63n(6), 1+r.Int63n(4))
		}
		seed := r.Int63()
		want := execRandom(t, f, seed)
		p, err := Parse(pipe)
		if err != nil {
			t.Fatal(err)
		}
		mod := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{f}}
		if err := p.Run(mod, &diag.List{}); err != nil {
			t.Fatalf("%s: %v", pipe, err)
		}
		if err := ir.Verify(mod); err != nil {
			t.Fatalf("%s: %v", pipe, err)
		}
		if got := execRandom(t, f, seed); !bytes.Equal(want, got) {
			t.Fatalf("%s changes the results:\n%s", pipe, mod.String())
		}
	}
}
