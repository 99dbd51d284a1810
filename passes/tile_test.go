package passes

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var tileCases = []passCase{
	{"tile/matmul_partial", "tile{sizes=4,3}", func() *ir.Func { return matmulF32(10, 7, 5) }},
	{"tile/matmul_exact", "tile{size=4}", func() *ir.Func { return matmulF32(8, 8, 3) }},
	{"tile/matmul_outer_only", "tile{sizes=4}", func() *ir.Func { return matmulF32(8, 8, 3) }},
	{"tile/copy_8192_by_320", "tile{size=320}", func() *ir.Func { return scale1D(8192, 0, 1) }},
	{"tile/step_and_offset", "tile{size=3}", func() *ir.Func { return scale1D(20, 3, 2) }},
	{"tile/bounds_min", "tile{size=4}", minBounds},
	{"tile/reduction_1d", "tile{size=4}", prefixSum},
	{"tile/reduction_band", "tile{sizes=2,3}", reduction2D},
	{"tile/shifted_store", "tile{sizes=2,3}", shiftedStore},
	{"tile/triangle", "tile{size=2}", triangle},
	{"tile/middle_untiled", "tile{sizes=2,1,2}", copy3D},
	{"tile/affine_inner_bounds", "tile{sizes=1,3}", blockedInner},
	{"tile/two_bands", "tile{size=2}", twoBands},
	{"tile/small_trip_untouched", "tile{size=64}", func() *ir.Func { return matmulF32(8, 8, 3) }},
}

func TestTile(t *testing.T) {
	for _, c := range tileCases {
		t.Run(c.golden, func(t *testing.T) { runPassCase(t, c) })
	}
}

// matmulF32 builds C[i, j] = Σ_p A[i, p]·B[p, j] in f32, summed in p order.
func matmulF32(m, n, kk int64) *ir.Func {
	a, b, c := param("A", ir.In, ir.F32, m, kk), param("B", ir.In, ir.F32, kk, n), param("C", ir.Out, ir.F32, m, n)
	k := newKernel(a, b, c)
	k.rng("i", 0, m, 1, func(i *ir.Value) {
		k.rng("j", 0, n, 1, func(j *ir.Value) {
			zero := named(k.ConstFloat(ir.F32, 0), "acc")
			sum := k.loop("p", ex(0), ex(kk), 1, []*ir.Value{zero}, func(p *ir.Value, acc []*ir.Value) []*ir.Value {
				x, y := k.Load(a, at(i, p)), k.Load(b, at(p, j))
				return []*ir.Value{named(k.Bin(ir.OpAdd, acc[0], k.Bin(ir.OpMul, x, y)), "acc")}
			})
			k.Store(sum.Results[0], c, at(i, j))
		})
	})
	return k.f
}

// scale1D builds O[i] = A[i] * 2 for i from lo below n by step.
func scale1D(n, lo, step int64) *ir.Func {
	a, o := param("A", ir.In, ir.F32, n), param("O", ir.Out, ir.F32, n)
	k := newKernel(a, o)
	k.rng("i", lo, n, step, func(i *ir.Value) {
		k.Store(k.Bin(ir.OpMul, k.Load(a, at(i)), k.ConstFloat(ir.F32, 2)), o, at(i))
	})
	return k.f
}

// minBounds has a loop with two upper bounds and two lower bounds.
func minBounds() *ir.Func {
	a, o := param("A", ir.In, ir.I32, 16), param("O", ir.Out, ir.I32, 16)
	k := newKernel(a, o)
	k.loop("i", ex(0, 1), ex(13, 11), 1, nil, func(i *ir.Value, _ []*ir.Value) []*ir.Value {
		k.Store(k.Load(a, at(i)), o, at(i))
		return nil
	})
	return k.f
}

// prefixSum carries a running i32 sum through a 1-D loop.
func prefixSum() *ir.Func {
	a, s := param("A", ir.In, ir.I32, 10), param("S", ir.Out, ir.I32, 10)
	k := newKernel(a, s)
	zero := named(k.ConstInt(ir.I32, 0), "run")
	k.loop("i", ex(0), ex(10), 1, []*ir.Value{zero}, func(i *ir.Value, run []*ir.Value) []*ir.Value {
		next := named(k.Bin(ir.OpAdd, run[0], k.Load(a, at(i))), "run")
		k.Store(next, s, at(i))
		return []*ir.Value{next}
	})
	return k.f
}

// reduction2D sums a matrix in f32 through a perfect 2-D band that carries
// the sum: tiling both loops would reorder the additions.
func reduction2D() *ir.Func {
	a, s := param("A", ir.In, ir.F32, 8, 9), param("S", ir.Out, ir.F32, 1)
	k := newKernel(a, s)
	k.Pos = pos(2, 1)
	zero := named(k.ConstFloat(ir.F32, 0), "s")
	outer := k.loop("i", ex(0), ex(8), 1, []*ir.Value{zero}, func(i *ir.Value, si []*ir.Value) []*ir.Value {
		inner := k.loop("j", ex(0), ex(9), 1, si, func(j *ir.Value, sj []*ir.Value) []*ir.Value {
			return []*ir.Value{named(k.Bin(ir.OpAdd, sj[0], k.Load(a, at(i, j))), "s")}
		})
		return inner.Results
	})
	k.Store(outer.Results[0], s, at(0))
	return k.f
}

// shiftedStore writes O[j+1] in every i iteration: the last i wins, which
// tiling i and j together could change in general.
func shiftedStore() *ir.Func {
	a, o := param("A", ir.In, ir.F32, 8, 9), param("O", ir.Out, ir.F32, 9)
	k := newKernel(a, o)
	k.Pos = pos(3, 1)
	k.rng("i", 0, 8, 1, func(i *ir.Value) {
		k.rng("j", 0, 8, 1, func(j *ir.Value) {
			k.Store(k.Load(a, at(i, j)), o, at(ir.Add(ir.Dim(j), ir.Const(1))))
		})
	})
	return k.f
}

// triangle's inner bounds depend on the outer IV: the band is cut there.
func triangle() *ir.Func {
	a, o := param("A", ir.In, ir.I16, 8, 8), param("O", ir.Out, ir.I16, 8, 8)
	k := newKernel(a, o)
	k.rng("i", 0, 8, 1, func(i *ir.Value) {
		k.loop("j", ex(i), ex(8), 1, nil, func(j *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(i, j)), o, at(i, j))
			return nil
		})
	})
	return k.f
}

// copy3D copies a 3-D array; with sizes=2,1,2 the middle loop is not tiled
// but still runs inside the tile loop of the inner one.
func copy3D() *ir.Func {
	a, o := param("A", ir.In, ir.I8, 4, 3, 5), param("O", ir.Out, ir.I8, 4, 3, 5)
	k := newKernel(a, o)
	k.rng("i", 0, 4, 1, func(i *ir.Value) {
		k.rng("j", 0, 3, 1, func(j *ir.Value) {
			k.rng("k", 0, 5, 1, func(kv *ir.Value) {
				k.Store(k.Load(a, at(i, j, kv)), o, at(i, j, kv))
			})
		})
	})
	return k.f
}

// blockedInner has an inner loop over i*8 .. i*8+8 (affine in the outer
// IV, which stays outside when only the inner loop is tiled).
func blockedInner() *ir.Func {
	a, o := param("A", ir.In, ir.I32, 32), param("O", ir.Out, ir.I32, 32)
	k := newKernel(a, o)
	k.rng("i", 0, 4, 1, func(i *ir.Value) {
		lo := ir.Mul(ir.Dim(i), 8)
		k.loop("j", ex(lo), ex(ir.Add(lo, ir.Const(8))), 1, nil, func(j *ir.Value, _ []*ir.Value) []*ir.Value {
			k.Store(k.Load(a, at(j)), o, at(j))
			return nil
		})
	})
	return k.f
}

// antiDiagonal stores O[i + j] = A[i, j]: iterations (i, j) and
// (i+1, j-1) write the same element, and the later one must win, which
// tiling i and j together would change.
func antiDiagonal(m, n int64) *ir.Func {
	a, o := param("A", ir.In, ir.F32, m, n), param("O", ir.Out, ir.F32, m+n)
	k := newKernel(a, o)
	k.rng("i", 0, m, 1, func(i *ir.Value) {
		k.rng("j", 0, n, 1, func(j *ir.Value) {
			k.Store(k.Load(a, at(i, j)), o, at(ir.Add(ir.Dim(i), ir.Dim(j))))
		})
	})
	return k.f
}

// twoBands has two top-level loop nests.
func twoBands() *ir.Func {
	a, o, p := param("A", ir.In, ir.I32, 5), param("O", ir.Out, ir.I32, 5), param("P", ir.Out, ir.I32, 3, 5)
	k := newKernel(a, o, p)
	k.rng("i", 0, 5, 1, func(i *ir.Value) { k.Store(k.Load(a, at(i)), o, at(i)) })
	k.rng("r", 0, 3, 1, func(r *ir.Value) {
		k.rng("c", 0, 5, 1, func(c *ir.Value) { k.Store(k.Load(a, at(c)), p, at(r, c)) })
	})
	return k.f
}

// The interpreter agrees before and after tiling on random shapes, tile
// sizes and pipelines (a property test over matmul nests and reductions),
// on random f32 inputs of many magnitudes: unlike the harness's inputs
// (multiples of 2^-15, whose short sums are exact), their sums change when
// the additions are reordered, so an illegal reordering shows.
func TestTileRandomShapes(t *testing.T) {
	r := rand.New(rand.NewSource(35))
	for n := 0; n < 60; n++ {
		m, nn, kk := 1+r.Int63n(12), 1+r.Int63n(12), 1+r.Int63n(6)
		sizes := []string{fmt.Sprint(1 + r.Intn(5)), fmt.Sprint(1 + r.Intn(5)), fmt.Sprint(1 + r.Intn(3))}
		pipe := "tile{sizes=" + strings.Join(sizes[:1+r.Intn(3)], ",") + "}"
		if r.Intn(2) == 0 {
			pipe = "canonicalize," + pipe + ",canonicalize"
		}
		build := func() *ir.Func { return matmulF32(m, nn, kk) }
		switch r.Intn(4) {
		case 0:
			build = reduction2D
		case 1:
			build = func() *ir.Func { return antiDiagonal(m, nn) }
		}
		f := build()
		seed := r.Int63()
		want := execRandom(t, f, seed)
		p, err := Parse(pipe)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(&ir.Module{Name: "k.q35", Funcs: []*ir.Func{f}}, &diag.List{}); err != nil {
			t.Fatalf("%s on %dx%dx%d: %v", pipe, m, nn, kk, err)
		}
		if got := execRandom(t, f, seed); !bytes.Equal(want, got) {
			var text strings.Builder
			ir.PrintFunc(&text, f)
			t.Fatalf("%s on %dx%dx%d changes the results:\n%s", pipe, m, nn, kk, text.String())
		}
	}
}

// execRandom runs f on inputs drawn from seed (f32 elements of random
// sign, mantissa and magnitude; other types random bytes) and returns the
// output storage.
func execRandom(t *testing.T, f *ir.Func, seed int64) []byte {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	mem := ir.NewMemory(f)
	for i, b := range f.Params {
		if b.Kind != ir.In {
			continue
		}
		r.Read(mem[i])
		if b.Elem == ir.F32 {
			for e := 0; e < len(mem[i]); e += 4 {
				x := float32((r.Float64()*2 - 1) * math.Pow(2, float64(r.Intn(40)-20)))
				binary.LittleEndian.PutUint32(mem[i][e:], math.Float32bits(x))
			}
		}
	}
	if err := ir.Exec(f, mem); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for i, b := range f.Params {
		if b.Kind == ir.Out {
			out = append(out, mem[i]...)
		}
	}
	return out
}
