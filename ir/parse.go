package ir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/q35c/q35c/internal/diag"
)

// ParseModule reads back what Print writes: the module header, functions
// with their parameters and tables, and every op. name is the text's file
// name, used in positions; the module takes the name in the header (or
// name when there is none). Ops, functions and parameters get positions
// in the text, so the verifier's messages point into it. Errors are
// "name:line:col: expected X, found Y"; a module that parses but does not
// verify returns the verifier's error.
//
// Printing the parsed module gives the text back byte for byte when the
// text came from Print: value names keep their hints (%acc.1 is a second
// value named acc when %acc is taken), and constants their exact bits.
func ParseModule(name string, text []byte) (*Module, error) {
	p := &parser{lex: lexer{file: diag.NewFile(name, text)}}
	p.next()
	m, err := p.module(name)
	if err != nil {
		return nil, err
	}
	if err := Verify(m); err != nil {
		return nil, err
	}
	return m, nil
}

// headerPrefix starts the comment Print writes first.
const headerPrefix = "// q35c IR for "

// maxDepth bounds loop and parenthesis nesting, so that no input can
// exhaust the stack of the parser, the verifier or the printer.
const maxDepth = 256

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // func, i32, add, load.byte, ...
	tValue          // %name
	tFunc           // @name
	tNumber         // 12, -3, 1.5e+00, 0x3F800000
	tString         // "..." (only in the header)
	tPunct          // , : [ ] ( ) { } = + - * ->
	tBad            // a character that starts no token
)

type token struct {
	kind tokKind
	text string
	off  int
	nl   bool // a newline precedes the token
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tBad:
		return fmt.Sprintf("%q", t.text)
	}
	return "'" + t.text + "'"
}

// lexer splits the text into tokens, skipping spaces and // comments.
type lexer struct {
	file *diag.File
	off  int
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skip passes over spaces and comments, reporting whether it saw a newline.
func (l *lexer) skip() bool {
	src, nl := l.file.Src, false
	for l.off < len(src) {
		switch c := src[l.off]; {
		case c == '\n':
			nl = true
			l.off++
		case c == ' ' || c == '\t' || c == '\r':
			l.off++
		case c == '/' && l.off+1 < len(src) && src[l.off+1] == '/':
			for l.off < len(src) && src[l.off] != '\n' {
				l.off++
			}
		default:
			return nl
		}
	}
	return nl
}

func (l *lexer) scan() token {
	nl := l.skip()
	src, start := l.file.Src, l.off
	tok := func(k tokKind, end int) token {
		l.off = end
		return token{kind: k, text: string(src[start:end]), off: start, nl: nl}
	}
	if start >= len(src) {
		return token{kind: tEOF, off: start, nl: nl}
	}
	c := src[start]
	switch {
	case c == '%' || c == '@':
		end := l.nameEnd(start + 1)
		if end == start+1 {
			return tok(tBad, start+1)
		}
		if c == '%' {
			return tok(tValue, end)
		}
		return tok(tFunc, end)
	case isDigit(c) || c == '-' && start+1 < len(src) && isDigit(src[start+1]):
		return tok(tNumber, l.numberEnd(start+1))
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return tok(tIdent, l.nameEnd(start))
	case c == '"':
		return tok(tString, l.stringEnd(start+1))
	case c == '-' && start+1 < len(src) && src[start+1] == '>':
		return tok(tPunct, start+2)
	case strings.IndexByte(",:[](){}=+-*", c) >= 0:
		return tok(tPunct, start+1)
	}
	return tok(tBad, start+1)
}

func (l *lexer) nameEnd(i int) int {
	for i < len(l.file.Src) && isNameByte(l.file.Src[i]) {
		i++
	}
	return i
}

// numberEnd ends a number: name bytes, and a sign right after the
// exponent's e of a decimal float.
func (l *lexer) numberEnd(i int) int {
	src := l.file.Src
	hex := i+1 < len(src) && src[i-1] == '0' && (src[i] == 'x' || src[i] == 'X')
	for i < len(src) {
		c := src[i]
		sign := (c == '+' || c == '-') && !hex && (src[i-1] == 'e' || src[i-1] == 'E')
		if !isNameByte(c) && !sign {
			break
		}
		i++
	}
	return i
}

func (l *lexer) stringEnd(i int) int {
	src := l.file.Src
	for i < len(src) && src[i] != '\n' {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
		i++
	}
	if i > len(src) {
		i = len(src)
	}
	return i
}

// parser is a recursive-descent parser with one token of lookahead. It
// stops at the first error.
type parser struct {
	lex lexer
	tok token
	err error
}

func (p *parser) next() { p.tok = p.lex.scan() }

func (p *parser) pos(off int) diag.Pos { return diag.Pos{File: p.lex.file, Off: off} }

// fail records the first error, at the current token.
func (p *parser) fail(format string, args ...any) error {
	return p.failAt(p.tok.off, format, args...)
}

// failAt records the first error, at byte offset off.
func (p *parser) failAt(off int, format string, args ...any) error {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %s", p.pos(off), fmt.Sprintf(format, args...))
	}
	return p.err
}

func (p *parser) expected(what string) error {
	return p.fail("expected %s, found %s", what, p.tok)
}

// is reports whether the current token is the punctuation or keyword s.
func (p *parser) is(s string) bool {
	return (p.tok.kind == tPunct || p.tok.kind == tIdent) && p.tok.text == s
}

// accept consumes the token s if it is next.
func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) want(s string) error {
	if !p.accept(s) {
		return p.expected("'" + s + "'")
	}
	return nil
}

// take consumes a token of kind k and returns it.
func (p *parser) take(k tokKind, what string) (token, error) {
	t := p.tok
	if t.kind != k {
		return t, p.expected(what)
	}
	p.next()
	return t, nil
}

func (p *parser) int64(what string) (int64, error) {
	t, err := p.take(tNumber, what)
	if err != nil {
		return 0, err
	}
	v, perr := strconv.ParseInt(t.text, 10, 64)
	if perr != nil {
		return 0, p.failAt(t.off, "expected %s, found %s", what, t)
	}
	return v, nil
}

func (p *parser) typ() (Type, error) {
	if p.tok.kind == tIdent {
		if t, ok := ParseType(p.tok.text); ok {
			p.next()
			return t, nil
		}
	}
	return Invalid, p.expected("a type")
}

// module parses the header and the functions.
func (p *parser) module(name string) (*Module, error) {
	m := &Module{Name: name}
	// The header is a comment the lexer skipped; read it from the text.
	if line, ok := strings.CutPrefix(string(p.lex.file.Src), headerPrefix); ok {
		line, _, _ = strings.Cut(line, "\n")
		s, err := strconv.Unquote(strings.TrimRight(line, "\r"))
		if err != nil {
			return nil, p.failAt(len(headerPrefix), "expected a quoted module name after %q", headerPrefix)
		}
		m.Name = s
	}
	for p.tok.kind != tEOF {
		f, err := p.function()
		if err != nil {
			return nil, err
		}
		m.Funcs = append(m.Funcs, f)
	}
	return m, p.err
}
