package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/native"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// nativeLLVMPipelines are the pipelines every kernel is run natively under.
var nativeLLVMPipelines = []string{"canonicalize", "target cpu", "target lpu", "vectorize{width=16}", "canonicalize,dot,parallelize",
	"tile{size=64},vectorize,parallelize", "unpack{mode=lut},vectorize", "unpack{mode=shift},canonicalize,parallelize", "fuse"}

// The LLVM road: our LLVM IR, compiled by clang-19 and linked into the C
// driver, computes exactly what the interpreter computes on the
// untransformed IR, for every example and test kernel under every
// pipeline above (parallel ones on 2 OpenMP threads). The interpreter
// agrees with the runtime's reference kernels (TestMLIRMatchesInterpreter),
// so native code does too.
func TestLLVMRoadMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "clang", "llvm-ar")
	for _, src := range passSources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			skipHuge(t, src)
			t.Parallel()
			want := originalWords(t, src)
			pipes := nativeLLVMPipelines
			switch {
			case isHuge(src):
				pipes = []string{"target cpu"}
			case filepath.Dir(src) == "testdata/passes" && filepath.Base(src) != "vectorize.q35":
				pipes = []string{"target cpu", "target lpu"} // pass-specific kernels: the presets suffice
			}
			for _, pipe := range pipes {
				m := transformed(t, src, pipe)
				for _, feat := range featuresFor(t, m) {
					got := runLLVMNative(t, m, feat)
					if err := sameWords(want, got); err != nil {
						t.Errorf("%s (%s): native code from our LLVM IR: %v", pipe, feat, err)
					}
				}
			}
		})
	}
}

// runLLVMNative builds m through our LLVM IR and runs each kernel on the
// harness's inputs, returning the output words in harness order.
func runLLVMNative(t *testing.T, m *ir.Module, feat emit.Features) [][]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	text, err := emit.LLVMFor(m, feat)
	if err != nil {
		t.Fatal(err)
	}
	openmp := usesParallel(m)
	obj, err := nativeBuild(ctx, text, "o", "native", openmp)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	objPath := filepath.Join(dir, "k.o")
	if err := os.WriteFile(objPath, obj, 0o644); err != nil {
		t.Fatal(err)
	}
	return runObject(t, ctx, m, objPath, openmp)
}

// runObject links obj with each kernel's driver and runs it on the
// harness's inputs, returning the output words in harness order.
func runObject(t *testing.T, ctx context.Context, m *ir.Module, obj string, openmp bool) [][]int64 {
	t.Helper()
	dir := t.TempDir()
	var words [][]int64
	for _, f := range m.Funcs {
		driver, err := native.DriverSource(f)
		if err != nil {
			t.Fatal(err)
		}
		exe := filepath.Join(dir, f.Name)
		if err := native.Build(ctx, []string{obj}, driver, exe, openmp); err != nil {
			t.Fatal(err)
		}
		mem := ir.NewMemory(f)
		for i, b := range f.Params {
			if b.Kind == ir.In {
				mem[i] = ir.FillInput(b, i)
			}
		}
		if err := native.Run(ctx, exe, f, mem, "OMP_NUM_THREADS=2"); err != nil {
			t.Fatal(err)
		}
		for i, b := range f.Params {
			if b.Kind == ir.Out {
				words = append(words, ir.OutputWords(b, mem[i]))
			}
		}
	}
	return words
}

// runMLIRNative builds m through the MLIR road (mlir-opt, mlir-translate,
// clang) and runs each kernel on the harness's inputs.
func runMLIRNative(t *testing.T, m *ir.Module) [][]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var text strings.Builder
	if err := emit.MLIR(&text, m, emit.Options{}); err != nil {
		t.Fatal(err)
	}
	openmp := usesParallel(m)
	dir := t.TempDir()
	obj := filepath.Join(dir, "k.o")
	if err := native.MLIRObject(ctx, m, []byte(text.String()), obj, openmp); err != nil {
		t.Fatal(err)
	}
	return runObject(t, ctx, m, obj, openmp)
}

// The 8192-wide LLaMA layers of examples/llama70b.q35 run natively through
// both roads under the cpu preset, bit-identical to the interpreter (whose
// run, minutes long, is shared with the other tests).
func TestLLaMANativeRoads(t *testing.T) {
	toolchain.Require(t, "clang", "mlir-opt", "mlir-translate")
	const src = "examples/llama70b.q35"
	skipHuge(t, src)
	want := originalWords(t, src)
	m := transformed(t, src, "target cpu")
	if err := sameWords(want, runMLIRNative(t, m)); err != nil {
		t.Errorf("the MLIR road: %v", err)
	}
}
