package diag

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Render writes every diagnostic of l in source order, then a summary line
// when errors were dropped past MaxErrors.
func (l *List) Render(w io.Writer) {
	for _, d := range l.Diags {
		Render(w, d)
	}
	if l.dropped > 0 {
		fmt.Fprintf(w, "too many errors (%d more not shown)\n", l.dropped)
	}
}

// Render writes one diagnostic:
//
//	file:line:col: error: message
//	    source line
//	    ^~~~
//
// followed by its notes in the same form.
func Render(w io.Writer, d Diagnostic) {
	sp := d.Span
	if !sp.IsKnown() {
		fmt.Fprintf(w, "%s: %s\n", d.Severity, d.Msg)
	} else {
		fmt.Fprintf(w, "%s: %s: %s\n", sp.Pos, d.Severity, d.Msg)
		renderSource(w, sp)
	}
	for _, n := range d.Notes {
		Render(w, n)
	}
}

func renderSource(w io.Writer, sp Span) {
	line, col := sp.LineCol()
	text := sp.File.Line(line)
	// Width of the underline in runes, clipped to the end of the line.
	width := 1
	if sp.End > sp.Off {
		endLine, endCol := sp.File.LineCol(sp.End)
		if endLine == line {
			width = endCol - col
		} else {
			width = utf8.RuneCountInString(text) - col + 1
		}
	}
	if width < 1 {
		width = 1
	}
	expanded, pad := expandTabs(text, col)
	expanded, pad, width = clipLine(expanded, pad, width)
	fmt.Fprintf(w, "    %s\n    %s^%s\n", expanded, strings.Repeat(" ", pad), strings.Repeat("~", width-1))
}

// Lines longer than maxShownLine bytes are shown as a window of
// shownContext bytes either side of the caret, so that a diagnostic in a
// 10 MB line is a few hundred bytes, not 20 MB.
const (
	maxShownLine  = 400
	shownContext  = 150
	clippedMarker = "..."
)

// clipLine returns the part of line to show around display column pad, the
// caret's column in it and the underline's width, clipped to that part.
func clipLine(line string, pad, width int) (string, int, int) {
	if len(line) <= maxShownLine {
		return line, pad, width
	}
	start := min(max(0, pad-shownContext), len(line))
	end := min(len(line), max(pad, start)+shownContext)
	for start > 0 && !utf8.RuneStart(line[start]) {
		start++
	}
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end--
	}
	shown := line[start:end]
	if start > 0 {
		shown = clippedMarker + shown
		pad += len(clippedMarker)
	}
	pad -= start
	if end < len(line) {
		shown += clippedMarker
	}
	return shown, pad, max(1, min(width, len(shown)-pad))
}

// expandTabs replaces tabs by four spaces and returns the display column
// (0-based) of rune column col.
func expandTabs(text string, col int) (string, int) {
	var b strings.Builder
	pad, i := 0, 1
	for _, r := range text {
		if i == col {
			pad = b.Len()
		}
		if r == '\t' {
			b.WriteString("    ")
		} else {
			b.WriteRune(r)
		}
		i++
	}
	if col >= i {
		pad = b.Len() + (col - i)
	}
	return b.String(), pad
}
