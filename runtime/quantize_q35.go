package runtime

// QuantizeQ35 quantizes w, n rows of k weights (row-major, PyTorch
// nn.Linear layout), to the 3.5-bit format with groups of g along K.
//
// For every row and group it chooses two scales, ScaleEven for the group's
// 4-bit (even) positions and ScaleOdd for its 3-bit (odd) positions, each by
// its own error-minimizing search (see searchScale; WithScaleMethod(Absmax)
// and WithSharedScale give the baselines), then stores
// code = clamp(round(w/scale)), rounding half away from zero and clamping to
// -8..7 or -4..3. A group parity whose weights are all zero gets scale 0
// and codes 0, which dequantize to exactly 0.
//
// It fails on a bad shape, a group size above MaxGroupQ35, or a NaN or ±Inf
// weight (naming its row and column). Rows are spread over GOMAXPROCS
// goroutines (one for small matrices; see WithWorkers); the result is the
// same for any number of them.
func QuantizeQ35(w []float32, k, n, g int, opts ...Option) (*Q35, error) {
	if err := CheckQ35Shape(k, n, g); err != nil {
		return nil, err
	}
	if err := checkGroup(g, MaxGroupQ35, "3.5-bit"); err != nil {
		return nil, err
	}
	if err := checkMatrix("weight", w, k, n); err != nil {
		return nil, err
	}
	q, err := NewQ35(k, n, g)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	forEachRow(n, k, cfg.workers, g, func(r int, buf []float32) {
		for gi := range k / g {
			q.quantizeGroup(w[r*k:(r+1)*k], r, gi, buf, cfg)
		}
	})
	return q, nil
}

// quantizeGroup quantizes group gi of row r, whose weights are row, using buf
// (g values) to hold the group's even then odd positions for the search.
func (q *Q35) quantizeGroup(row []float32, r, gi int, buf []float32, cfg quantConfig) {
	k0 := gi * q.G
	even, odd := buf[:q.G/2], buf[q.G/2:q.G]
	for j := range q.G / 2 {
		even[j], odd[j] = row[k0+2*j], row[k0+2*j+1]
	}
	se4, so3 := scaleSlot{even, range4}, scaleSlot{odd, range3}
	var se, so float32
	if cfg.shared {
		se = searchScale([]scaleSlot{se4, so3}, cfg.method)
		so = se
	} else {
		se = searchScale([]scaleSlot{se4}, cfg.method)
		so = searchScale([]scaleSlot{so3}, cfg.method)
	}
	i := r*(q.K/q.G) + gi
	q.ScaleEven[i], q.ScaleOdd[i] = se, so
	for j := range q.G / 2 {
		q.SetCode(r, k0+2*j, quantCode(even[j], se, range4))
		q.SetCode(r, k0+2*j+1, quantCode(odd[j], so, range3))
	}
}
