package frontend

import (
	"bytes"

	"github.com/q35c/q35c/internal/diag"
)

// Limits on nesting and size, so that hostile input gets an error instead of
// exhausting the stack of the recursive-descent parser, the checker or the
// lowering (a Go stack overflow cannot be recovered), or the memory and
// time of the parser: participle keeps every token and builds a tree node
// per match, several hundred bytes per token, so a 16 MiB file of
// statements would take gigabytes and minutes.
const (
	maxNesting   = 200 // brackets, parentheses and braces
	maxUnaryRun  = 64  // consecutive prefix operators: - - ~ ! ...
	maxExprDepth = 1000
	// maxTokens bounds a file: the largest kernel file in the repository
	// has about 2,100 tokens; 100,000 parse in about a second and 100 MB.
	maxTokens = 100000
	// maxWordBytes bounds one name or number: a literal beyond int64 has
	// 20 digits, and a longer one would be quoted whole in a diagnostic.
	maxWordBytes = 1024
)

// checkNesting scans src, skipping comments, for nesting, runs of prefix
// operators, words (names and numbers) and token counts beyond the limits.
// It counts a number like 1.5e3 as several tokens, which only makes the
// token limit a little stricter for such files.
func checkNesting(f *diag.File, diags *diag.List) bool {
	src := f.Src
	depth, unary, tokens := 0, 0, 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c == '/' && i+1 < len(src) && src[i+1] == '/' {
			if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(src)
			}
			continue
		}
		if tokens++; tokens > maxTokens {
			diags.Errorf(diag.SpanOf(diag.Pos{File: f, Off: i}, 1), "file too large: more than %d tokens (q35c kernels are small)", maxTokens)
			return false
		}
		switch {
		case isWordByte(c):
			j := i + 1
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if j-i > maxWordBytes {
				diags.Errorf(diag.SpanOf(diag.Pos{File: f, Off: i}, 1), "name or number too long: %d bytes, more than %d", j-i, maxWordBytes)
				return false
			}
			i = j - 1
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
		}
		unary = 0
	}
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
