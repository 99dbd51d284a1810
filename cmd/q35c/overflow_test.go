package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/diagtest"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/passes"
)

// The overflow corpus: each testdata/overflow/*.q35 is a valid program
// whose accumulators the overflow analysis proves or refuses, typically a
// kernel exactly at the largest safe trip count next to one a single
// iteration past it. As in the error corpus, the rendered diagnostics
// (remarks included) must equal the golden .err file, every
// `// ERROR "re"` and `// REMARK "re"` comment must match a diagnostic of
// that severity on its line, and every error and remark must be
// annotated. `q35c check --remarks` prints exactly the golden text and
// exits 1 when there are errors.
func TestOverflowCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/overflow/*.q35")
	if err != nil || len(files) < 6 {
		t.Fatalf("want at least 6 programs in testdata/overflow, found %d (%v)", len(files), err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, m, diags := frontend.Compile(path, src)
			if m == nil {
				var b bytes.Buffer
				diags.Render(&b)
				t.Fatalf("%s does not compile:\n%s", path, b.String())
			}
			found := passes.CheckOverflow(m)
			var out bytes.Buffer
			hasErrors := false
			for _, d := range found {
				diag.Render(&out, d)
				hasErrors = hasErrors || d.Severity == diag.Error
			}
			golden.Check(t, strings.TrimSuffix(path, ".q35")+".err", out.Bytes())
			diagtest.CheckAnnotations(t, src, found)

			code, stdout, stderr := q35c(t, "", "check", "--remarks", path)
			if want := map[bool]int{false: 0, true: 1}[hasErrors]; code != want || stdout != "" {
				t.Errorf("q35c check --remarks: exit %d (want %d), stdout %q", code, want, stdout)
			}
			if stderr != out.String() {
				t.Errorf("q35c check --remarks prints other diagnostics than the analysis:\n%s", golden.Diff(out.String(), stderr))
			}
		})
	}
}

// Every golden .err file of the overflow corpus has its program.
func TestOverflowGoldensHaveSources(t *testing.T) {
	goldens, _ := filepath.Glob("testdata/overflow/*.err")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".err") + ".q35"); err != nil {
			t.Errorf("golden %s has no source program", g)
		}
	}
}

// What the analysis proves for every example and test kernel is pinned in
// testdata/golden/*/NAME.overflow; the examples' headline figures are
// checked here too, and no example may be refused.
func TestOverflowExamples(t *testing.T) {
	for _, src := range sources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			code, stdout, stderr := q35c(t, "", "check", "--remarks", src)
			if code != 0 && strings.HasPrefix(src, "examples/") {
				t.Errorf("example refused (exit %d):\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("check wrote to stdout: %q", stdout)
			}
			golden.Check(t, goldenName(src)+".overflow", []byte(stderr))
		})
	}
	figures := map[string][]string{
		"examples/matmul_q35.q35": {
			"acc4: |acc4| <= 65536 over 64 iterations (8 × 8) adding [-1016, 1024] each; fits i32",
			"acc3: |acc3| <= 32768 over 64 iterations (8 × 8) adding [-508, 512] each; fits i32",
		},
		"examples/matmul_i8_i4.q35": {"acc: |acc| <= 131072 over 128 iterations adding [-1016, 1024] each; fits i32"},
		"examples/llama70b.q35": {
			"acc4: |acc4| <= 65536 over 64 iterations adding [-1016, 1024] each",
			"acc3: |acc3| <= 32768 over 64 iterations adding [-508, 512] each",
			"acc: |acc| <= 131072 over 128 iterations",
		},
	}
	for src, want := range figures {
		_, _, stderr := q35c(t, "", "check", "--remarks", src)
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: no remark %q in\n%s", src, w, stderr)
			}
		}
	}
}

// Without --remarks, check prints nothing for a kernel it proves, and only
// errors for one it refuses.
func TestCheckPrintsRemarksOnlyWhenAsked(t *testing.T) {
	if code, _, stderr := q35c(t, "", "check", "examples/matmul_q35.q35"); code != 0 || stderr != "" {
		t.Errorf("check examples/matmul_q35.q35: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr := q35c(t, "", "check", "testdata/overflow/dot_i16_past.q35")
	if code != 1 || !strings.Contains(stderr, "error: acc may overflow i16") || strings.Contains(stderr, "remark:") {
		t.Errorf("check testdata/overflow/dot_i16_past.q35: exit %d, stderr\n%s", code, stderr)
	}
}
