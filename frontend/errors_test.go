package frontend

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/golden"
)

// The error corpus: each testdata/errors/*.q35 is a malformed program. Its
// rendered diagnostics must equal the golden .err file next to it, and,
// as in the Go compiler's errorcheck tests, each `// ERROR "regexp"` comment
// must match an error reported on its line (and every error line must have
// such a comment), except that errors past the cap are not reported.
func TestErrorCorpus(t *testing.T) {
	files, err := filepath.Glob("../testdata/errors/*.q35")
	if err != nil || len(files) < 25 {
		t.Fatalf("want at least 25 malformed programs in testdata/errors, found %d (%v)", len(files), err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, m, diags := Compile(filepath.Base(path), src)
			if m != nil || !diags.HasErrors() {
				t.Fatalf("%s compiled without errors", path)
			}
			var out bytes.Buffer
			diags.Render(&out)
			golden.Check(t, strings.TrimSuffix(path, ".q35")+".err", out.Bytes())
			checkAnnotations(t, src, diags)
		})
	}
}

var errorComment = regexp.MustCompile(`// ERROR "((?:[^"\\]|\\.)*)"`)

func checkAnnotations(t *testing.T, src []byte, diags *diag.List) {
	t.Helper()
	byLine := map[int][]string{}
	for _, d := range diags.Diags {
		if d.Severity == diag.Error {
			line, _ := d.Span.LineCol()
			byLine[line] = append(byLine[line], d.Msg)
		}
	}
	annotated := map[int]bool{}
	for i, text := range strings.Split(string(src), "\n") {
		line := i + 1
		m := errorComment.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		annotated[line] = true
		pat, err := strconv.Unquote(`"` + m[1] + `"`)
		if err != nil {
			pat = m[1]
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			t.Fatalf("line %d: bad ERROR pattern %q: %v", line, pat, err)
		}
		if !anyMatch(re, byLine[line]) {
			t.Errorf("line %d: no error matching %q; got %q", line, pat, byLine[line])
		}
	}
	for line, msgs := range byLine {
		if !annotated[line] {
			t.Errorf("line %d: unexpected errors %q", line, msgs)
		}
	}
}

func anyMatch(re *regexp.Regexp, msgs []string) bool {
	for _, m := range msgs {
		if re.MatchString(m) {
			return true
		}
	}
	return false
}

// Every golden .err file has its source program.
func TestErrorGoldensHaveSources(t *testing.T) {
	goldens, _ := filepath.Glob("../testdata/errors/*.err")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".err") + ".q35"); err != nil {
			t.Errorf("golden %s has no source program", g)
		}
	}
}
