package lpusim

import (
	"fmt"
	"html"
	"io"
)

// Timeline layout, in SVG user units.
const (
	tlWidth  = 800 // the time axis of each kernel
	tlLabel  = 160 // the column of row labels
	tlRow    = 18  // one unit's row
	tlHeader = 22  // a kernel's title line
	tlGap    = 12  // between kernels
)

// WriteTimeline draws each kernel's units over time as SVG: per kernel a
// title, a row for the matrix unit and one for the vector unit, and a
// rectangle per job where the unit is busy (its tooltip gives the
// cycles). Each kernel's time axis spans its own cycles, so idle time
// shows as gaps in a row. The output is deterministic.
func WriteTimeline(w io.Writer, reports []*KernelReport) error {
	height := tlGap
	for range reports {
		height += tlHeader + 2*tlRow + tlGap
	}
	p := &svg{w: w}
	p.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", tlLabel+tlWidth+tlGap, height)
	y := tlGap
	for _, r := range reports {
		p.printf(`<text x="0" y="%d" font-weight="bold">kernel %s: %d cycles, matrix unit %.1f%% busy, vector unit %.1f%% busy</text>`+"\n",
			y+14, html.EscapeString(r.Kernel), r.Cycles, 100*r.MatrixBusyFraction, 100*r.VectorBusyFraction)
		y += tlHeader
		scale := float64(tlWidth) / float64(max(r.Cycles, 1))
		for u, unit := range []string{"matrix unit", "vector unit"} {
			p.printf(`<text x="0" y="%d">%s</text>`+"\n", y+13, unit)
			p.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="#eee"/>`+"\n", tlLabel, y+1, tlWidth, tlRow-2)
			for i, j := range r.Jobs {
				busy, color := j.MatrixCycles, "#3a7bd5"
				if u == 1 {
					busy, color = j.VectorCycles, "#e67e22"
				}
				if busy == 0 {
					continue
				}
				p.printf(`<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"><title>job %d at %s: %s busy for cycles %d..%d</title></rect>`+"\n",
					tlLabel+float64(j.Start)*scale, y+1, max(float64(busy)*scale, 0.5), tlRow-2, color,
					i, html.EscapeString(j.Pos), unit, j.Start, j.Start+busy)
			}
			y += tlRow
		}
		y += tlGap
	}
	p.printf("</svg>\n")
	return p.err
}

// svg writes formatted text, keeping the first error.
type svg struct {
	w   io.Writer
	err error
}

func (p *svg) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
