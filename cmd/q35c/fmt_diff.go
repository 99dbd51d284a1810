package main

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/golden"
)

// diffContext is how many unchanged lines surround a change in a hunk.
const diffContext = 3

// unifiedDiff renders the change from a to b as a unified diff (what
// `diff -u` and `patch` read), or nothing when they are equal.
func unifiedDiff(from, to string, a, b []byte) []byte {
	lines := golden.LineDiff(string(a), string(b))
	// na[i], nb[i]: how many old and new lines come before lines[i].
	na, nb := make([]int, len(lines)+1), make([]int, len(lines)+1)
	for i, l := range lines {
		na[i+1], nb[i+1] = na[i], nb[i]
		if l.Op != '+' {
			na[i+1]++
		}
		if l.Op != '-' {
			nb[i+1]++
		}
	}
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		if lines[i].Op == ' ' {
			continue
		}
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
		}
		start, stop := max(i-diffContext, 0), hunkEnd(lines, i)
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(na[start], na[stop]), hunkRange(nb[start], nb[stop]))
		for _, l := range lines[start:stop] {
			out.WriteByte(l.Op)
			out.WriteString(l.Text)
			if !strings.HasSuffix(l.Text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = stop - 1
	}
	return []byte(out.String())
}

// hunkEnd returns the end of the hunk whose first change is lines[i]: it
// takes every later change separated from the one before by at most twice
// the context, and the context after the last.
func hunkEnd(lines []golden.Line, i int) int {
	last := i
	for j := i; j < len(lines) && j-last <= 2*diffContext+1; j++ {
		if lines[j].Op != ' ' {
			last = j
		}
	}
	return min(last+diffContext+1, len(lines))
}

// hunkRange spells the lines from+1..to of one side: "start,count", with
// the line before as start for an empty range.
func hunkRange(from, to int) string {
	if to == from {
		return fmt.Sprintf("%d,0", from)
	}
	return fmt.Sprintf("%d,%d", from+1, to-from)
}
