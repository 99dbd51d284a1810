package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/q35c/q35c/internal/diag"
)

// Parse parses src. On a syntax error it returns nil and the error in diags
// (participle stops at the first syntax error, so there is one).
func Parse(src *diag.File, diags *diag.List) *File {
	if !checkNesting(src, diags) {
		return nil
	}
	pf, err := parser.ParseBytes(src.Name, src.Src)
	if err != nil {
		diags.Add(syntaxError(src, err))
		return nil
	}
	b := &builder{src: src, depth: map[Expr]int{}}
	f := b.file(pf)
	if b.tooDeep.IsKnown() {
		diags.Errorf(diag.SpanOf(b.tooDeep, 1), "expression too large: more than %d operators deep", maxExprDepth)
		return nil
	}
	return f
}

func syntaxError(src *diag.File, err error) diag.Diagnostic {
	var perr participle.Error
	off, msg := 0, err.Error()
	if errors.As(err, &perr) {
		off, msg = perr.Position().Offset, perr.Message()
	}
	width := 1
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) && !ut.Unexpected.EOF() {
		width = len(ut.Unexpected.Value)
		msg = "unexpected " + describeToken(ut.Unexpected)
		if ut.Expect != "" {
			msg += ", expected " + ut.Expect
		}
	}
	if rest, ok := strings.CutPrefix(msg, `invalid input text "`); ok && rest != "" {
		r := []rune(rest)[0]
		msg = fmt.Sprintf("unexpected character %q", r)
	}
	msg = strings.ReplaceAll(msg, "<ident>", "a name")
	msg = strings.ReplaceAll(msg, `unexpected token "<EOF>"`, "unexpected end of file")
	if end := len(bytes.TrimRight(src.Src, " \t\r\n")); off >= end && end > 0 {
		off = end // just after the last thing written, not on a blank line below
	}
	return diag.Diagnostic{Severity: diag.Error, Span: diag.SpanOf(diag.Pos{File: src, Off: off}, width), Msg: "syntax error: " + msg}
}

func describeToken(t lexer.Token) string {
	if t.EOF() {
		return "end of file"
	}
	return "\"" + t.Value + "\""
}
