package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// MatmulQ35Fast computes the same C = A·Wᵀ as MatmulQ35, bit for bit, with
// up to threads goroutines (threads < 1 means GOMAXPROCS). m = 1 is the
// matrix-vector product of token generation, larger m (e.g. 32) a
// matrix-matrix one.
//
// Workers take chunks of rows of W (outputs n) in turn. Blocks of 16 codes
// are loaded two at a time, one word each, and spread into words of 16-bit
// lanes; one 64-bit multiplication by a word of four activations forms four
// products and their sum at once (kernels_fast_lanes.go). Each decoded
// run of blocks is used for every row of A.
//
// Bit-identity: the int32 group sums are formed with exact integer
// additions and multiplications, so they equal the reference's wrapping
// int32 sums modulo 2^32 whatever the order; the f32 steps are the
// reference's, in its order (addQ35Group).
func MatmulQ35Fast(a []int8, m int, w *Q35, threads int) []float32 {
	kernelCheckQ35("runtime.MatmulQ35Fast", w)
	kernelCheckActivations("runtime.MatmulQ35Fast", a, m, w.K)
	if w.G%16 != 0 {
		// A group of 8·odd weights ends inside a 7-byte block; the block
		// decoder works on whole blocks per group, so such (rare) shapes
		// take the reference path, which is bit-identical by definition.
		return MatmulQ35(a, m, w)
	}
	c := make([]float32, m*w.N)
	if m == 0 {
		return c
	}
	if threads < 1 {
		threads = goruntime.GOMAXPROCS(0)
	}
	acts := fastActivationPairs(a, m, w.K, w.G)
	chunks := (w.N + fastRowsPerChunk - 1) / fastRowsPerChunk
	threads = min(threads, chunks)
	var next atomic.Int64
	work := func() {
		fw := newFastWorker(w, m, acts, c)
		for {
			ch := int(next.Add(1)) - 1
			if ch >= chunks {
				return
			}
			fw.rows(ch*fastRowsPerChunk, min((ch+1)*fastRowsPerChunk, w.N))
		}
	}
	if threads == 1 {
		work()
		return c
	}
	var wg sync.WaitGroup
	for range threads {
		wg.Go(work)
	}
	wg.Wait()
	return c
}

const (
	// fastRowsPerChunk is how many rows of W a worker takes at a time:
	// enough that the shared counter is touched rarely and that workers'
	// stores into C seldom share a cache line, few enough to balance.
	fastRowsPerChunk = 32
	// fastPairsPerRun is how many pairs of blocks of a row of W are decoded
	// before they are used by every row of A (2 KiB).
	fastPairsPerRun = 32
)

// fastWorker is one goroutine's view of the operands and its scratch
// space, allocated once per call.
type fastWorker struct {
	w    *Q35
	m    int
	acts []fastPair // see fastActivationPairs
	c    []float32
	run  [fastPairsPerRun]fastPair // decoded blocks
	acc  [][2]int64                // per row of A: a group's even and odd sums
	sum  []float32                 // per row of W in the chunk and row of A: the f32 sum so far
}

func newFastWorker(w *Q35, m int, acts []fastPair, c []float32) *fastWorker {
	return &fastWorker{w: w, m: m, acts: acts, c: c,
		acc: make([][2]int64, m), sum: make([]float32, fastRowsPerChunk*m)}
}

// rows computes C[i, n] for n in [n0, n1) and every row i of A.
func (fw *fastWorker) rows(n0, n1 int) {
	w, m := fw.w, fw.m
	sum := fw.sum[:(n1-n0)*m]
	clear(sum)
	if m == 1 {
		for n := n0; n < n1; n++ {
			sum[n-n0] = fw.vector(n)
		}
	} else {
		// Go group by group, so that a group's activation words (8 KiB for
		// G = 128 and m = 32) stay in L1 while every row of the chunk uses
		// them.
		for g := range w.K / w.G {
			for n := n0; n < n1; n++ {
				fw.group(n, g, sum[(n-n0)*m:][:m])
			}
		}
	}
	for n := n0; n < n1; n++ {
		for i, s := range sum[(n-n0)*m:][:m] {
			fw.c[i*w.N+n] = s
		}
	}
}

// vector returns C[0, n] when A has one row: decoding and multiplying are
// fused, and A's words (16 KiB for K = 8192) stay in L1.
func (fw *fastWorker) vector(n int) float32 {
	w := fw.w
	groups, bpg, ppg := w.K/w.G, w.G/16, fastPairsPerGroup(w.G)
	var sum float32
	for g := range groups {
		e, o := fastDotVector(w.Codes, n*w.RowBytes()+g*bpg*Q35BlockBytes, fw.acts[g*ppg:(g+1)*ppg])
		sum = addQ35Group(sum, int32(e), int32(o), w.ScaleEven[n*groups+g], w.ScaleOdd[n*groups+g])
	}
	return sum
}

// group adds group g of row n of W to the f32 sums of C[i, n], one per row
// i of A, decoding each block once for all rows of A.
func (fw *fastWorker) group(n, g int, sum []float32) {
	w := fw.w
	groups, bpg, ppg := w.K/w.G, w.G/16, fastPairsPerGroup(w.G)
	clear(fw.acc)
	for r0 := 0; r0 < ppg; r0 += fastPairsPerRun {
		run := fw.run[:min(fastPairsPerRun, ppg-r0)]
		fastDecodeRun(run, w.Codes, n*w.RowBytes()+(g*bpg+2*r0)*Q35BlockBytes)
		fastDotRuns(run, fw.acts[g*fw.m*ppg+r0:], ppg, fw.acc)
	}
	se, so := w.ScaleEven[n*groups+g], w.ScaleOdd[n*groups+g]
	for i, acc := range fw.acc {
		sum[i] = addQ35Group(sum[i], int32(acc[0]), int32(acc[1]), se, so)
	}
}

// fastDecodeRun spreads the pairs of blocks at codes[off:] into run.
func fastDecodeRun(run []fastPair, codes []byte, off int) {
	for j := range run {
		p := codes[off+2*j*Q35BlockBytes:]
		u0, u1 := fastLoadBlock(p), fastLoadBlock(p[Q35BlockBytes:])
		a0, a1, a2, a3 := fastSpread(u0)
		b0, b1, b2, b3 := fastSpread(u1)
		run[j] = fastPair{a0, a1, b0, b1, a2, a3, b2, b3}
	}
}

// fastDotVector returns the dot products of the pairs of blocks at
// codes[off:] with the activation pairs acts, even then odd: fastDecodeRun
// and fastDotRuns for one row of A, fused.
func fastDotVector(codes []byte, off int, acts []fastPair) (even, odd int64) {
	for j := range acts {
		p := codes[off+2*j*Q35BlockBytes:]
		u0, u1 := fastLoadBlock(p), fastLoadBlock(p[Q35BlockBytes:])
		a0, a1, a2, a3 := fastSpread(u0)
		b0, b1, b2, b3 := fastSpread(u1)
		x := &acts[j]
		even += fastLane3(a0*x[0] + a1*x[1] + b0*x[2] + b1*x[3])
		odd += fastLane3(a2*x[4] + a3*x[5] + b2*x[6] + b3*x[7])
	}
	return even, odd
}

// fastDotRuns adds to acc[i] the dot products of the decoded pairs run
// with the activation pairs acts[i*stride:][:len(run)], even then odd, for
// every i: four lane products per extraction (kernels_fast_lanes.go).
func fastDotRuns(run, acts []fastPair, stride int, acc [][2]int64) {
	for i := range acc {
		xs := acts[i*stride:][:len(run)]
		var even, odd int64
		for j := range run {
			q, x := &run[j], &xs[j]
			even += fastLane3(q[0]*x[0] + q[1]*x[1] + q[2]*x[2] + q[3]*x[3])
			odd += fastLane3(q[4]*x[4] + q[5]*x[5] + q[6]*x[6] + q[7]*x[7])
		}
		acc[i][0] += even
		acc[i][1] += odd
	}
}
