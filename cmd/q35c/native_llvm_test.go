package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/native"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// nativeLLVMPipelines are the pipelines every kernel is run natively under.
var nativeLLVMPipelines = []string{"canonicalize", "target cpu", "target lpu", "vectorize{width=16}",
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
				got := runLLVMNative(t, transformed(t, src, pipe))
				if err := sameWords(want, got); err != nil {
					t.Errorf("%s: native code from our LLVM IR: %v", pipe, err)
				}
			}
		})
	}
}

// runLLVMNative builds m through our LLVM IR and runs each kernel on the
// harness's inputs, returning the output words in harness order.
func runLLVMNative(t *testing.T, m *ir.Module) [][]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	text, err := emit.LLVM(m)
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
	var words [][]int64
	for _, f := range m.Funcs {
		driver, err := native.DriverSource(f)
		if err != nil {
			t.Fatal(err)
		}
		exe := filepath.Join(dir, f.Name)
		if err := native.Build(ctx, []string{objPath}, driver, exe, openmp); err != nil {
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
