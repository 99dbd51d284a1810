package golden

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Line is one line of a line diff: Op is ' ' (in both texts), '-' (only
// in the old) or '+' (only in the new); Text keeps its newline, if any.
type Line struct {
	Op   byte
	Text string
}

// LineDiff diffs a and b line by line: each distinct line becomes one
// rune, and go-diff's Myers diff runs over the runes. (go-diff's own line
// mode, DiffLinesToChars with DiffCharsToLines, is broken in v1.3.1: it
// diffs the decimal digits of the line numbers, so a change in line 13 of
// 30 shows as lines that did not change.)
func LineDiff(a, b string) []Line {
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
	var out []Line
	for _, d := range diffmatchpatch.New().DiffMainRunes(ra, rb, false) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, r := range d.Text {
			out = append(out, Line{op, texts[runeLine(r)]})
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
