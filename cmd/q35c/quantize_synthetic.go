package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/q35c/q35c/runtime"
)

// A distribution draws synthetic weights; each has mean 0 and variance 1,
// so that errors are comparable across distributions.
type distribution struct {
	name, desc string
	draw       func(r *rand.Rand) float64
}

// studentDF is the degrees of freedom of the student-t weights: heavy
// tails (kurtosis 9) but a finite variance to normalize by.
const studentDF = 5

var distributions = []distribution{
	{"gaussian", "normal", func(r *rand.Rand) float64 { return r.NormFloat64() }},
	{"laplace", "Laplace", func(r *rand.Rand) float64 {
		// Exponential magnitude (mean b) with a random sign; b = 1/sqrt(2)
		// gives variance 2b^2 = 1.
		e := r.ExpFloat64() / math.Sqrt2
		if r.IntN(2) == 0 {
			return -e
		}
		return e
	}},
	{"student-t", fmt.Sprintf("Student's t (%d degrees of freedom)", studentDF), func(r *rand.Rand) float64 {
		// Z / sqrt(chi2/df), scaled by sqrt((df-2)/df) to variance 1.
		var chi2 float64
		for range studentDF {
			x := r.NormFloat64()
			chi2 += x * x
		}
		return r.NormFloat64() / math.Sqrt(chi2/studentDF) * math.Sqrt(float64(studentDF-2)/studentDF)
	}},
}

func distNames() string {
	names := make([]string, len(distributions))
	for i, d := range distributions {
		names[i] = d.name
	}
	return strings.Join(names, ", ")
}

func findDist(name string) (*distribution, error) {
	for i := range distributions {
		if distributions[i].name == name {
			return &distributions[i], nil
		}
	}
	return nil, fmt.Errorf("invalid --dist %q: want one of %s", name, distNames())
}

// parseShape reads ROWSxCOLS ("8192x8192").
func parseShape(s string) (n, k int, err error) {
	a, b, ok := strings.Cut(s, "x")
	if ok {
		n, err = strconv.Atoi(a)
	}
	if ok && err == nil {
		k, err = strconv.Atoi(b)
	}
	if !ok || err != nil || n <= 0 || k <= 0 || n > 1<<20 || k > 1<<20 {
		return 0, 0, fmt.Errorf("invalid --synthetic %q: want ROWSxCOLS, e.g. 8192x8192 (each from 1 to %d)", s, 1<<20)
	}
	return n, k, nil
}

// generate fills dst with rows [r0, r1) of k weights. Row r is drawn from
// its own PCG stream (seed, r), so the matrix depends only on the seed and
// its shape, not on the band size or on how many goroutines draw it.
func generate(dst []float32, r0, r1, k int, seed uint64, d *distribution) {
	var wg sync.WaitGroup
	workers := goruntime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for r := r0 + w; r < r1; r += workers {
				rng := rand.New(rand.NewPCG(seed, uint64(r)))
				row := dst[(r-r0)*k : (r-r0+1)*k]
				for i := range row {
					row[i] = float32(d.draw(rng))
				}
			}
		})
	}
	wg.Wait()
}

// params70B is the parameter count of the model whose size the table gives.
const params70B = 70e9

// runSynthetic measures every scheme of the runtime's accuracy table on
// one synthetic matrix, band by band, and prints the table.
func runSynthetic(ctx context.Context, out io.Writer, n, k, g int, seed uint64, d *distribution) error {
	var rows []runtime.Comparison
	var accs []runtime.StatsSum
	w := make([]float32, min(n, bandRows(k))*k)
	for r0 := 0; r0 < n; r0 += bandRows(k) {
		if err := ctx.Err(); err != nil {
			return err
		}
		r1 := min(n, r0+bandRows(k))
		band := w[:(r1-r0)*k]
		generate(band, r0, r1, k, seed, d)
		cmp, err := runtime.CompareSchemes(band, k, r1-r0, g)
		if err != nil {
			return &ioError{err}
		}
		if rows == nil {
			rows, accs = cmp, make([]runtime.StatsSum, len(cmp))
		}
		for i, c := range cmp {
			accs[i].Add(c.Stats)
		}
	}
	fmt.Fprintf(out, "%d x %d synthetic weights: %s, mean 0, variance 1, seed %d; groups of %d along the %d columns\n\n",
		n, k, d.desc, seed, g, k)
	width := len("f16 (unquantized)")
	for _, r := range rows {
		width = max(width, len(r.Scheme))
	}
	tw := newTable(out, []int{width}, "scheme", "bits/weight", "rel. RMSE", "max abs error", "70B model")
	for i, r := range rows {
		st := accs[i].Stats()
		tw.row(r.Scheme, fmt.Sprintf("%.3f", r.BitsPerWeight), percent(st.RelRMSE), fmt.Sprintf("%.4f", st.MaxAbs), gigabytes(params70B*r.BitsPerWeight/8))
	}
	tw.row("f16 (unquantized)", "16.000", "-", "-", gigabytes(params70B*2))
	return tw.flush()
}

func percent(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

// gigabytes renders a byte count in decimal GB, as model sizes are quoted.
func gigabytes(b float64) string { return fmt.Sprintf("%.1f GB", b/1e9) }
