// Package diagtest checks diagnostics against expectations written in the
// test program itself, as the Go compiler's errorcheck tests do: a line
// that should get an error carries `// ERROR "regexp"`, one that should
// get a remark `// REMARK "regexp"`. It is test support for the error and
// overflow corpora; it imports only internal/diag.
package diagtest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
)

var annotation = regexp.MustCompile(`(ERROR|REMARK) "((?:[^"\\]|\\.)*)"`)

var severities = map[string]diag.Severity{"ERROR": diag.Error, "REMARK": diag.Remark}

// CheckAnnotations fails t unless every annotation in src's comments
// matches a diagnostic of its severity on its line and every error or
// remark in ds sits on an annotated line.
func CheckAnnotations(t testing.TB, src []byte, ds []diag.Diagnostic) {
	t.Helper()
	byLine := map[int][]diag.Diagnostic{}
	for _, d := range ds {
		if d.Severity == diag.Error || d.Severity == diag.Remark {
			line, _ := d.Span.LineCol()
			byLine[line] = append(byLine[line], d)
		}
	}
	annotated := map[int]bool{}
	for i, text := range strings.Split(string(src), "\n") {
		line := i + 1
		_, comment, ok := strings.Cut(text, "//")
		if !ok {
			continue
		}
		for _, m := range annotation.FindAllStringSubmatch(comment, -1) {
			annotated[line] = true
			pat, err := strconv.Unquote(`"` + m[2] + `"`)
			if err != nil {
				pat = m[2]
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("line %d: bad %s pattern %q: %v", line, m[1], pat, err)
			}
			if sev := severities[m[1]]; !anyMatch(re, sev, byLine[line]) {
				t.Errorf("line %d: no %s matching %q; got %q", line, sev, pat, messages(byLine[line]))
			}
		}
	}
	for line, ds := range byLine {
		if !annotated[line] {
			t.Errorf("line %d: unannotated diagnostics %q", line, messages(ds))
		}
	}
}

func anyMatch(re *regexp.Regexp, sev diag.Severity, ds []diag.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == sev && re.MatchString(d.Msg) {
			return true
		}
	}
	return false
}

func messages(ds []diag.Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Severity.String() + ": " + d.Msg
	}
	return out
}
