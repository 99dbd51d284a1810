package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/internal/toolchain"
)

// Every kernel's IR and MLIR text is pinned by a golden file; the AST of one
// example too. Compiling twice gives identical bytes.
func TestGoldenOutputs(t *testing.T) {
	for _, src := range sources(t) {
		for _, level := range []string{"ir", "mlir"} {
			t.Run(filepath.Base(src)+"/"+level, func(t *testing.T) {
				code, out, errs := q35c(t, "", "compile", "--emit", level, src)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				_, again, _ := q35c(t, "", "compile", "--emit", level, src)
				if again != out {
					t.Fatalf("compiling %s twice gave different output", src)
				}
				golden.Check(t, goldenName(src)+"."+level, []byte(out))
			})
		}
	}
	code, out, errs := q35c(t, "", "compile", "--emit", "ast", "examples/matmul_q35.q35")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden.Check(t, "testdata/golden/examples/matmul_q35.ast", []byte(out))
}

// A golden file whose source is gone fails the suite. Goldens of a kernel
// after a pass are named x.<pass>.mlir.
func TestGoldensHaveSources(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*/*")
	if len(files) == 0 {
		t.Fatal("no golden files found")
	}
	for _, g := range files {
		dir := filepath.Base(filepath.Dir(g))
		base, _, _ := strings.Cut(filepath.Base(g), ".")
		src := filepath.Join("testdata", dir, base+".q35")
		if dir == "examples" {
			src = filepath.Join("examples", base+".q35")
		}
		if _, err := os.Stat(src); err != nil {
			t.Errorf("golden %s has no source %s", g, src)
		}
	}
}

// The README documents the real mlir-opt pipeline: the same passes the
// end-to-end tests run.
func TestREADMEDocumentsTestedPipeline(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(readme), `"`, "")
	for _, pass := range append(append([]string{}, seedPipeline...), toolchain.LLVMPipeline...) {
		if !strings.Contains(text, pass) {
			t.Errorf("README.md does not show the pass %s that the tests run", pass)
		}
	}
	if strings.Contains(text, "--affine-vectorize=") {
		t.Error("README.md uses --affine-vectorize, which does not exist in MLIR")
	}
}
