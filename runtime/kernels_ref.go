package runtime

import "fmt"

// The reference kernels compute exactly what the example kernels in
// examples/*.q35 compute, in the same order of operations, so that every
// executor (the IR interpreter, MLIR, native code, the LPU simulator) can be
// compared with them bit for bit. They are written for clarity, not speed;
// MatmulQ35Fast is the fast one.
//
// Rounding: the Go spec lets a compiler fuse x*y + z into one fused
// multiply-add (it does on arm64, ppc64le, s390x, riscv64, and on amd64 from
// GOAMD64=v3), which skips the rounding of x*y, even across statements and
// through a local variable. An explicit float32(...) conversion forces the
// rounding, so every f32 product and sum below that feeds another f32
// operation is wrapped in one: each operation rounds to nearest even, as
// the .q35 language (and MLIR's arith dialect without fastmath) requires.

// MatmulF32 returns C = A·B as matmul_f32.q35 computes it: A is m×k and B
// is k×n, both row-major, and C[i, j] is the f32 sum, in increasing k, of
// A[i, k]*B[k, j], starting from 0.
func MatmulF32(a, b []float32, m, k, n int) []float32 {
	if m < 0 || k < 0 || n < 0 || len(a) != m*k || len(b) != k*n {
		panic(fmt.Sprintf("runtime.MatmulF32: len(a) = %d, len(b) = %d, want m*k = %d*%d and k*n = %d*%d",
			len(a), len(b), m, k, k, n))
	}
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc float32
			for kk := 0; kk < k; kk++ {
				acc += float32(a[i*k+kk] * b[kk*n+j]) // rounded product: no FMA
			}
			c[i*n+j] = acc
		}
	}
	return c
}

// MatmulI8I4 returns C = A·Wᵀ as matmul_i8_i4.q35 computes it: A is m×K
// INT8 activations (row-major), C is m×N. Within each group g of G
// positions along K, the products A[i, k]*code(n, k) accumulate in a
// wrapping int32; the group sum converted to f32 and multiplied by the
// group's scale is added to an f32 sum that starts at 0, group by group.
func MatmulI8I4(a []int8, m int, w *Int4) []float32 {
	kernelCheckInt4("runtime.MatmulI8I4", w)
	kernelCheckActivations("runtime.MatmulI8I4", a, m, w.K)
	groups := w.K / w.G
	c := make([]float32, m*w.N)
	for i := 0; i < m; i++ {
		row := a[i*w.K : (i+1)*w.K]
		for n := 0; n < w.N; n++ {
			var sum float32
			for g := 0; g < groups; g++ {
				var acc int32
				for k := g * w.G; k < (g+1)*w.G; k++ {
					acc += int32(row[k]) * int32(w.Code(n, k))
				}
				sum += float32(float32(acc) * w.Scales[n*groups+g]) // rounded product: no FMA
			}
			c[i*w.N+n] = sum
		}
	}
	return c
}

// MatmulQ35 returns C = A·Wᵀ as matmul_q35.q35 computes it: A is m×K INT8
// activations (row-major), C is m×N. Within each group, the products of the
// even (4-bit) positions accumulate in one wrapping int32 and those of the
// odd (3-bit) positions in another; then
//
//	sum = sum + (f32(acc4)*ScaleEven + f32(acc3)*ScaleOdd)
//
// with the two products added to each other before they are added to sum.
func MatmulQ35(a []int8, m int, w *Q35) []float32 {
	kernelCheckQ35("runtime.MatmulQ35", w)
	kernelCheckActivations("runtime.MatmulQ35", a, m, w.K)
	groups := w.K / w.G
	c := make([]float32, m*w.N)
	for i := 0; i < m; i++ {
		row := a[i*w.K : (i+1)*w.K]
		for n := 0; n < w.N; n++ {
			var sum float32
			for g := 0; g < groups; g++ {
				var acc4, acc3 int32
				for k := g * w.G; k < (g+1)*w.G; k += 2 {
					acc4 += int32(row[k]) * int32(w.Code(n, k))
					acc3 += int32(row[k+1]) * int32(w.Code(n, k+1))
				}
				sum = addQ35Group(sum, acc4, acc3, w.ScaleEven[n*groups+g], w.ScaleOdd[n*groups+g])
			}
			c[i*w.N+n] = sum
		}
	}
	return c
}

// addQ35Group is the f32 step of matmul_q35.q35 for one group,
// `sum += (acc4 as f32) * Se + (acc3 as f32) * So`, each operation rounded
// in that order. MatmulQ35Fast uses it too, so both round identically.
func addQ35Group(sum float32, acc4, acc3 int32, se, so float32) float32 {
	even := float32(float32(acc4) * se)
	odd := float32(float32(acc3) * so)
	return sum + float32(even+odd)
}

// DequantLUT returns the N×K f32 matrix that dequant_lut.q35 computes from
// q's codes (its i4[N, K] buffer) and scales: W[n, k] = lut[code(n, k)+8]
// times the scale of (n, k)'s group.
func DequantLUT(q *Int4, lut [16]float32) []float32 {
	kernelCheckInt4("runtime.DequantLUT", q)
	groups := q.K / q.G
	w := make([]float32, q.N*q.K)
	for n := 0; n < q.N; n++ {
		for k := 0; k < q.K; k++ {
			w[n*q.K+k] = lut[int(q.Code(n, k))+8] * q.Scales[n*groups+k/q.G]
		}
	}
	return w
}

// kernelCheckActivations panics unless a holds m rows of k INT8 activations.
func kernelCheckActivations(fn string, a []int8, m, k int) {
	if m < 0 || len(a) != m*k {
		panic(fmt.Sprintf("%s: len(a) = %d, want m*K = %d*%d", fn, len(a), m, k))
	}
}

// kernelCheckInt4 panics unless w's shape is valid and its slices fit it.
func kernelCheckInt4(fn string, w *Int4) {
	if err := CheckGroupedShape(w.K, w.N, w.G, 2); err != nil {
		panic(fmt.Sprintf("%s: %v", fn, err))
	}
	if len(w.Codes) != w.N*w.K/2 || len(w.Scales) != w.N*(w.K/w.G) {
		panic(fmt.Sprintf("%s: %d code bytes and %d scales, want %d and %d for K=%d N=%d G=%d",
			fn, len(w.Codes), len(w.Scales), w.N*w.K/2, w.N*(w.K/w.G), w.K, w.N, w.G))
	}
}

// kernelCheckQ35 panics unless w's shape is valid and its slices fit it.
func kernelCheckQ35(fn string, w *Q35) {
	if err := CheckQ35Shape(w.K, w.N, w.G); err != nil {
		panic(fmt.Sprintf("%s: %v", fn, err))
	}
	scales := w.N * (w.K / w.G)
	if len(w.Codes) != w.N*w.RowBytes() || len(w.ScaleEven) != scales || len(w.ScaleOdd) != scales {
		panic(fmt.Sprintf("%s: %d code bytes, %d+%d scales, want %d and %d+%d for K=%d N=%d G=%d",
			fn, len(w.Codes), len(w.ScaleEven), len(w.ScaleOdd), w.N*w.RowBytes(), scales, scales, w.K, w.N, w.G))
	}
}
