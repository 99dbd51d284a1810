package runtime

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var (
	accuracyShape = flag.String("accuracy", "", "print the accuracy table for N(0,1) weights of this `NxK` shape (rows × K), e.g. 8192x8192")
	accuracyGroup = flag.Int("group", 128, "group size of the -accuracy table")
)

// TestCompareSchemes checks the accuracy table on a small N(0,1) matrix:
// the search beats absmax, two scales beat one, more bits beat fewer.
// With -accuracy NxK it prints the table for that shape (go test
// ./runtime -run CompareSchemes -v -accuracy=8192x8192 [-group=128]).
func TestCompareSchemes(t *testing.T) {
	n, k, g := 64, 512, 128
	if *accuracyShape != "" {
		if _, err := fmt.Sscanf(*accuracyShape, "%dx%d", &n, &k); err != nil {
			t.Fatalf("-accuracy %q: want NxK: %v", *accuracyShape, err)
		}
		g = *accuracyGroup
	}
	w := qtGaussianParallel(n, k)
	rows, err := CompareSchemes(w, k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	if *accuracyShape != "" {
		t.Logf("N(0,1) weights, %d rows × K=%d, group %d, seed 1\n%s", n, k, g, FormatComparison(rows))
		qtLogScales(t, w, k, n, g)
	}
	rel := map[string]float64{}
	for _, r := range rows {
		rel[r.Scheme] = r.RelRMSE
	}
	for _, order := range [][2]string{
		{"q35, two mse scales (q35c)", "q35, one mse scale"},
		{"q35, one mse scale", "q35, one absmax scale"},
		{"q35, two mse scales (q35c)", "q35, two absmax scales"},
		{"int4, mse", "int4, absmax"},
		{"int4, mse", "q35, two mse scales (q35c)"},
		{"q35, two mse scales (q35c)", "int3, mse"},
		{"int8, mse", "int4, mse"},
	} {
		if rel[order[0]] >= rel[order[1]] {
			t.Errorf("%s: relative RMSE %.4f, not below %s: %.4f", order[0], rel[order[0]], order[1], rel[order[1]])
		}
	}
}

func TestFormatComparison(t *testing.T) {
	got := FormatComparison([]Comparison{{Scheme: "int4, mse", BitsPerWeight: 4.25, Stats: Stats{RelRMSE: 0.1, RMSE: 0.1, MaxAbs: 0.5}}})
	for _, want := range []string{"scheme", "int4, mse", "4.250", "10.00%", "0.5000"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

// qtLogScales logs the mean searched Q35 scales and the error when they are
// rounded to f16 (codes kept): the figures behind docs/format.md's
// discussion of two scales and of f32 against f16.
func qtLogScales(t *testing.T, w []float32, k, n, g int) {
	q, err := QuantizeQ35(w, k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	var se, so float64
	for i := range q.ScaleEven {
		se += float64(q.ScaleEven[i]) / float64(len(q.ScaleEven))
		so += float64(q.ScaleOdd[i]) / float64(len(q.ScaleOdd))
	}
	f32 := MatrixErrors(w, k, q.Dequant).RelRMSE
	for i := range q.ScaleEven {
		q.ScaleEven[i], q.ScaleOdd[i] = qtRoundF16(q.ScaleEven[i]), qtRoundF16(q.ScaleOdd[i])
	}
	f16 := MatrixErrors(w, k, q.Dequant).RelRMSE
	t.Logf("q35 mean scales: even %.4f, odd %.4f (ratio %.3f); relative RMSE %.5f%% with f32 scales, %.5f%% with them rounded to f16",
		se, so, so/se, 100*f32, 100*f16)
}

// qtRoundF16 rounds a normal-range f16 value to f16 precision (11
// significant bits, ties to even); enough for N(0,1) scales.
func qtRoundF16(v float32) float32 {
	m, e := math.Frexp(float64(v))
	return float32(math.Ldexp(math.RoundToEven(m*2048), e-11))
}

// BenchmarkQuantizeQ35 times QuantizeQ35 on an 8192×8192 N(0,1) matrix
// (K = N = 8192, G = 128), the size of a 70B model's attention projection.
func BenchmarkQuantizeQ35(b *testing.B) {
	const k, n, g = 8192, 8192, 128
	w := qtGaussianParallel(n, k)
	b.SetBytes(int64(4 * k * n))
	b.ResetTimer()
	for b.Loop() {
		if _, err := QuantizeQ35(w, k, n, g); err != nil {
			b.Fatal(err)
		}
	}
}

// qtGaussianParallel is n rows of k N(0,1) weights, row r drawn from its
// own seeded generator so that rows can be made in parallel and the result
// does not depend on how.
func qtGaussianParallel(n, k int) []float32 {
	w := make([]float32, n*k)
	forEachRow(n, k, 0, 0, func(r int, _ []float32) {
		rng := rand.New(rand.NewPCG(1, uint64(r)))
		for i := range k {
			w[r*k+i] = float32(rng.NormFloat64())
		}
	})
	return w
}
