package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// parallelLoops says which loops the parallelize pass marks in every
// example and test kernel: "kernel: induction variables" per kernel.
var parallelLoops = map[string]string{
	"dequant_lut.q35":  "dequant_lut: n",
	"llama70b.q35":     "matmul_q35_m1: n; matmul_q35_m32: m; matmul_i8_i4_m1: n; matmul_i8_i4_m32: m",
	"matmul_f32.q35":   "matmul_f32: i",
	"matmul_i8_i4.q35": "matmul_i8_i4: m",
	"matmul_q35.q35":   "matmul_q35: m",
	"gather.q35":       "gather: i",
	"loops.q35":        "prefix_sum: ; triangle: i; strided: i",
	"ops_float.q35":    "float_ops: i",
	"ops_int.q35":      "int_ops: i",
}

// ompThreads is how many OpenMP threads the parallel runs use.
const ompThreads = 2

// For every example and test kernel, the parallelize pass marks the loops
// parallelLoops lists and changes nothing else; the IR still verifies and
// interprets to the same words; and its MLIR, lowered with the OpenMP
// pipeline (straight and after the seed's tile + vectorize) and run on two
// threads, prints exactly the interpreter's words for the unparallelized IR.
func TestParallelMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner", "libomp")
	for _, src := range sources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			llama := filepath.Base(src) == "llama70b.q35"
			if testing.Short() && llama {
				t.Skip("SKIP in -short mode: the 8192x8192 LLaMA layers take minutes in the interpreter; scripts/test.sh runs them")
			}
			m := compileForTest(t, src)
			want := originalWords(t, src)
			before := m.String()
			if err := passes.Parallelize(m); err != nil {
				t.Fatal(err)
			}
			if err := ir.Verify(m); err != nil {
				t.Fatalf("the IR does not verify after parallelize: %v", err)
			}
			if got := strings.ReplaceAll(m.String(), " parallel {\n", " {\n"); got != before {
				t.Errorf("parallelize changed more than loop marks:\n%s", golden.Diff(before, got))
			}
			if got, ok := parallelLoops[filepath.Base(src)]; !ok || markedLoops(m) != got {
				t.Errorf("parallel loops: %s, want %s", markedLoops(m), got)
			}
			if !llama { // minutes more, for a pass shown above to change only marks the interpreter ignores
				if err := sameWords(want, interpret(t, m)); err != nil {
					t.Errorf("interpreter after parallelize: %v", err)
				}
			}
			var text bytes.Buffer
			if err := emit.MLIR(&text, m, emit.Options{Harness: true}); err != nil {
				t.Fatal(err)
			}
			if n := bytes.Count(text.Bytes(), []byte("affine.parallel")); n != countParallel(m) {
				t.Errorf("the MLIR has %d affine.parallel, want one per parallel loop (%s)", n, markedLoops(m))
			}
			for _, pipe := range []struct {
				name   string
				passes []string
			}{{"openmp", nil}, {"tile64+vec8+openmp", seedPipeline}} {
				if err := sameWords(want, runOpenMP(t, text.Bytes(), pipe.passes)); err != nil {
					t.Errorf("%s: %v", pipe.name, err)
				}
			}
		})
	}
}

// markedLoops lists m's parallel loops: "kernel: iv, iv; kernel: ...".
func markedLoops(m *ir.Module) string {
	var kernels []string
	for _, f := range m.Funcs {
		var ivs []string
		f.Body.Walk(func(op *ir.Op) {
			if op.Code == ir.OpFor && op.Loop.Parallel {
				ivs = append(ivs, op.Loop.IV.Name)
			}
		})
		kernels = append(kernels, f.Name+": "+strings.Join(ivs, ", "))
	}
	return strings.Join(kernels, "; ")
}

func countParallel(m *ir.Module) int {
	n := 0
	for _, f := range m.Funcs {
		f.Body.Walk(func(op *ir.Op) {
			if op.Code == ir.OpFor && op.Loop.Parallel {
				n++
			}
		})
	}
	return n
}

func runOpenMP(t testing.TB, text []byte, passes []string) [][]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	lowered, err := toolchain.LowerOpenMP(ctx, text, passes)
	if err != nil {
		t.Fatalf("mlir-opt %v + OpenMP lowering: %v", passes, err)
	}
	out, err := toolchain.RunMain(ctx, lowered, toolchain.WithOpenMP(ompThreads))
	if err != nil {
		t.Fatalf("mlir-cpu-runner with OpenMP: %v", err)
	}
	got, err := emit.ParseHarnessOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The MLIR of matmul_f32 after parallelize is pinned: its i loop is an
// affine.parallel without a vectorization guard, the loops inside are as
// before. mlir-opt accepts it.
func TestParallelGolden(t *testing.T) {
	m := compileForTest(t, "examples/matmul_f32.q35")
	if err := passes.Parallelize(m); err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := emit.MLIR(&text, m, emit.Options{}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, goldenName("examples/matmul_f32.q35")+".parallel.mlir", text.Bytes())
	toolchain.Require(t, "mlir-opt")
	if _, err := toolchain.Opt(context.Background(), text.Bytes()); err != nil {
		t.Errorf("mlir-opt rejects the parallel MLIR: %v", err)
	}
}
