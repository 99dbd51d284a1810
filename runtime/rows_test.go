package runtime

import (
	"sync/atomic"
	"testing"
)

func TestForEachRowVisitsEveryRowOnce(t *testing.T) {
	for _, tc := range []struct{ n, k, workers int }{
		{1, 1, 0}, {7, 3, 0}, {7, 3, 2}, {100, 1 << 12, 0}, {9, 1, 16}, {33, 5, 3},
	} {
		seen := make([]atomic.Int32, tc.n)
		forEachRow(tc.n, tc.k, tc.workers, 4, func(r int, buf []float32) {
			if len(buf) != 4 {
				t.Errorf("buffer of %d, want 4", len(buf))
			}
			buf[0] = float32(r) // the buffer is this goroutine's own (-race checks)
			seen[r].Add(1)
		})
		for r := range seen {
			if c := seen[r].Load(); c != 1 {
				t.Errorf("n=%d workers=%d: row %d visited %d times", tc.n, tc.workers, r, c)
			}
		}
	}
}
