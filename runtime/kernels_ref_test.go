package runtime

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMatmulF32Small(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}    // 2×3
	b := []float32{7, 8, 9, 10, 11, 12} // 3×2
	want := []float32{58, 64, 139, 154} // 2×2
	expectBits(t, "MatmulF32", MatmulF32(a, b, 2, 3, 2), want)
}

// TestMatmulF32Order pins the summation order: left to right, 1e8 + 1
// rounds back to 1e8 in f32, so the result is 0, not 1.
func TestMatmulF32Order(t *testing.T) {
	expectBits(t, "MatmulF32", MatmulF32([]float32{1e8, 1, -1e8}, []float32{1, 1, 1}, 1, 3, 1), []float32{0})
}

// TestMatmulF32Rounded pins that each product is rounded before it is
// added: x*x = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11, which cancels the
// first term exactly; a fused multiply-add would leave 2^-24.
func TestMatmulF32Rounded(t *testing.T) {
	x := float32(1 + 1.0/4096)
	got := MatmulF32([]float32{1, x}, []float32{-(1 + 1.0/2048), x}, 1, 2, 1)
	expectBits(t, "MatmulF32", got, []float32{0})
}

func TestMatmulI8I4Small(t *testing.T) {
	w := kernNewInt4(t, 4, 2, 2)
	kernSetInt4(w, 0, []int8{1, 2, -3, 7}, []float32{0.5, 2})
	kernSetInt4(w, 1, []int8{-8, 0, 1, 1}, []float32{1, -1})
	// Row 0: (1*1 - 2*2)*0.5 + (3*-3 + 4*7)*2 = -1.5 + 38.
	// Row 1: (1*-8)*1 + (3 + 4)*-1 = -8 - 7.
	got := MatmulI8I4([]int8{1, -2, 3, 4}, 1, w)
	expectBits(t, "MatmulI8I4", got, []float32{36.5, -15})
}

// TestMatmulI8I4Order pins that group results are added to the f32 sum one
// by one, in order: 2^24 + 1 rounds to 2^24, so the result is 0.
func TestMatmulI8I4Order(t *testing.T) {
	w := kernNewInt4(t, 6, 1, 2)
	kernSetInt4(w, 0, []int8{1, 0, 1, 0, 1, 0}, []float32{1 << 24, 1, -(1 << 24)})
	expectBits(t, "MatmulI8I4", MatmulI8I4([]int8{1, 0, 1, 0, 1, 0}, 1, w), []float32{0})
}

func TestMatmulQ35Small(t *testing.T) {
	w := kernNewQ35(t, 32, 2, 16)
	codes := make([]int8, 32)
	for k := range codes {
		codes[k] = 1 // multiplied by zero activations: checks nothing leaks
	}
	codes[0], codes[1], codes[14], codes[15], codes[16], codes[31] = 7, -4, -8, 3, -8, -4
	kernSetQ35(w, 0, codes, []float32{0.5, 0.25}, []float32{2, -1})
	codes = make([]int8, 32)
	codes[15], codes[30] = -1, -1
	kernSetQ35(w, 1, codes, []float32{1, 1}, []float32{3, 3})
	a := make([]int8, 32)
	a[0], a[1], a[14], a[15], a[16], a[31] = 3, -2, 5, 1, -128, 127
	// Row 0, group 0: acc4 = 3*7 + 5*-8 = -19, acc3 = -2*-4 + 1*3 = 11;
	// group 1: acc4 = -128*-8 = 1024, acc3 = 127*-4 = -508.
	// (-19*0.5 + 11*2) + (1024*0.25 + -508*-1) = 12.5 + 764.
	// Row 1: acc3 = 1*-1 in group 0, scaled by 3.
	expectBits(t, "MatmulQ35", MatmulQ35(a, 1, w), []float32{776.5, -3})
}

// TestMatmulQ35Parenthesization pins sum + (even + odd): group 1 adds
// 2^24 - 2^24 = 0 to the 1 of group 0. Adding the products to the sum one
// at a time would round 1 + 2^24 to 2^24 and give 0.
func TestMatmulQ35Parenthesization(t *testing.T) {
	w := kernNewQ35(t, 32, 1, 16)
	codes := make([]int8, 32)
	codes[0], codes[16], codes[17] = 1, 1, -1
	kernSetQ35(w, 0, codes, []float32{1, 1 << 24}, []float32{0, 1 << 24})
	a := make([]int8, 32)
	a[0], a[16], a[17] = 1, 1, 1
	expectBits(t, "MatmulQ35", MatmulQ35(a, 1, w), []float32{1})
}

func TestDequantLUTSmall(t *testing.T) {
	w := kernNewInt4(t, 4, 1, 2)
	kernSetInt4(w, 0, []int8{-8, 7, 0, -1}, []float32{2, 0.5})
	var lut [16]float32
	for i := range lut {
		lut[i] = float32(i * i)
	}
	// lut[0]*2, lut[15]*2, lut[8]*0.5, lut[7]*0.5
	expectBits(t, "DequantLUT", DequantLUT(w, lut), []float32{0, 450, 32, 24.5})
}

// TestDequantLUTIdentity checks that the table lut[c+8] = c gives the
// format's own dequantized values, on random codes and scales.
func TestDequantLUTIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := kernRandInt4(t, r, 96, 7, 32, kernRandScale)
	var lut [16]float32
	for i := range lut {
		lut[i] = float32(i - 8)
	}
	got := DequantLUT(w, lut)
	want := make([]float32, w.N*w.K)
	for n := range w.N {
		for k := range w.K {
			want[n*w.K+k] = w.Dequant(n, k)
		}
	}
	expectBits(t, "DequantLUT", got, want)
}

// The naive tests compare each kernel with "dequantize, then multiply in
// float64" on inputs where every f32 operation is exact: integer
// activations, scales that are powers of two from 1/4 to 2, and sums far
// below 2^24 quarter-units. Any order then gives the same result, so a
// mismatch is a decoding, indexing or grouping bug, not rounding.

func TestMatmulF32Naive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct{ m, k, n int }{{1, 1, 1}, {3, 17, 5}, {8, 64, 32}} {
		a, b := kernRandInts(r, s.m*s.k), kernRandInts(r, s.k*s.n)
		want := make([]float32, s.m*s.n)
		for i := range s.m {
			for j := range s.n {
				var acc float64
				for k := range s.k {
					acc += float64(a[i*s.k+k]) * float64(b[k*s.n+j])
				}
				want[i*s.n+j] = float32(acc)
			}
		}
		expectBits(t, "MatmulF32", MatmulF32(a, b, s.m, s.k, s.n), want)
	}
}

func TestMatmulI8I4Naive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct{ m, k, n, g int }{{1, 2, 1, 2}, {3, 64, 9, 16}, {4, 256, 16, 128}, {2, 96, 5, 96}} {
		w := kernRandInt4(t, r, s.k, s.n, s.g, kernPow2Scale)
		a := kernRandInt8s(r, s.m*s.k)
		expectBits(t, "MatmulI8I4", MatmulI8I4(a, s.m, w), kernNaive(a, s.m, s.k, s.n, w.Dequant))
	}
}

func TestMatmulQ35Naive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range []struct{ m, k, n, g int }{{1, 16, 1, 16}, {3, 64, 9, 16}, {4, 256, 16, 128}, {2, 96, 5, 48},
		{2, 48, 3, 24}, {1, 16, 2, 8}} { // groups that end inside a block
		w := kernRandQ35(t, r, s.k, s.n, s.g, kernPow2Scale)
		a := kernRandInt8s(r, s.m*s.k)
		expectBits(t, "MatmulQ35", MatmulQ35(a, s.m, w), kernNaive(a, s.m, s.k, s.n, w.Dequant))
	}
}

// TestKernelsRejectBadShapes checks that mismatched operands panic with a
// message naming the kernel, rather than reading out of bounds or
// returning garbage.
func TestKernelsRejectBadShapes(t *testing.T) {
	q := kernNewQ35(t, 32, 2, 16)
	shortQ := *q
	shortQ.Codes = q.Codes[:len(q.Codes)-1]
	badG := *q
	badG.G = 12
	i4 := kernNewInt4(t, 4, 2, 2)
	shortI4 := *i4
	shortI4.Scales = i4.Scales[:1]
	for _, c := range []struct {
		name, want string
		f          func()
	}{
		{"f32 a", "runtime.MatmulF32", func() { MatmulF32(make([]float32, 5), make([]float32, 6), 2, 3, 2) }},
		{"f32 b", "runtime.MatmulF32", func() { MatmulF32(make([]float32, 6), make([]float32, 5), 2, 3, 2) }},
		{"i4 a", "runtime.MatmulI8I4: len(a)", func() { MatmulI8I4(make([]int8, 3), 1, i4) }},
		{"i4 scales", "runtime.MatmulI8I4: 4 code bytes and 1 scales", func() { MatmulI8I4(make([]int8, 4), 1, &shortI4) }},
		{"lut scales", "runtime.DequantLUT", func() { DequantLUT(&shortI4, [16]float32{}) }},
		{"q35 a", "runtime.MatmulQ35: len(a) = 31", func() { MatmulQ35(make([]int8, 31), 1, q) }},
		{"q35 negative m", "runtime.MatmulQ35: len(a) = 0", func() { MatmulQ35(nil, -1, q) }},
		{"q35 codes", "runtime.MatmulQ35: 27 code bytes", func() { MatmulQ35(make([]int8, 32), 1, &shortQ) }},
		{"q35 group", "runtime.MatmulQ35: group size 12", func() { MatmulQ35(make([]int8, 32), 1, &badG) }},
		{"fast a", "runtime.MatmulQ35Fast: len(a)", func() { MatmulQ35Fast(make([]int8, 33), 1, q, 1) }},
		{"fast codes", "runtime.MatmulQ35Fast: 27 code bytes", func() { MatmulQ35Fast(make([]int8, 32), 1, &shortQ, 2) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, c.want) {
					t.Errorf("panic %q, want one containing %q", msg, c.want)
				}
			}()
			c.f()
		})
	}
}

func TestKernelsEmpty(t *testing.T) {
	q := kernNewQ35(t, 16, 3, 16)
	if got := MatmulQ35(nil, 0, q); len(got) != 0 {
		t.Errorf("MatmulQ35 with m = 0 returned %d values", len(got))
	}
	if got := MatmulQ35Fast(nil, 0, q, 2); len(got) != 0 {
		t.Errorf("MatmulQ35Fast with m = 0 returned %d values", len(got))
	}
}

// expectBits fails unless got and want hold the same f32 bit patterns.
func expectBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s returned %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			if bad++; bad <= 5 {
				t.Errorf("%s: element %d = %v (%#08x), want %v (%#08x)",
					what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d elements differ", what, bad, len(got))
	}
}

// kernNaive returns C = A·Wᵀ from the dequantized weights, summed in
// float64 and rounded once.
func kernNaive(a []int8, m, k, n int, dequant func(n, k int) float32) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var acc float64
			for kk := range k {
				acc += float64(a[i*k+kk]) * float64(dequant(j, kk))
			}
			c[i*n+j] = float32(acc)
		}
	}
	return c
}

// Test helpers are prefixed kern so as not to collide with other tests of
// the package.

func kernNewQ35(t testing.TB, k, n, g int) *Q35 {
	t.Helper()
	w, err := NewQ35(k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func kernNewInt4(t testing.TB, k, n, g int) *Int4 {
	t.Helper()
	w, err := NewInt4(k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// kernSetQ35 sets row n's codes and scales.
func kernSetQ35(w *Q35, n int, codes []int8, even, odd []float32) {
	for k, c := range codes {
		w.SetCode(n, k, c)
	}
	copy(w.ScaleEven[n*(w.K/w.G):], even)
	copy(w.ScaleOdd[n*(w.K/w.G):], odd)
}

// kernSetInt4 sets row n's codes and scales.
func kernSetInt4(w *Int4, n int, codes []int8, scales []float32) {
	for k, c := range codes {
		w.SetCode(n, k, c)
	}
	copy(w.Scales[n*(w.K/w.G):], scales)
}

// kernRandQ35 returns a matrix of random codes (every byte pattern of a
// block is a valid block) and scales drawn by scale.
func kernRandQ35(t testing.TB, r *rand.Rand, k, n, g int, scale func(*rand.Rand) float32) *Q35 {
	w := kernNewQ35(t, k, n, g)
	kernRandBytes(r, w.Codes)
	for i := range w.ScaleEven {
		w.ScaleEven[i], w.ScaleOdd[i] = scale(r), scale(r)
	}
	return w
}

func kernRandInt4(t testing.TB, r *rand.Rand, k, n, g int, scale func(*rand.Rand) float32) *Int4 {
	w := kernNewInt4(t, k, n, g)
	kernRandBytes(r, w.Codes)
	for i := range w.Scales {
		w.Scales[i] = scale(r)
	}
	return w
}

func kernRandBytes(r *rand.Rand, p []byte) {
	for i := range p {
		p[i] = byte(r.Uint32())
	}
}

// kernRandInt8s returns n activations over the whole int8 range, -128 and
// 127 included.
func kernRandInt8s(r *rand.Rand, n int) []int8 {
	a := make([]int8, n)
	for i := range a {
		a[i] = int8(r.Uint32())
	}
	return a
}

// kernRandInts returns n small integers as f32.
func kernRandInts(r *rand.Rand, n int) []float32 {
	a := make([]float32, n)
	for i := range a {
		a[i] = float32(r.IntN(201) - 100)
	}
	return a
}

// kernPow2Scale returns ±2^e for e in -2..1: dequantization and sums stay
// exact in f32.
func kernPow2Scale(r *rand.Rand) float32 {
	s := float32(math.Ldexp(1, r.IntN(4)-2))
	if r.IntN(2) == 0 {
		return -s
	}
	return s
}

// kernRandScale returns a scale of either sign over a wide range of
// magnitudes, so that f32 rounding happens everywhere.
func kernRandScale(r *rand.Rand) float32 {
	return float32(math.Ldexp(r.NormFloat64(), r.IntN(21)-10))
}
