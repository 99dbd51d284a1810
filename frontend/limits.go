package frontend

import (
	"bytes"

	"github.com/q35c/q35c/internal/diag"
)

// Limits on nesting, so that hostile input gets an error instead of
// exhausting the stack of the recursive-descent parser, the checker or the
// lowering (a Go stack overflow cannot be recovered).
const (
	maxNesting   = 200 // brackets, parentheses and braces
	maxUnaryRun  = 64  // consecutive prefix operators: - - ~ ! ...
	maxExprDepth = 1000
)

// checkNesting scans src, skipping comments, for nesting beyond the limits.
func checkNesting(f *diag.File, diags *diag.List) bool {
	src := f.Src
	depth, unary := 0, 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(src)
			}
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
			if depth > maxNesting {
				diags.Errorf(diag.SpanOf(diag.Pos{File: f, Off: i}, 1), "nesting too deep: more than %d levels of brackets", maxNesting)
				return false
			}
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == '-' || c == '~' || c == '!':
			unary++
			if unary > maxUnaryRun {
				diags.Errorf(diag.SpanOf(diag.Pos{File: f, Off: i}, 1), "too many prefix operators in a row (more than %d)", maxUnaryRun)
				return false
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		}
		unary = 0
	}
	return true
}
