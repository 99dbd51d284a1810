package main

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a line diff: op is ' ' (in both), '-' (only in
// the old text) or '+' (only in the new); text keeps its newline, if any.
type diffLine struct {
	op   byte
	text string
}

// lineDiff diffs a and b line by line: each distinct line becomes one
// rune, and go-diff's Myers diff runs over the runes. (go-diff's own line
// mode, DiffLinesToChars, is broken in v1.3.1: it diffs the decimal digits
// of line numbers.)
func lineDiff(a, b string) []diffLine {
	ids := map[string]rune{}
	var texts []string
	encode := func(s string) []rune {
		var rs []rune
		for _, l := range strings.SplitAfter(s, "\n") {
			if l == "" {
				continue
			}
			id, ok := ids[l]
			if !ok {
				id = lineRune(len(texts))
				ids[l] = id
				texts = append(texts, l)
			}
			rs = append(rs, id)
		}
		return rs
	}
	ra, rb := encode(a), encode(b)
	var out []diffLine
	for _, d := range diffmatchpatch.New().DiffMainRunes(ra, rb, false) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, r := range d.Text {
			out = append(out, diffLine{op, texts[runeLine(r)]})
		}
	}
	return out
}

// lineRune and runeLine map line numbers to valid runes and back, skipping
// the surrogates, which a Go string cannot hold.
func lineRune(i int) rune {
	if i >= 0xD800 {
		i += 0x800
	}
	return rune(i)
}

func runeLine(r rune) int {
	if r >= 0xE000 {
		r -= 0x800
	}
	return int(r)
}

// diffContext is how many unchanged lines surround a change in a hunk.
const diffContext = 3

// unifiedDiff renders the change from a to b as a unified diff (what
// `diff -u` and `patch` read), or nothing when they are equal.
func unifiedDiff(from, to string, a, b []byte) []byte {
	lines := lineDiff(string(a), string(b))
	// na[i], nb[i]: how many old and new lines come before lines[i].
	na, nb := make([]int, len(lines)+1), make([]int, len(lines)+1)
	for i, l := range lines {
		na[i+1], nb[i+1] = na[i], nb[i]
		if l.op != '+' {
			na[i+1]++
		}
		if l.op != '-' {
			nb[i+1]++
		}
	}
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		if lines[i].op == ' ' {
			continue
		}
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
		}
		start, stop := max(i-diffContext, 0), hunkEnd(lines, i)
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(na[start], na[stop]), hunkRange(nb[start], nb[stop]))
		for _, l := range lines[start:stop] {
			out.WriteByte(l.op)
			out.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
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
func hunkEnd(lines []diffLine, i int) int {
	last := i
	for j := i; j < len(lines) && j-last <= 2*diffContext+1; j++ {
		if lines[j].op != ' ' {
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
