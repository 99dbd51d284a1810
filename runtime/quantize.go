package runtime

import (
	"fmt"
	"math"
)

// ScaleMethod chooses how a quantizer picks a group's scale.
type ScaleMethod int

const (
	// MSE searches for the scale that minimizes the group's squared error
	// (see searchScale). It is the default.
	MSE ScaleMethod = iota
	// Absmax maps the group's largest magnitude to the largest positive
	// code: scale = max|w| / qmax (7, 3 or 127; 7 for a scale shared by
	// 4-bit and 3-bit positions). It is kept as the baseline that shows
	// what the search buys.
	Absmax
)

func (m ScaleMethod) String() string {
	if m == Absmax {
		return "absmax"
	}
	return "mse"
}

// DefaultGroup is the default group size along K for every scheme.
const DefaultGroup = 128

// Option configures a quantizer.
type Option func(*quantConfig)

type quantConfig struct {
	method  ScaleMethod
	shared  bool
	workers int
}

// WithScaleMethod selects how scales are chosen (default MSE).
func WithScaleMethod(m ScaleMethod) Option { return func(c *quantConfig) { c.method = m } }

// WithSharedScale makes QuantizeQ35 choose one scale per group for both the
// 4-bit and the 3-bit positions (stored in both ScaleEven and ScaleOdd).
// It exists for the accuracy comparison; other quantizers ignore it.
func WithSharedScale() Option { return func(c *quantConfig) { c.shared = true } }

// WithWorkers sets how many goroutines quantize rows (default: GOMAXPROCS,
// or one for small matrices). The output does not depend on it.
func WithWorkers(n int) Option { return func(c *quantConfig) { c.workers = n } }

func newConfig(opts []Option) quantConfig {
	var c quantConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// checkMatrix reports a slice of what ("weight", "activation") that does not
// hold n rows of k, or its first NaN or ±Inf in row-major order, naming its
// row and column.
func checkMatrix(what string, w []float32, k, n int) error {
	if len(w) != k*n {
		return fmt.Errorf("%ss: have %d values, want %d (%d rows × %d)", what, len(w), k*n, n, k)
	}
	for i, v := range w {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%s at row %d, column %d is %v: only finite values can be quantized", what, i/k, i%k, v)
		}
	}
	return nil
}

// checkGroup rejects a group size whose int32 accumulation in the kernels
// could overflow (see int32bound.go).
func checkGroup(g, limit int, scheme string) error {
	if g > limit {
		return fmt.Errorf("group size %d: %s kernels accumulate a group in int32, which overflows above %d", g, scheme, limit)
	}
	return nil
}

// quantCode returns clamp(round(w/s), cr.lo, cr.hi), rounding half away
// from zero, and 0 when s is 0. It rounds the exact quotient: with w = A·2^a
// and s = B·2^b (A, B < 2^24), w/s minus a half-integer h is a nonzero
// multiple of 2^min(a,b)/(2B·2^b), at least 2^-34·|h| when |w/s| < 2^8, so
// the float64 quotient (relative error 2^-53) stays on the same side of
// every h it is not equal to, and adding ±0.5 then truncating cannot cross
// an integer it should not. Clamping first keeps the conversion in range.
func quantCode(w, s float32, cr codeRange) int8 {
	if s == 0 {
		return 0
	}
	r := min(max(float64(w)/float64(s), float64(cr.lo)), float64(cr.hi))
	return int8(r + math.Copysign(0.5, r))
}
