package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/q35c/q35c/internal/golden" // accepts -update
)

// TestMain runs the tests from the repository root, so that file names in
// diagnostics, MLIR locations and golden files read as a user types them
// (examples/matmul_q35.q35).
func TestMain(m *testing.M) {
	if err := os.Chdir("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// q35c runs the CLI in-process and returns its exit code, stdout and stderr.
func q35c(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// sources returns every example and test kernel.
func sources(t testing.TB) []string {
	t.Helper()
	var all []string
	for _, pat := range []string{"examples/*.q35", "testdata/kernels/*.q35"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	if len(all) < 8 {
		t.Fatalf("found only %d kernel sources", len(all))
	}
	return all
}

// goldenName maps examples/x.q35 to testdata/golden/examples/x and
// testdata/kernels/y.q35 to testdata/golden/kernels/y.
func goldenName(src string) string {
	dir := filepath.Base(filepath.Dir(src))
	return filepath.Join("testdata/golden", dir, strings.TrimSuffix(filepath.Base(src), ".q35"))
}
