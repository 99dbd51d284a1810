package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestMatmulQ35FastMatchesReference checks MatmulQ35Fast against MatmulQ35
// bit for bit on fixed edge shapes and random ones, with random codes over
// every bit pattern, activations over the whole int8 range and scales that
// make f32 rounding happen everywhere.
func TestMatmulQ35FastMatchesReference(t *testing.T) {
	cases := []struct{ m, k, n, g, threads int }{
		{1, 16, 1, 16, 1},     // one block: the 7-byte load at the end of Codes
		{1, 16, 1, 16, 4},     // more threads than rows
		{1, 128, 37, 32, 2},   // rows not a multiple of the chunk
		{3, 240, 70, 48, 2},   // G not a power of two
		{32, 256, 65, 128, 2}, // the matrix-matrix shape of the benchmarks
		{32, 512, 33, 16, 3},
		{2, 64, 100, 64, 8},
		{5, 384, 31, 128, 0}, // GOMAXPROCS
		{1, 1024, 3, 1024, 1},
		{3, 2080, 5, 1040, 2}, // 65 blocks per group: odd, and more than a run
		{1, 2080, 5, 1040, 1},
		{2, 4096, 6, 2048, 2},
		{3, 48, 7, 24, 2}, // groups that end inside a block: the reference path
		{1, 32, 4, 8, 1},
	}
	r := rand.New(rand.NewPCG(11, 12))
	for range 24 {
		g := 16 * (1 + r.IntN(8))
		cases = append(cases, struct{ m, k, n, g, threads int }{
			[]int{1, 1, 2, 3, 4, 7, 32}[r.IntN(7)], g * (1 + r.IntN(4)), 1 + r.IntN(80), g, r.IntN(5)})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("m%d_k%d_n%d_g%d_t%d", c.m, c.k, c.n, c.g, c.threads), func(t *testing.T) {
			w := kernRandQ35(t, r, c.k, c.n, c.g, kernRandScale)
			a := kernRandInt8s(r, c.m*c.k)
			expectBits(t, "MatmulQ35Fast", MatmulQ35Fast(a, c.m, w, c.threads), MatmulQ35(a, c.m, w))
		})
	}
}

// TestMatmulQ35FastExtremes puts the same code and activation in every
// position, for each corner of the ranges: the largest lane sums of either
// sign (-128 × -8 gives the bound |D| = 4096 of kernels_fast_lanes.go),
// with groups of 128 blocks so that decoded runs are full.
func TestMatmulQ35FastExtremes(t *testing.T) {
	for _, c := range []struct{ even, odd, act int8 }{{-8, -4, -128}, {7, 3, 127}, {-8, -4, 127}, {7, 3, -128}} {
		w := kernNewQ35(t, 4096, 9, 2048)
		for n := range w.N {
			for k := range w.K {
				w.SetCode(n, k, []int8{c.even, c.odd}[k%2])
			}
		}
		for i := range w.ScaleEven {
			w.ScaleEven[i], w.ScaleOdd[i] = 1.5, -0.75
		}
		for _, m := range []int{1, 5} {
			a := make([]int8, m*w.K)
			for i := range a {
				a[i] = c.act
			}
			want := MatmulQ35(a, m, w)
			// Two groups of 1024 pairs, each term exact in f32.
			if v := 2 * 1024 * float64(c.act) * (1.5*float64(c.even) - 0.75*float64(c.odd)); want[0] != float32(v) {
				t.Fatalf("%+v: reference gives %v, want %v", c, want[0], v)
			}
			expectBits(t, fmt.Sprintf("MatmulQ35Fast(%+v, m=%d)", c, m), MatmulQ35Fast(a, m, w, 2), want)
		}
	}
}

// TestMatmulQ35FastWraps checks that a group sum that overflows int32 wraps
// in the fast kernel exactly as in the reference: with G = 2^22, the 2^21
// even products of 1024 sum to 2^31, which wraps to -2^31.
func TestMatmulQ35FastWraps(t *testing.T) {
	const k = 1 << 22
	w := kernNewQ35(t, k, 1, k)
	for i := 0; i < len(w.Codes); i += Q35BlockBytes {
		copy(w.Codes[i:], []byte{0x88, 0x88, 0x88, 0x88}) // every 4-bit code -8
	}
	w.ScaleEven[0], w.ScaleOdd[0] = 1, 1
	a := make([]int8, k)
	for i := range a {
		a[i] = -128
	}
	want := MatmulQ35(a, 1, w)
	if want[0] != -(1 << 31) {
		t.Fatalf("reference gives %v, want the wrapped -2^31", want[0])
	}
	expectBits(t, "MatmulQ35Fast", MatmulQ35Fast(a, 1, w, 2), want)
	a2 := append(a, a...) // two rows: the matrix-matrix path
	expectBits(t, "MatmulQ35Fast", MatmulQ35Fast(a2, 2, w, 2), []float32{want[0], want[0]})
}

// TestFastSpread checks the block decoding of the fast kernel against
// Q35.Code for every position, through both the 8-byte loads and those of
// the last blocks: word t of a block holds the integer
// Σ code(pair fastLaneOfPair[t][p])·2^(16p).
func TestFastSpread(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	w := kernRandQ35(t, r, 48, 3, 16, kernRandScale) // an odd number of blocks
	blocks := len(w.Codes) / Q35BlockBytes
	run := make([]fastPair, (blocks+1)/2)
	fastDecodeRun(run, w.Codes, 0)
	for b := range 2 * len(run) {
		n, k0, half := b/(w.K/16), b%(w.K/16)*16, 2*(b%2)
		pair := run[b/2]
		for word, got := range []uint64{pair[half], pair[half+1], pair[4+half], pair[5+half]} {
			var want int64
			for p, j := range fastLaneOfPair[word] {
				if b < blocks {
					want += int64(w.Code(n, k0+2*j+word/2)) << (16 * p)
				}
			}
			if got != uint64(want) {
				t.Fatalf("block %d word %d: %#016x, want %#016x", b, word, got, uint64(want))
			}
		}
	}
}

// TestFastLane3 checks the extraction of a sum of four lane products, as
// the kernel forms it, on random codes and activations drawn mostly from
// the ends of their ranges, where the bounds are tight.
func TestFastLane3(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	pick := func(lo, hi int64) int64 {
		switch r.IntN(3) {
		case 0:
			return lo
		case 1:
			return hi
		}
		return lo + r.Int64N(hi-lo+1)
	}
	for range 100000 {
		lo := []int64{-8, -4}[r.IntN(2)]
		var sum uint64
		var want int64
		for range 4 {
			var q, x int64
			for p := range 4 {
				c, a := pick(lo, -lo-1), pick(-128, 127)
				q += c << (16 * p)
				x += a << (16 * (3 - p))
				want += c * a
			}
			sum += uint64(q) * uint64(x)
		}
		if got := fastLane3(sum); got != want {
			t.Fatalf("lane sum %#x: %d, want %d", sum, got, want)
		}
	}
}
