package runtime

// QuantizeInt4 quantizes w, n rows of k weights (row-major), to signed
// 4-bit codes (-8..7) with one scale per group of g along K, chosen by the
// error-minimizing search unless WithScaleMethod(Absmax) is given. Codes,
// rounding, zero groups and errors are as for QuantizeQ35.
func QuantizeInt4(w []float32, k, n, g int, opts ...Option) (*Int4, error) {
	if err := CheckGroupedShape(k, n, g, 2); err != nil {
		return nil, err
	}
	if err := checkGroup(g, MaxGroupInt4, "INT4"); err != nil {
		return nil, err
	}
	if err := checkMatrix("weight", w, k, n); err != nil {
		return nil, err
	}
	q, err := NewInt4(k, n, g)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	forEachRow(n, k, cfg.workers, 0, func(r int, _ []float32) {
		for gi := range k / g {
			k0 := gi * g
			s := searchScale([]scaleSlot{{w[r*k+k0 : r*k+k0+g], range4}}, cfg.method)
			q.Scales[r*(k/g)+gi] = s
			for kk := k0; kk < k0+g; kk++ {
				q.SetCode(r, kk, quantCode(w[r*k+kk], s, range4))
			}
		}
	})
	return q, nil
}

// QuantizeInt8 quantizes w, n rows of k weights (row-major), to signed
// 8-bit codes with one scale per group of g along K. Codes are symmetric,
// -127..127 (never -128), the same range as QuantizeActivations. Scales,
// rounding, zero groups and errors are as for QuantizeInt4.
func QuantizeInt8(w []float32, k, n, g int, opts ...Option) (*Int8, error) {
	return quantizeGrouped(w, k, n, g, range8, MaxGroupInt8, "INT8", opts)
}

// Int3Errors quantizes w like QuantizeInt4 but to 3-bit codes (-4..3) and
// returns only the error: INT3 is a baseline for the accuracy comparison,
// not a storage format, so it has no packed type.
func Int3Errors(w []float32, k, n, g int, opts ...Option) (Stats, error) {
	q, err := quantizeGrouped(w, k, n, g, range3, MaxGroupInt3, "INT3", opts)
	if err != nil {
		return Stats{}, err
	}
	return MatrixErrors(w, k, q.Dequant), nil
}

// quantizeGrouped quantizes to one unpacked code byte per weight with codes
// in cr and one scale per group.
func quantizeGrouped(w []float32, k, n, g int, cr codeRange, maxG int, scheme string, opts []Option) (*Int8, error) {
	if err := CheckGroupedShape(k, n, g, 1); err != nil {
		return nil, err
	}
	if err := checkGroup(g, maxG, scheme); err != nil {
		return nil, err
	}
	if err := checkMatrix("weight", w, k, n); err != nil {
		return nil, err
	}
	q, err := NewInt8(k, n, g)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	forEachRow(n, k, cfg.workers, 0, func(r int, _ []float32) {
		for gi := range k / g {
			grp := w[r*k+gi*g : r*k+gi*g+g]
			s := searchScale([]scaleSlot{{grp, cr}}, cfg.method)
			q.Scales[r*(k/g)+gi] = s
			for j, v := range grp {
				q.Codes[r*k+gi*g+j] = quantCode(v, s, cr)
			}
		}
	})
	return q, nil
}
