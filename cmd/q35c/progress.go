package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/q35c/q35c/internal/tensorio"
)

// progress reports how far quantize is, on standard error: a bar redrawn
// in place on a terminal, one line per tensor otherwise, nothing with
// --quiet.
type progress struct {
	w        io.Writer
	mode     progressMode
	total    int64 // input bytes to go through
	done     int64
	ntensors int
	cur      int
	name     string
	start    time.Time
	lastDraw time.Time
	shown    bool // a bar is on the screen
}

type progressMode int

const (
	progressQuiet progressMode = iota
	progressLines
	progressBar
)

// barWidth keeps the bar line under 80 columns, so that it never wraps
// (a wrapped line cannot be redrawn in place).
const barWidth = 79

func newProgress(w io.Writer, quiet bool, items []item) *progress {
	p := &progress{w: w, mode: progressLines, ntensors: len(items), start: time.Now()}
	switch {
	case quiet:
		p.mode = progressQuiet
	case isTerminal(w) && os.Getenv("TERM") != "dumb":
		p.mode = progressBar
	}
	for _, it := range items {
		p.total += int64(len(it.t.Data))
	}
	return p
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// begin announces the next tensor.
func (p *progress) begin(t *tensorio.Tensor) {
	p.cur++
	p.name = t.Name
	switch p.mode {
	case progressLines:
		fmt.Fprintf(p.w, "q35c: [%d/%d] %s (%s %s, %s)\n", p.cur, p.ntensors, t.Name, t.DType, t.ShapeString(), byteSize(int64(len(t.Data))))
	case progressBar:
		p.draw()
	}
}

// advance records n more input bytes done, redrawing the bar at most ten
// times a second.
func (p *progress) advance(n int64) {
	p.done += n
	if p.mode == progressBar && time.Since(p.lastDraw) >= 100*time.Millisecond {
		p.draw()
	}
}

// draw shows the bar: [=====>    ]  42%  1.2 GiB/2.9 GiB  3/13  ETA 1m5s  name
func (p *progress) draw() {
	if p.mode != progressBar {
		return
	}
	p.lastDraw = time.Now()
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	const cells = 20
	fill := int(frac * cells)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", cells-fill)
	if fill < cells {
		bar = bar[:fill] + ">" + bar[fill+1:]
	}
	line := fmt.Sprintf("[%s] %3.0f%%  %s/%s  %d/%d%s  %s", bar, 100*frac, byteSize(p.done), byteSize(p.total), p.cur, p.ntensors, p.eta(frac), p.name)
	if len(line) > barWidth {
		line = line[:barWidth]
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

func (p *progress) eta(frac float64) string {
	elapsed := time.Since(p.start)
	if frac <= 0 || frac >= 1 || elapsed < 2*time.Second {
		return ""
	}
	left := time.Duration(float64(elapsed) * (1 - frac) / frac)
	return "  ETA " + left.Round(time.Second).String()
}

// clear erases the bar, so that a table line can be printed.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
