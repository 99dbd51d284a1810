package runtime

import "math"

// Stats measures how far dequantized weights are from the originals.
type Stats struct {
	N       int     // number of weights
	RMS     float64 // root mean square of the original weights
	RMSE    float64 // root mean square of original - dequantized
	RelRMSE float64 // RMSE / RMS (0 if both are 0, +Inf if only RMS is)
	MaxAbs  float64 // largest |original - dequantized|
}

// Errors compares orig[i] with dequant(i) for every i. Sums are kept in
// float64, in index order, so the result is deterministic.
func Errors(orig []float32, dequant func(i int) float32) Stats {
	var sq, sqErr, maxAbs float64
	for i, v := range orig {
		d := float64(v) - float64(dequant(i))
		sq += float64(v) * float64(v)
		sqErr += d * d
		maxAbs = max(maxAbs, math.Abs(d))
	}
	return statsOf(len(orig), sq, sqErr, maxAbs)
}

// statsOf finishes statistics from n weights' sum of squares, sum of
// squared errors and largest absolute error.
func statsOf(n int, sq, sqErr, maxAbs float64) Stats {
	st := Stats{N: n, MaxAbs: maxAbs}
	if n == 0 {
		return st
	}
	st.RMS = math.Sqrt(sq / float64(n))
	st.RMSE = math.Sqrt(sqErr / float64(n))
	switch {
	case st.RMS > 0:
		st.RelRMSE = st.RMSE / st.RMS
	case st.RMSE > 0:
		st.RelRMSE = math.Inf(1)
	}
	return st
}

// StatsSum merges the statistics of disjoint parts of one matrix, such as
// the bands a large tensor is quantized in. The zero value is empty.
type StatsSum struct {
	n                 int
	sq, sqErr, maxAbs float64
}

// Add merges the statistics of one more part.
func (a *StatsSum) Add(s Stats) {
	a.n += s.N
	a.sq += s.RMS * s.RMS * float64(s.N)
	a.sqErr += s.RMSE * s.RMSE * float64(s.N)
	a.maxAbs = max(a.maxAbs, s.MaxAbs)
}

// Stats returns the statistics of every part added so far.
func (a *StatsSum) Stats() Stats { return statsOf(a.n, a.sq, a.sqErr, a.maxAbs) }

// MatrixErrors is Errors for a row-major matrix of rows of k weights whose
// dequantized values dequant(n, k) gives, such as (*Q35).Dequant.
func MatrixErrors(orig []float32, k int, dequant func(n, k int) float32) Stats {
	return Errors(orig, func(i int) float32 { return dequant(i/k, i%k) })
}
