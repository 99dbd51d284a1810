package passes

import (
	"fmt"
	"io"
	"time"

	"github.com/q35c/q35c/ir"
)

// timer collects the wall time of each pipeline step, in order, and of all
// verifier runs together.
type timer struct {
	rows   []timerRow
	verify time.Duration
}

type timerRow struct {
	name string
	d    time.Duration
}

func (t *timer) add(name string, d time.Duration) { t.rows = append(t.rows, timerRow{name, d}) }

// verifyModule runs ir.Verify on m and counts its time.
func (t *timer) verifyModule(m *ir.Module) error {
	start := time.Now()
	err := ir.Verify(m)
	t.verify += time.Since(start)
	return err
}

// print writes the table: one row per step in pipeline order, then the
// verifier, then the total, with each row's share of the total.
func (t *timer) print(w io.Writer) {
	rows := append(append([]timerRow(nil), t.rows...), timerRow{"(verifier, all runs)", t.verify})
	var total time.Duration
	for _, r := range rows {
		total += r.d
	}
	fmt.Fprintln(w, "===-- q35c pass timing (wall clock) --===")
	fmt.Fprintln(w, "   time (ms)   share  pass")
	for _, r := range append(rows, timerRow{"total", total}) {
		share := 100.0
		if total > 0 {
			share = 100 * float64(r.d) / float64(total)
		}
		fmt.Fprintf(w, "  %10.3f  %5.1f%%  %s\n", float64(r.d)/float64(time.Millisecond), share, r.name)
	}
}
