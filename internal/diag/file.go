package diag

import (
	"sort"
	"unicode/utf8"
)

// File is one source text with its name as the user gave it.
type File struct {
	Name  string
	Src   []byte
	lines []int // byte offset of the start of each line, computed lazily
}

// NewFile wraps src under name.
func NewFile(name string, src []byte) *File {
	return &File{Name: name, Src: src}
}

func (f *File) lineStarts() []int {
	if f.lines == nil {
		f.lines = append(f.lines, 0)
		for i, c := range f.Src {
			if c == '\n' {
				f.lines = append(f.lines, i+1)
			}
		}
	}
	return f.lines
}

// LineCol returns the 1-based line and column (in runes) of byte offset off.
func (f *File) LineCol(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(f.Src) {
		off = len(f.Src)
	}
	starts := f.lineStarts()
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	return i + 1, utf8.RuneCount(f.Src[starts[i]:off]) + 1
}

// Line returns the text of 1-based line n without its newline.
func (f *File) Line(n int) string {
	starts := f.lineStarts()
	if n < 1 || n > len(starts) {
		return ""
	}
	end := len(f.Src)
	if n < len(starts) {
		end = starts[n] - 1
	}
	s := string(f.Src[starts[n-1]:end])
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// Pos is a position in a source file: the file and a byte offset. The zero
// Pos means "no position" (compiler-generated code).
type Pos struct {
	File *File
	Off  int
}

// IsKnown reports whether p points into a file.
func (p Pos) IsKnown() bool { return p.File != nil }

// LineCol returns the 1-based line and column of p, or 0, 0 when unknown.
func (p Pos) LineCol() (int, int) {
	if p.File == nil {
		return 0, 0
	}
	return p.File.LineCol(p.Off)
}

// String renders p as file:line:col.
func (p Pos) String() string {
	if p.File == nil {
		return "<unknown>"
	}
	l, c := p.LineCol()
	return p.File.Name + ":" + itoa(l) + ":" + itoa(c)
}

// Span is a range [Pos.Off, End) in one file.
type Span struct {
	Pos
	End int
}

// SpanOf returns a span of n bytes starting at p.
func SpanOf(p Pos, n int) Span { return Span{Pos: p, End: p.Off + n} }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
