package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMatmulQ35 times one 8192×8192 layer (G = 128) of INT8 × 3.5-bit
// for M = 1 (matrix-vector, as in token generation) and M = 32
// (matrix-matrix, as in prefill), through the reference and the fast kernel
// with 1 and 2 threads. It reports ms/layer and GB/s of weight bytes read
// (codes and scales, 32 MiB, each read once per layer). The random operands
// are made before any timing. The reference at M = 32 takes about 16 s per
// layer: run with a small fixed count, e.g.
//
//	go test ./runtime -run '^$' -bench MatmulQ35 -benchtime 3x
func BenchmarkMatmulQ35(b *testing.B) {
	const k, n, g = 8192, 8192, 128
	r := rand.New(rand.NewPCG(21, 22))
	w := kernRandQ35(b, r, k, n, g, kernRandScale)
	for _, m := range []int{1, 32} {
		a := kernRandInt8s(r, m*k)
		b.Run(fmt.Sprintf("M=%d/ref", m), func(b *testing.B) {
			benchQ35(b, w, func() []float32 { return MatmulQ35(a, m, w) })
		})
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("M=%d/fast/threads=%d", m, threads), func(b *testing.B) {
				benchQ35(b, w, func() []float32 { return MatmulQ35Fast(a, m, w, threads) })
			})
		}
	}
}

// benchQ35 runs f b.N times and reports the per-layer metrics.
func benchQ35(b *testing.B, w *Q35, f func() []float32) {
	for b.Loop() {
		f()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/layer")
	b.ReportMetric(float64(w.Bytes())/sec/1e9, "GB/s")
}
