package main

import (
	"fmt"
	"io"
	"strings"
)

// table prints rows as they come, in columns whose widths are fixed when
// it is made (so a row can be printed the moment it is known): the first
// column left-aligned, the others right-aligned, two spaces apart.
type table struct {
	w      io.Writer
	widths []int
	err    error
}

// newTable prints the header line. minWidths (may be shorter than headers)
// reserve room for the longest cell known in advance.
func newTable(w io.Writer, minWidths []int, headers ...string) *table {
	t := &table{w: w, widths: make([]int, len(headers))}
	for i, h := range headers {
		t.widths[i] = len(h)
		if i < len(minWidths) {
			t.widths[i] = max(t.widths[i], minWidths[i])
		}
	}
	t.row(headers...)
	return t
}

func (t *table) row(cells ...string) {
	var b strings.Builder
	for i, c := range cells {
		w := 0
		if i < len(t.widths) {
			w = t.widths[i]
		}
		switch {
		case i == 0:
			fmt.Fprintf(&b, "%-*s", w, c)
		default:
			fmt.Fprintf(&b, "  %*s", w, c)
		}
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(t.w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil && t.err == nil {
		t.err = err
	}
}

// flush returns the first error writing the table met.
func (t *table) flush() error {
	if t.err != nil {
		return &ioError{fmt.Errorf("writing standard output: %v", t.err)}
	}
	return nil
}

// byteSize renders a byte count in binary units: 512 B, 4.0 KiB, 1.5 GiB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}
