package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// parallelMin is the number of weights below which quantizers stay on one
// goroutine: starting workers costs more than it saves.
const parallelMin = 1 << 16

// forEachRow calls row(r, buf) for every r in [0, n) of an n×k matrix.
// Rows are handed out to workers goroutines a few at a time (workers <= 0:
// one for small matrices, GOMAXPROCS otherwise); each goroutine owns one
// scratch buf of bufLen float32. A row's result depends only on that row,
// so the output does not depend on scheduling.
func forEachRow(n, k, workers, bufLen int, row func(r int, buf []float32)) {
	if workers <= 0 {
		workers = goruntime.GOMAXPROCS(0)
		if n*k < parallelMin {
			workers = 1
		}
	}
	if workers == 1 {
		buf := make([]float32, bufLen)
		for r := range n {
			row(r, buf)
		}
		return
	}
	const chunk = 4
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			buf := make([]float32, bufLen)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for r := lo; r < min(lo+chunk, n); r++ {
					row(r, buf)
				}
			}
		})
	}
	wg.Wait()
}
