package ir

import "testing"

// BenchmarkExec runs loopy kernels through the interpreter. The ops/s
// metric counts the ops executed in the innermost loop body, its yield
// included: 5 per iteration (two loads, mul, add, yield) for the matmul,
// 7 (two loads, two casts, mul, add, yield) for the matvec.
func BenchmarkExec(b *testing.B) {
	benches := []struct {
		name  string
		f     *Func
		inner float64 // ops executed per run
	}{
		{"matmul_f32_256", matmulF32(256, 256, 256), 5 * 256 * 256 * 256},
		{"matvec_i4_1024x4096", matvecI4(1024, 4096), 7 * 1024 * 4096},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			mem := fillAll(bb.f)
			for b.Loop() {
				if err := Exec(bb.f, mem); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(bb.inner*float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}
