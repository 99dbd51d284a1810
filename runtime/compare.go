package runtime

import (
	"fmt"
	"strings"
)

// Comparison is one line of the accuracy table: a scheme, its storage cost
// and its error on some weights.
type Comparison struct {
	Scheme        string
	BitsPerWeight float64 // codes plus f32 scales
	Stats
}

// schemes lists the rows of the accuracy table, baselines first. Each
// quantizes with the options given to CompareSchemes plus its own.
var schemes = []struct {
	name string
	bits func(g int) float64
	run  func(w []float32, k, n, g int, opts []Option) (Stats, error)
}{
	{"q35, one absmax scale", q35OneScaleBits, q35Errors(WithScaleMethod(Absmax), WithSharedScale())},
	{"q35, two absmax scales", Q35BitsPerWeight, q35Errors(WithScaleMethod(Absmax))},
	{"q35, one mse scale", q35OneScaleBits, q35Errors(WithSharedScale())},
	{"q35, two mse scales (q35c)", Q35BitsPerWeight, q35Errors()},
	{"int4, absmax", Int4BitsPerWeight, int4Errors(WithScaleMethod(Absmax))},
	{"int4, mse", Int4BitsPerWeight, int4Errors()},
	{"int3, mse", Int3BitsPerWeight, int3Errors},
	{"int8, mse", Int8BitsPerWeight, int8Errors},
}

// CompareSchemes quantizes w (n rows of k, groups of g) with every scheme
// of the accuracy table and measures each one's error. opts apply to every
// scheme (WithWorkers is the useful one). g must suit every scheme (a
// multiple of 8 dividing k, k a multiple of 16); the first scheme's error is returned if not.
func CompareSchemes(w []float32, k, n, g int, opts ...Option) ([]Comparison, error) {
	var out []Comparison
	for _, s := range schemes {
		st, err := s.run(w, k, n, g, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, Comparison{Scheme: s.name, BitsPerWeight: s.bits(g), Stats: st})
	}
	return out, nil
}

// q35OneScaleBits is what a one-scale variant of the format would cost if
// it stored a single scale per group: 3.5 + 32/g.
func q35OneScaleBits(g int) float64 { return 3.5 + 32/float64(g) }

func q35Errors(extra ...Option) func(w []float32, k, n, g int, opts []Option) (Stats, error) {
	return func(w []float32, k, n, g int, opts []Option) (Stats, error) {
		q, err := QuantizeQ35(w, k, n, g, append(opts[:len(opts):len(opts)], extra...)...)
		if err != nil {
			return Stats{}, err
		}
		return MatrixErrors(w, k, q.Dequant), nil
	}
}

func int4Errors(extra ...Option) func(w []float32, k, n, g int, opts []Option) (Stats, error) {
	return func(w []float32, k, n, g int, opts []Option) (Stats, error) {
		q, err := QuantizeInt4(w, k, n, g, append(opts[:len(opts):len(opts)], extra...)...)
		if err != nil {
			return Stats{}, err
		}
		return MatrixErrors(w, k, q.Dequant), nil
	}
}

func int8Errors(w []float32, k, n, g int, opts []Option) (Stats, error) {
	q, err := QuantizeInt8(w, k, n, g, opts...)
	if err != nil {
		return Stats{}, err
	}
	return MatrixErrors(w, k, q.Dequant), nil
}

func int3Errors(w []float32, k, n, g int, opts []Option) (Stats, error) {
	return Int3Errors(w, k, n, g, opts...)
}

// FormatComparison renders the accuracy table as aligned text, one line
// per scheme: bits per weight (f32 scales included), relative RMSE, RMSE,
// max abs error.
func FormatComparison(rows []Comparison) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %9s %9s %8s %8s\n", "scheme", "bits/wt", "rel RMSE", "RMSE", "max err")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-28s %9.3f %8.2f%% %8.4f %8.4f\n", r.Scheme, r.BitsPerWeight, 100*r.RelRMSE, r.RMSE, r.MaxAbs)
	}
	return b.String()
}
