package runtime

import (
	"fmt"
	"math"
)

// QuantizeActivations quantizes a, m rows of k activations (row-major), to
// INT8 with one scale per row: scale = max|a| / 127 (in f32) and
// code = clamp(round(a/scale), -127, 127), rounding half away from zero.
// An all-zero row gets scale 0 and codes 0. A row whose max|a|/127
// underflows f32 gets the smallest positive f32 as its scale. It fails on a
// bad shape or a NaN or ±Inf value, naming its row and column.
func QuantizeActivations(a []float32, m, k int) (q []int8, scale []float32, err error) {
	if m <= 0 || k <= 0 {
		return nil, nil, fmt.Errorf("activations %dx%d: dimensions must be positive", m, k)
	}
	if err := checkMatrix("activation", a, k, m); err != nil {
		return nil, nil, err
	}
	q, scale = make([]int8, m*k), make([]float32, m)
	for r := range m {
		row := a[r*k : (r+1)*k]
		var amax float32
		for _, v := range row {
			amax = max(amax, absF32(v))
		}
		if amax == 0 {
			continue
		}
		s := max(amax/127, math.SmallestNonzeroFloat32)
		scale[r] = s
		for j, v := range row {
			q[r*k+j] = quantCode(v, s, range8)
		}
	}
	return q, scale, nil
}
