package passes

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var vectorizeCases = []passCase{
	{"vectorize/remainder", "vectorize", func() *ir.Func { return scale1D(37, 0, 1) }},
	{"vectorize/exact", "vectorize", func() *ir.Func { return scale1D(64, 0, 1) }},
	{"vectorize/width4", "vectorize{width=4}", func() *ir.Func { return scale1D(10, 0, 1) }},
	{"vectorize/offset_lower_bound", "vectorize", func() *ir.Func { return scale1D(40, 3, 1) }},
	{"vectorize/too_short", "vectorize", func() *ir.Func { return scale1D(5, 0, 1) }},
	{"vectorize/step_refused", "vectorize", func() *ir.Func { return scale1D(20, 3, 2) }},
	{"vectorize/float_reduction_refused", "vectorize", func() *ir.Func { return matmulF32(3, 3, 16) }},
	{"vectorize/int_reductions_symbolic", "vectorize", intReductions},
	{"vectorize/prefix_sum_refused", "vectorize", prefixSum},
	{"vectorize/min_bounds_refused", "vectorize", minBounds},
	{"vectorize/strided_and_packed", "vectorize", stridedPacked},
	{"vectorize/then_parallelize", "vectorize,parallelize", intReductions},
}

func TestVectorize(t *testing.T) {
	for _, c := range vectorizeCases {
		t.Run(c.golden, func(t *testing.T) { runPassCase(t, c) })
	}
}

// intReductions sums, takes the min of and xors the i8 row A[i, 0..i+11)
// in i32: the trip count depends on i, so the remainder loop's bounds are
// symbolic.
func intReductions() *ir.Func {
	a, s := param("A", ir.In, ir.I8, 6, 20), param("S", ir.Out, ir.I32, 6, 3)
	k := newKernel(a, s)
	k.rng("i", 0, 6, 1, func(i *ir.Value) {
		sum := named(k.ConstInt(ir.I32, 0), "sum")
		lo := named(k.ConstInt(ir.I32, 1000), "lo")
		x := named(k.ConstInt(ir.I32, 7), "x")
		red := k.loop("j", ex(0), ex(ir.Add(ir.Dim(i), ir.Const(11))), 1, []*ir.Value{sum, lo, x}, func(j *ir.Value, its []*ir.Value) []*ir.Value {
			v := k.Cast(k.Load(a, at(i, j)), ir.I32)
			return []*ir.Value{
				named(k.Bin(ir.OpAdd, its[0], k.Bin(ir.OpMul, v, v)), "sum"),
				named(k.Bin(ir.OpMin, v, its[1]), "lo"),
				named(k.Bin(ir.OpXor, its[2], k.Bin(ir.OpShl, v, k.ConstInt(ir.I32, 3))), "x"),
			}
		})
		for n, r := range red.Results {
			k.Store(r, s, at(i, n))
		}
	})
	return k.f
}

// stridedPacked reads A at 3j+1 (a shuffled load), A at j floordiv 4 (a
// broadcast-like shuffle) and packed i4 codes W at j + 2 (an even start),
// and stores contiguously.
func stridedPacked() *ir.Func {
	a, w, o := param("A", ir.In, ir.I8, 2, 60), param("W", ir.In, ir.I4, 2, 20), param("O", ir.Out, ir.I32, 2, 16)
	k := newKernel(a, w, o)
	k.rng("r", 0, 2, 1, func(r *ir.Value) {
		k.rng("j", 0, 16, 1, func(j *ir.Value) {
			x := k.Cast(k.Load(a, at(r, ir.Add(ir.Mul(ir.Dim(j), 3), ir.Const(1)))), ir.I32)
			y := k.Cast(k.Load(a, at(r, ir.FloorDiv(ir.Dim(j), 4))), ir.I32)
			c := k.Cast(k.Load(w, at(r, ir.Add(ir.Dim(j), ir.Const(2)))), ir.I32)
			k.Store(k.Bin(ir.OpAdd, k.Bin(ir.OpMul, x, c), y), o, at(r, j))
		})
	})
	return k.f
}

// lanePlan builds `for j in lower..lower+16` loading A[j-subscript] and
// returns the plan of that load for width 8.
func lanePlan(t *testing.T, elem ir.Type, lower func(outer *ir.Value) *ir.Expr, sub func(j *ir.Value) *ir.Expr) (*ir.LaneAccess, error) {
	t.Helper()
	a, o := param("A", ir.In, elem, 4096), param("O", ir.Out, ir.I32, 1)
	k := newKernel(a, o)
	var inner *ir.Op
	k.rng("g", 0, 4, 1, func(g *ir.Value) {
		lb := lower(g)
		inner = k.loop("j", []*ir.Expr{lb}, []*ir.Expr{ir.Add(lb, ir.Const(16))}, 1, nil, func(j *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Cast(k.Load(a, at(sub(j))), ir.I32)
			return nil
		})
	})
	plan, err := ir.PlanVector(inner, 8)
	if err != nil {
		return nil, err
	}
	return plan.Access[inner.Loop.Body.Ops[0]], nil
}

// The lane offsets of an access are proved for every vector iteration from
// the residues of the lower bound: j floordiv 4 from a lower bound that is
// a multiple of 8 is [0 0 0 0 1 1 1 1], but from an arbitrary lower bound
// it is not one pattern, and is refused.
func TestLaneOffsets(t *testing.T) {
	mul := func(c int64) func(*ir.Value) *ir.Expr {
		return func(g *ir.Value) *ir.Expr { return ir.Mul(ir.Dim(g), c) }
	}
	cases := []struct {
		name  string
		elem  ir.Type
		lower func(*ir.Value) *ir.Expr
		sub   func(*ir.Value) *ir.Expr
		kind  ir.AccessKind
		offs  string
		err   string
	}{
		{"contiguous", ir.I8, mul(5), func(j *ir.Value) *ir.Expr { return ir.Dim(j) }, ir.AccessContiguous, "[]", ""},
		{"stride2", ir.I8, mul(5), func(j *ir.Value) *ir.Expr { return ir.Mul(ir.Dim(j), 2) }, ir.AccessShuffle, "[0 2 4 6 8 10 12 14]", ""},
		{"reversed", ir.I8, mul(5), func(j *ir.Value) *ir.Expr { return ir.Add(ir.Mul(ir.Dim(j), -1), ir.Const(100)) }, ir.AccessShuffle, "[7 6 5 4 3 2 1 0]", ""},
		{"div4_aligned", ir.I8, mul(8), func(j *ir.Value) *ir.Expr { return ir.FloorDiv(ir.Dim(j), 4) }, ir.AccessShuffle, "[0 0 0 0 1 1 1 1]", ""},
		{"div4_unaligned", ir.I8, mul(3), func(j *ir.Value) *ir.Expr { return ir.FloorDiv(ir.Dim(j), 4) }, 0, "", "moves differently"},
		{"div16_aligned", ir.I8, mul(16), func(j *ir.Value) *ir.Expr { return ir.FloorDiv(ir.Dim(j), 16) }, ir.AccessUniform, "[]", ""},
		{"div16_half_aligned", ir.I8, mul(8), func(j *ir.Value) *ir.Expr { return ir.FloorDiv(ir.Dim(j), 16) }, ir.AccessUniform, "[]", ""},
		{"mod2", ir.I8, mul(2), func(j *ir.Value) *ir.Expr { return ir.Mod(ir.Dim(j), 2) }, ir.AccessShuffle, "[0 1 0 1 0 1 0 1]", ""},
		{"too_wide", ir.I8, mul(2), func(j *ir.Value) *ir.Expr { return ir.Mul(ir.Dim(j), 7) }, 0, "", "would fetch 50 elements"},
		{"packed_even", ir.I4, mul(2), func(j *ir.Value) *ir.Expr { return ir.Dim(j) }, ir.AccessPacked, "[]", ""},
		{"packed_odd", ir.I4, mul(2), func(j *ir.Value) *ir.Expr { return ir.Add(ir.Dim(j), ir.Const(1)) }, 0, "", "high half of a byte"},
		{"packed_unknown_parity", ir.I4, mul(3), func(j *ir.Value) *ir.Expr { return ir.Dim(j) }, 0, "", "high half of a byte"},
		{"packed_strided", ir.I4, mul(2), func(j *ir.Value) *ir.Expr { return ir.Mul(ir.Dim(j), 2) }, 0, "", "not consecutive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := lanePlan(t, c.elem, c.lower, c.sub)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != c.kind {
				t.Errorf("kind %d, want %d", a.Kind, c.kind)
			}
			if got := fmt.Sprint(a.Offsets); got != c.offs {
				t.Errorf("offsets %s, want %s", got, c.offs)
			}
		})
	}
}

// Options out of range are usage errors at parse time.
func TestVectorizeOptions(t *testing.T) {
	for _, p := range []string{"vectorize{width=1}", "vectorize{width=65}", "vectorize{width=-8}"} {
		if _, err := Parse(p); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s: got %v, want an out-of-range error", p, err)
		}
	}
}

// A vector loop is refused by passes that would break it, and the
// verifier rejects a vector loop the vectorizer could not have made.
func TestVectorLoopsAreRespected(t *testing.T) {
	m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{scale1D(64, 0, 1)}}
	p, _ := Parse("vectorize,tile{size=16},parallelize")
	var d diag.List
	if err := p.Run(m, &d); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	d.Render(&b)
	if !strings.Contains(b.String(), "it is a vector loop") {
		t.Errorf("parallelize did not refuse the vector loop:\n%s", b.String())
	}
	if !strings.Contains(m.String(), "vector 8") || strings.Contains(m.String(), "parallel") {
		t.Errorf("the vector loop was changed:\n%s", m)
	}
	l := m.Funcs[0].Body.Ops[0].Loop
	l.Vector = 3 // 64 iterations are not a multiple of 3
	if err := ir.Verify(m); err == nil || !strings.Contains(err.Error(), "not a multiple") {
		t.Errorf("verifier accepted width 3 over 64 iterations: %v", err)
	}
	l.Vector, l.Parallel = 8, true
	if err := ir.Verify(m); err == nil || !strings.Contains(err.Error(), "both a vector loop and parallel") {
		t.Errorf("verifier accepted a parallel vector loop: %v", err)
	}
}

// rowStats sums and takes the max of each i8 row in i32, and writes the
// row doubled: a reduction and an elementwise loop of cols iterations.
func rowStats(rows, cols int64) *ir.Func {
	a, s, d := param("A", ir.In, ir.I8, rows, cols), param("S", ir.Out, ir.I32, rows, 2), param("D", ir.Out, ir.I32, rows, cols)
	k := newKernel(a, s, d)
	k.rng("i", 0, rows, 1, func(i *ir.Value) {
		sum := named(k.ConstInt(ir.I32, 0), "sum")
		hi := named(k.ConstInt(ir.I32, -1000), "hi")
		red := k.loop("j", ex(0), ex(cols), 1, []*ir.Value{sum, hi}, func(j *ir.Value, its []*ir.Value) []*ir.Value {
			v := k.Cast(k.Load(a, at(i, j)), ir.I32)
			return []*ir.Value{named(k.Bin(ir.OpAdd, its[0], v), "sum"), named(k.Bin(ir.OpMax, its[1], v), "hi")}
		})
		k.Store(red.Results[0], s, at(i, 0))
		k.Store(red.Results[1], s, at(i, 1))
		k.rng("j", 0, cols, 1, func(j *ir.Value) {
			v := k.Cast(k.Load(a, at(i, j)), ir.I32)
			k.Store(k.Bin(ir.OpAdd, v, v), d, at(i, j))
		})
	})
	return k.f
}

// The interpreter agrees before and after vectorizing on random shapes,
// widths and pipelines (remainders of every length, tiles around vector
// loops), on random inputs.
func TestVectorizeRandomShapes(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for n := 0; n < 80; n++ {
		rows, cols := 1+r.Int63n(5), 1+r.Int63n(70)
		width := []int{2, 4, 8, 16}[r.Intn(4)]
		pipe := fmt.Sprintf("vectorize{width=%d}", width)
		switch r.Intn(3) {
		case 0:
			pipe = fmt.Sprintf("tile{size=%d},%s,parallelize", 1+r.Intn(8), pipe)
		case 1:
			pipe = "canonicalize," + pipe + ",canonicalize"
		}
		build := func() *ir.Func { return rowStats(rows, cols) }
		switch r.Intn(3) {
		case 0:
			build = func() *ir.Func { return scale1D(cols, r.Int63n(4), 1) }
		case 1:
			build = intReductions
		}
		f := build()
		seed := r.Int63()
		want := execRandom(t, f, seed)
		p, err := Parse(pipe)
		if err != nil {
			t.Fatal(err)
		}
		m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{f}}
		if err := p.Run(m, &diag.List{}); err != nil {
			t.Fatalf("%s on %dx%d: %v", pipe, rows, cols, err)
		}
		if err := ir.Verify(m); err != nil {
			t.Fatalf("%s on %dx%d: %v", pipe, rows, cols, err)
		}
		if got := execRandom(t, f, seed); !bytes.Equal(want, got) {
			t.Fatalf("%s on %dx%d changes the results:\n%s", pipe, rows, cols, m)
		}
	}
}
