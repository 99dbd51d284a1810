// Package golden compares test output with golden files under testdata/.
// `go test ./... -update` rewrites them; otherwise a mismatch fails the test
// with a readable line diff (github.com/sergi/go-diff).
//
// Every package with tests imports this package (for its -update flag), so
// that `go test ./... -update` is accepted by every test binary.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/ instead of comparing")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Check compares got with the golden file at path, or rewrites it with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file %s (run go test ./... -update to create it): %v", path, err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output (- golden, + got; go test ./... -update rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff renders a line diff of a and b: "-" lines only in a, "+" only in b,
// with two lines of context.
func Diff(a, b string) string {
	var out strings.Builder
	lines := LineDiff(a, b)
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].Op == lines[i].Op {
			j++
		}
		ls := make([]string, j-i)
		for k := range ls {
			ls[k] = strings.TrimSuffix(lines[i+k].Text, "\n")
		}
		switch lines[i].Op {
		case '-':
			writeLines(&out, "-", ls)
		case '+':
			writeLines(&out, "+", ls)
		default:
			writeContext(&out, ls, i > 0, j < len(lines))
		}
		i = j
	}
	return out.String()
}

func writeLines(out *strings.Builder, prefix string, ls []string) {
	for _, l := range ls {
		out.WriteString(prefix + " " + l + "\n")
	}
}

// writeContext keeps two lines after a change and two before the next.
func writeContext(out *strings.Builder, ls []string, afterChange, beforeChange bool) {
	const ctx = 2
	switch {
	case afterChange && beforeChange && len(ls) <= 2*ctx+1:
		writeLines(out, " ", ls)
	case afterChange && beforeChange:
		writeLines(out, " ", ls[:ctx])
		out.WriteString("  ...\n")
		writeLines(out, " ", ls[len(ls)-ctx:])
	case afterChange:
		writeLines(out, " ", ls[:min(ctx, len(ls))])
	case beforeChange:
		writeLines(out, " ", ls[max(0, len(ls)-ctx):])
	}
}
