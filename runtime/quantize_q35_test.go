package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestQuantizeQ35Bound(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 1))
	for _, g := range []int{8, 16, 24, 32, 128} {
		for _, opts := range [][]Option{nil, {WithSharedScale()}, {WithScaleMethod(Absmax)}} {
			k, n := 2*g, 5
			if k%16 != 0 {
				k *= 2 // groups of 8·odd weights: K still holds whole blocks
			}
			w := qtWeights(rng, k*n)
			q, err := QuantizeQ35(w, k, n, g, opts...)
			if err != nil {
				t.Fatal(err)
			}
			qtCheckQ35(t, fmt.Sprintf("G=%d %v", g, qtOpts(opts)), q, w)
		}
	}
}

func TestQuantizeQ35ZeroGroups(t *testing.T) {
	k, n, g := 64, 2, 32
	w := make([]float32, k*n)
	for i := 1; i < 32; i += 2 { // row 0, group 0: only odd positions set
		w[i] = float32(i)
	}
	for i := 32; i < 64; i += 2 { // row 0, group 1: only even positions set
		w[i] = -float32(i)
	}
	q, err := QuantizeQ35(w, k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	want := struct{ even, odd []float32 }{}
	want.even = []float32{0, q.ScaleEven[1], 0, 0}
	want.odd = []float32{q.ScaleOdd[0], 0, 0, 0}
	if !slices.Equal(q.ScaleEven, want.even) || !slices.Equal(q.ScaleOdd, want.odd) || q.ScaleEven[1] == 0 || q.ScaleOdd[0] == 0 {
		t.Errorf("scales even %v odd %v: want zero exactly for all-zero slots", q.ScaleEven, q.ScaleOdd)
	}
	for r := range n {
		for kk := range k {
			if w[r*k+kk] == 0 && q.Dequant(r, kk) != 0 {
				t.Errorf("(%d, %d): zero weight dequantizes to %g", r, kk, q.Dequant(r, kk))
			}
		}
	}
}

func TestQuantizeQ35Options(t *testing.T) {
	k, n, g := 128, 4, 64
	w := qtGaussian(3, k*n)
	shared, err := QuantizeQ35(w, k, n, g, WithSharedScale())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shared.ScaleEven, shared.ScaleOdd) {
		t.Errorf("WithSharedScale: even %v != odd %v", shared.ScaleEven, shared.ScaleOdd)
	}
	abs, err := QuantizeQ35(w, k, n, g, WithScaleMethod(Absmax))
	if err != nil {
		t.Fatal(err)
	}
	absShared, err := QuantizeQ35(w, k, n, g, WithScaleMethod(Absmax), WithSharedScale())
	if err != nil {
		t.Fatal(err)
	}
	for r := range n {
		for gi := range k / g {
			even, odd := qtParity(w[r*k+gi*g:r*k+gi*g+g], 0), qtParity(w[r*k+gi*g:r*k+gi*g+g], 1)
			i := r*(k/g) + gi
			if got, want := abs.ScaleEven[i], float32(float64(qtAbsmax(even))/7); got != want {
				t.Errorf("absmax even scale [%d] = %g, want max|w|/7 = %g", i, got, want)
			}
			if got, want := abs.ScaleOdd[i], float32(float64(qtAbsmax(odd))/3); got != want {
				t.Errorf("absmax odd scale [%d] = %g, want max|w|/3 = %g", i, got, want)
			}
			if got, want := absShared.ScaleOdd[i], float32(float64(max(qtAbsmax(even), qtAbsmax(odd)))/7); got != want {
				t.Errorf("shared absmax scale [%d] = %g, want max|w|/7 = %g", i, got, want)
			}
		}
	}
}

// The search never does worse than the absmax scale it starts from, group
// by group; separate scales do better than one shared scale overall.
func TestQuantizeQ35SearchOrder(t *testing.T) {
	k, n, g := 256, 8, 128
	w := qtGaussian(4, k*n)
	errs := map[string][]float64{}
	for name, opts := range map[string][]Option{
		"two mse":    nil,
		"two absmax": {WithScaleMethod(Absmax)},
		"one mse":    {WithSharedScale()},
	} {
		q, err := QuantizeQ35(w, k, n, g, opts...)
		if err != nil {
			t.Fatal(err)
		}
		errs[name] = qtGroupErrors(w, k, g, q.Dequant)
	}
	for i := range errs["two mse"] {
		if m, a := errs["two mse"][i], errs["two absmax"][i]; m > a*(1+1e-9) {
			t.Errorf("group %d: squared error %g with mse scales, %g with absmax scales", i, m, a)
		}
	}
	if m, o := qtSum(errs["two mse"]), qtSum(errs["one mse"]); m >= o {
		t.Errorf("squared error %g with two mse scales, %g with one", m, o)
	}
}

func TestQuantizeQ35Deterministic(t *testing.T) {
	k, n, g := 256, 37, 64
	w := qtGaussian(5, k*n)
	one, err := QuantizeQ35(w, k, n, g, WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{2, 3, 8} {
		q, err := QuantizeQ35(w, k, n, g, WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(q.Codes, one.Codes) || !slices.Equal(q.ScaleEven, one.ScaleEven) || !slices.Equal(q.ScaleOdd, one.ScaleOdd) {
			t.Errorf("%d workers: result differs from one worker", workers)
		}
	}
}

func TestQuantizeQ35Errors(t *testing.T) {
	nan := func(i int) []float32 { w := make([]float32, 64*3); w[i] = float32(math.NaN()); return w }
	for _, tc := range []struct {
		w       []float32
		k, n, g int
		want    string
	}{
		{make([]float32, 64), 64, 1, 12, "must be a positive multiple of 8"},
		{make([]float32, 40), 40, 1, 8, "K = 40 is not a multiple of 16"},
		{make([]float32, 64), 64, 1, 48, "not a multiple of the group size"},
		{make([]float32, 64), 64, 2, 16, "have 64 values, want 128"},
		{make([]float32, 0), 0, 1, 16, "dimensions must be positive"},
		{nan(64 + 5), 64, 3, 16, "row 1, column 5 is NaN"},
		{nil, MaxGroupQ35 + 8, 1, MaxGroupQ35 + 8, "overflows above 4194296"},
	} {
		_, err := QuantizeQ35(tc.w, tc.k, tc.n, tc.g)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("QuantizeQ35(k=%d n=%d g=%d): error %v, want %q", tc.k, tc.n, tc.g, err, tc.want)
		}
	}
}

// qtCheckQ35 checks every weight of q against w with qtCheckCode.
func qtCheckQ35(t *testing.T, what string, q *Q35, w []float32) {
	t.Helper()
	for r := range q.N {
		for k := range q.K {
			cr := range4
			if k%2 == 1 {
				cr = range3
			}
			qtCheckCode(t, fmt.Sprintf("%s (%d, %d)", what, r, k), w[r*q.K+k], q.Scale(r, k), q.Code(r, k), q.Dequant(r, k), cr)
		}
	}
}

// qtWeights is n weights mixing N(0,1) rows, scaled rows, rows with an
// outlier, zeros, subnormals and huge values.
func qtWeights(rng *rand.Rand, n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		switch rng.IntN(10) {
		case 0:
			w[i] = qtRandF32(rng)
		case 1:
			w[i] = 0
		default:
			w[i] = float32(rng.NormFloat64())
		}
	}
	return w
}

func qtParity(x []float32, p int) []float32 {
	var out []float32
	for i := p; i < len(x); i += 2 {
		out = append(out, x[i])
	}
	return out
}

func qtAbsmax(x []float32) float32 {
	var a float32
	for _, v := range x {
		a = max(a, float32(math.Abs(float64(v))))
	}
	return a
}

// qtGroupErrors is the squared error of every group, row by row.
func qtGroupErrors(w []float32, k, g int, dequant func(n, k int) float32) []float64 {
	var out []float64
	for i := 0; i < len(w); i += g {
		var e float64
		for j := i; j < i+g; j++ {
			d := float64(w[j]) - float64(dequant(j/k, j%k))
			e += d * d
		}
		out = append(out, e)
	}
	return out
}

func qtOpts(opts []Option) string {
	c := newConfig(opts)
	return fmt.Sprintf("%v shared=%v", c.method, c.shared)
}

func qtSum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
