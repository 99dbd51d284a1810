package frontend

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diagtest"
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
			diagtest.CheckAnnotations(t, src, diags.Diags)
		})
	}
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
