package frontend

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/q35c/q35c/internal/diag"
)

// Format returns src in the canonical layout of docs/language.md
// ("Formatting"), the output of `q35c fmt`. It needs only valid syntax:
// a file that does not parse gives the frontend's positioned diagnostics as
// a *diag.ListError (the file is named name in them). The result compiles
// to the same IR as src, and formatting it again changes nothing.
func Format(name string, src []byte) ([]byte, error) {
	diags := &diag.List{}
	if Parse(diag.NewFile(name, src), diags) == nil {
		diags.Sort()
		return nil, diags.Err()
	}
	pf, err := parser.ParseBytes(name, src)
	if err != nil { // Parse accepted it: cannot happen
		return nil, fmt.Errorf("%s: internal error: the parser disagrees with itself: %v", name, err)
	}
	toks, comments, err := lexForFormat(name, src)
	if err != nil {
		return nil, fmt.Errorf("%s: internal error: %v", name, err)
	}
	f := &formatter{src: src, toks: toks, comments: comments, lastOut: -1}
	f.file(pf)
	out := f.bytes()
	if err := sameTokens(name, toks, out); err != nil {
		return nil, err
	}
	return out, nil
}

// comment is one `//` comment of the source.
type comment struct {
	off, end, line int
	text           string // without trailing blanks
}

// lexForFormat splits src into its code tokens and its comments; the parser
// drops comments, so the formatter re-lexes the source to put them back.
func lexForFormat(name string, src []byte) ([]lexer.Token, []comment, error) {
	lx, err := q35Lexer.LexString(name, string(src))
	if err != nil {
		return nil, nil, err
	}
	syms := q35Lexer.Symbols()
	var toks []lexer.Token
	var comments []comment
	for {
		t, err := lx.Next()
		if err != nil {
			return nil, nil, err
		}
		switch {
		case t.EOF():
			return toks, comments, nil
		case t.Type == syms["Comment"]:
			text := strings.TrimRight(t.Value, " \t\r")
			comments = append(comments, comment{off: t.Pos.Offset, end: t.Pos.Offset + len(t.Value), line: t.Pos.Line, text: text})
		case t.Type != syms["Whitespace"]:
			toks = append(toks, t)
		}
	}
}

// blankRule says whether a blank line goes before the next printed line.
type blankRule uint8

const (
	blankKeep  blankRule = iota // one if the source has at least one there
	blankNever                  // none (first line of a block, `}`)
	blankForce                  // one (around kernels)
)

// formatter prints the parse tree line by line. Each printed line of code
// covers a range of the source; the comments before that range's last token
// are printed first (so a comment inside a statement moves above it), and a
// comment on the same source line as the end of a printed line trails it.
type formatter struct {
	src      []byte
	toks     []lexer.Token // code tokens, in order
	comments []comment
	next     int // first comment not yet printed
	lines    []string
	lastEnd  int // source offset just past what was printed last
	lastLine int // source line where the last printed code line ends
	lastOut  int // index in lines of the last code line, -1 after a comment
}

func (f *formatter) bytes() []byte {
	if len(f.lines) == 0 {
		return nil
	}
	return []byte(strings.Join(f.lines, "\n") + "\n")
}

// code prints one line of code covering the source from start through the
// token last, after the comments that come before last.
func (f *formatter) code(indent string, start int, last lexer.Token, text string, rule blankRule) {
	rule = f.flush(last.Pos.Offset, indent, rule)
	f.put(indent, start, tokEnd(last), text, rule)
	f.lastLine, f.lastOut = last.Pos.Line, len(f.lines)-1
}

// flush prints the comments that start before off: one on the source line
// where the last code line ends trails it, the others get their own lines.
// It returns the rule for the line after them.
func (f *formatter) flush(off int, indent string, rule blankRule) blankRule {
	for f.next < len(f.comments) && f.comments[f.next].off < off {
		c := f.comments[f.next]
		f.next++
		if f.lastOut >= 0 && c.line == f.lastLine {
			f.lines[f.lastOut] += " " + c.text
			f.lastEnd = c.end
			continue
		}
		f.put(indent, c.off, c.end, c.text, rule)
		f.lastOut = -1
		rule = blankKeep
	}
	return rule
}

// put appends a line for the source range [start, end).
func (f *formatter) put(indent string, start, end int, text string, rule blankRule) {
	if len(f.lines) > 0 && (rule == blankForce || rule == blankKeep && f.blankBefore(start)) {
		f.lines = append(f.lines, "")
	}
	f.lines = append(f.lines, indent+text)
	f.lastEnd = max(f.lastEnd, end)
}

// blankBefore reports whether the source has a blank line between what was
// printed last and off.
func (f *formatter) blankBefore(off int) bool {
	if off <= f.lastEnd {
		return false
	}
	return bytes.Count(f.src[f.lastEnd:off], []byte("\n")) >= 2
}

// lastTok returns the last code token that starts before off.
func (f *formatter) lastTok(off int) lexer.Token {
	i := sort.Search(len(f.toks), func(i int) bool { return f.toks[i].Pos.Offset >= off })
	return f.toks[max(i-1, 0)]
}

// tokAfter returns the n-th code token after the one at off.
func (f *formatter) tokAfter(off, n int) lexer.Token {
	i := sort.Search(len(f.toks), func(i int) bool { return f.toks[i].Pos.Offset >= off })
	return f.toks[min(i+n, len(f.toks)-1)]
}

func tokEnd(t lexer.Token) int { return t.Pos.Offset + len(t.Value) }

// sameTokens checks that out holds the code tokens toks of the source, but
// for the semicolons and trailing commas the formatter drops, and parses:
// a formatter bug must never rewrite a file into a different program.
func sameTokens(name string, toks []lexer.Token, out []byte) error {
	outToks, _, err := lexForFormat(name, out)
	ta, tb := significant(toks), significant(outToks)
	if err != nil || len(ta) != len(tb) {
		return fmt.Errorf("%s: internal error: formatting changed the tokens of the program", name)
	}
	for i := range ta {
		if ta[i] != tb[i] {
			return fmt.Errorf("%s: internal error: formatting changed token %d from %q to %q", name, i, ta[i], tb[i])
		}
	}
	if _, err := parser.ParseBytes(name, out); err != nil {
		return fmt.Errorf("%s: internal error: the formatted program does not parse: %v", name, err)
	}
	return nil
}

// significant returns the token texts without `;` and without a `,` just
// before `)`.
func significant(toks []lexer.Token) []string {
	var s []string
	for i, t := range toks {
		if t.Value == ";" || t.Value == "," && i+1 < len(toks) && toks[i+1].Value == ")" {
			continue
		}
		s = append(s, t.Value)
	}
	return s
}
