package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// passSources are the kernels the pass tests run: every example and test
// kernel, and the kernels written for the passes (testdata/passes).
func passSources(t testing.TB) []string {
	extra, err := filepath.Glob("testdata/passes/*.q35")
	if err != nil || len(extra) == 0 {
		t.Fatalf("no kernels in testdata/passes: %v", err)
	}
	return append(sources(t), extra...)
}

func TestCompilePassFlags(t *testing.T) {
	const f = "examples/matmul_f32.q35"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"unknown pass", []string{"--pipeline", "tyle", f}, 2, "", `q35c: invalid pipeline "tyle": unknown pass "tyle" (passes: canonicalize`},
		{"unknown option", []string{"--pipeline", "tile{sise=4}", f}, 2, "", `invalid pipeline "tile{sise=4}": tile has no option "sise" (options: size, sizes)`},
		{"bad value", []string{"--pipeline", "tile{size=-2}", f}, 2, "", "tile: tile size -2 is out of range [1, 2147483648]"},
		{"lpu", []string{"--target", "lpu", f}, 0, "func.func @matmul_f32", ""},
		{"unknown target", []string{"--target", "gpu", f}, 2, "", `unknown target "gpu" (targets: cpu, lpu)`},
		{"both", []string{"--target", "cpu", "--pipeline", "tile", f}, 2, "", "give --pipeline or --target, not both"},
		{"ast", []string{"--target", "cpu", "--emit", "ast", f}, 2, "", "need --emit ir, mlir, llvm, header or lpu"},
		{"bad print name", []string{"--pipeline", "tile", "--print-ir-after", "tyle", "no/such/file.q35"}, 2, "", `q35c: --print-ir-after: unknown pass "tyle" (passes: canonicalize`},
		{"usage before input", []string{"--pipeline", "tyle", "no/such/file.q35"}, 2, "", "unknown pass"},
		{"tiles", []string{"--emit", "ir", "--pipeline", "tile{sizes=2,3}", f}, 0, "for %j = %jt to min(%jt + 3, 32) {", ""},
		{"cpu mlir", []string{"--target", "cpu", f}, 0, "func.func @matmul_f32", ""},
		{"print after", []string{"--emit", "ir", "--target", "cpu", "--print-ir-after", "tile", f}, 0, "func @matmul_f32", "// -----// IR Dump After tile{size=64} //----- //\n// q35c IR for"},
		{"time", []string{"--emit", "ir", "--target", "cpu", "--time-passes", f}, 0, "", "total\n"},
		{"no verify", []string{"--emit", "ir", "--pipeline", "canonicalize", "--verify-each=false", f}, 0, "func @matmul_f32", ""},
		{"remarks", []string{"--emit", "ir", "--pipeline", "tile{sizes=2,3}", "--remarks", "testdata/passes/tiling.q35"}, 0, "", "remark: tile: only loop i is tiled: loop i carries s"},
		{"help", []string{"--help"}, 0, "tile{sizes=32,64}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := q35c(t, "", append([]string{"compile"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout with %q, stderr with %q", code, tc.code, out, errs, tc.stdout, tc.stderr)
			}
		})
	}
	if _, _, errs := q35c(t, "", "compile", "--emit", "ir", "--pipeline", "tile{sizes=2,3}", "testdata/passes/tiling.q35"); errs != "" {
		t.Errorf("remarks shown without --remarks:\n%s", errs)
	}
	code, out, _ := q35c(t, "", "compile", "--help")
	for _, want := range []string{"--pipeline", "--target", "--verify-each", "--print-ir-after", "--time-passes", "canonicalize", "size=int, default 64", "lpu           canonicalize,systolic,canonicalize"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("compile --help lacks %q", want)
		}
	}
}

// A pass that panics is reported as an internal error (exit 3) naming the
// pass and the kernel's position, never as a crash.
func TestPanickingPassIsInternalError(t *testing.T) {
	boom := &passes.Pass{Name: "boom", Summary: "panics", Run: func(f *ir.Func, _ passes.Options, _ *diag.List) error {
		panic("kaboom")
	}}
	p := &passes.Pipeline{Steps: []passes.Step{{Pass: boom, Options: passes.NewOptions(boom)}}}
	m := compileForTest(t, "examples/matmul_f32.q35")
	var stderr bytes.Buffer
	err := runPipeline(p, m, &passOpts{verifyEach: true}, &stderr)
	code := exitCode(err, &stderr)
	want := "q35c: internal error: pass boom on func @matmul_f32 (matmul_f32.q35:9:1): panic: kaboom (in q35c.TestPanickingPassIsInternalError.func1 at passes_test.go:"
	if code != exitInternal || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 3 and a message starting %q", code, stderr.String(), want)
	}
}

// Pipelines whose output is pinned by golden files: the cpu preset on every
// example and test kernel and on testdata/passes/tiling.q35 (IR and MLIR),
// and tiling.q35 under single passes. (The doc_*.q35 kernels are pinned by
// docs/passes.md.)
func TestGoldenPipelines(t *testing.T) {
	type run struct{ src, label, pipe string }
	var runs []run
	for _, src := range append(sources(t), "testdata/passes/tiling.q35") {
		runs = append(runs, run{src, "cpu", "--target=cpu"}, run{src, "lpu", "--target=lpu"})
	}
	for _, label := range []string{"tile-2-3", "tile-4", "canonicalize"} {
		pipe := map[string]string{"tile-2-3": "tile{sizes=2,3}", "tile-4": "tile{size=4}", "canonicalize": "canonicalize"}[label]
		runs = append(runs, run{"testdata/passes/tiling.q35", label, "--pipeline=" + pipe})
	}
	for _, r := range runs {
		for _, level := range []string{"ir", "mlir"} {
			if level == "mlir" && r.label != "cpu" && r.label != "lpu" {
				continue
			}
			name := goldenName(r.src) + "." + r.label + "." + level
			t.Run(filepath.Base(name), func(t *testing.T) {
				code, out, errs := q35c(t, "", "compile", "--emit", level, r.pipe, r.src)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				golden.Check(t, name, []byte(out))
			})
		}
	}
}
