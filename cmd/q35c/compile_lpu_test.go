package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/toolchain"
)

// lpuSources are the files --emit lpu must lower: every example and the
// accepted dot kernels.
func lpuSources(t *testing.T) []string {
	t.Helper()
	srcs, err := filepath.Glob("examples/*.q35")
	if err != nil || len(srcs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return append(srcs, "testdata/dot/accept.q35")
}

// lpuMatmuls are the sources with loops the matrix unit runs.
var lpuMatmuls = map[string]bool{"matmul_q35.q35": true, "matmul_i8_i4.q35": true, "llama70b.q35": true, "accept.q35": true}

// Every example and accepted dot kernel compiles with --emit lpu (the lpu
// target's passes, the built-in chip, both dataflows) to MLIR that
// mlir-opt parses, the same bytes twice; the quantized matmuls become
// matrix-unit matmuls.
func TestCompileLPUOptParses(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	for _, src := range lpuSources(t) {
		for _, df := range lpuDataflows {
			t.Run(filepath.Base(src)+"/"+df, func(t *testing.T) {
				t.Parallel()
				code, out, errs := q35c(t, "", "compile", "--emit", "lpu", "--dataflow", df, src)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				if _, again, _ := q35c(t, "", "compile", "--emit", "lpu", "--dataflow", df, src); again != out {
					t.Fatal("compiling twice gave different output")
				}
				if lpuMatmuls[filepath.Base(src)] && !strings.Contains(out, `"lpu.matmul"(`) {
					t.Errorf("no lpu.matmul in the output of %s", src)
				}
				if !strings.Contains(out, `dataflow = "`+df+`"`) {
					t.Errorf("the output does not say dataflow %s", df)
				}
				if _, err := toolchain.Opt(context.Background(), []byte(out), "--allow-unregistered-dialect"); err != nil {
					t.Fatalf("mlir-opt rejects the output: %v", err)
				}
			})
		}
	}
}

// Bad LPU flags are usage errors; a kernel that does not fit the chip's
// SRAM is the user's error, says how many bytes it needs and leaves no -o
// file behind.
func TestCompileLPUErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.mlir")
	const small = "testdata/targets/small_sram.json"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"bad dataflow", []string{"--emit", "lpu", "--dataflow", "rs"}, 2,
			`q35c: invalid --dataflow "rs": want ws (weight-stationary) or os (output-stationary)`},
		{"dataflow needs lpu", []string{"--dataflow", "os"}, 2, "--target-file and --dataflow need --emit lpu"},
		{"target file needs lpu", []string{"--emit", "ir", "--target-file", small}, 2, "--target-file and --dataflow need --emit lpu"},
		{"missing target file", []string{"--emit", "lpu", "--target-file", "no/such.json"}, 1,
			"q35c: error: cannot read no/such.json: no such file or directory"},
		{"invalid target file", []string{"--emit", "lpu", "--target-file", "testdata/targets/bad_peak.json"}, 1,
			"q35c: error: testdata/targets/bad_peak.json: peak_int8_tops:"},
		{"too large", []string{"--emit", "lpu", "--target-file", small}, 1,
			"q35c: error: examples/matmul_q35.q35:19:1: kernel matmul_q35 needs 4096 bytes of SRAM (weights, activations and outputs), the target has 3200: it would need 2 chips (target: " + small + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"compile"}, tt.args...), "-o", out, "examples/matmul_q35.q35")
			code, stdout, errs := q35c(t, "", args...)
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, want %d; stderr:\n%s\nwant it to contain:\n%s", code, tt.code, errs, tt.stderr)
			}
			if stdout != "" || strings.Contains(errs, "panic") {
				t.Errorf("stdout %q, stderr %q", stdout, errs)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a failed compile left %s behind (%v)", out, err)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".out.mlir.tmp*")); len(left) > 0 {
				t.Errorf("a failed compile left %v behind", left)
			}
		})
	}
}
