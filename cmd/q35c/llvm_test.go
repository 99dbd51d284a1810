package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/internal/toolchain"
)

// llvmPipelines are the pipelines whose LLVM IR is checked by opt and run
// natively: none, the presets, and each kind of loop the emitter writes
// (vector loops with shuffles, packed and gathered loads, parallel loops,
// unpacked codes, tables).
var llvmPipelines = []string{"canonicalize", "target cpu", "target lpu", "vectorize", "vectorize{width=16}",
	"tile{size=64},vectorize,parallelize", "unpack{mode=lut},vectorize", "unpack{mode=shift},canonicalize,parallelize", "fuse"}

// Every module we emit passes `opt -passes=verify`, for every kernel and
// pipeline.
func TestLLVMVerifies(t *testing.T) {
	toolchain.Require(t, "opt")
	opt, err := toolchain.Find("opt")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range passSources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			for _, pipe := range llvmPipelines {
				text, err := emit.LLVM(transformed(t, src, pipe))
				if err != nil {
					t.Fatalf("%s: %v", pipe, err)
				}
				path := filepath.Join(t.TempDir(), "k.ll")
				if err := os.WriteFile(path, text, 0o644); err != nil {
					t.Fatal(err)
				}
				if out, err := execCommand(context.Background(), opt, "-passes=verify", path, "-o", os.DevNull); err != nil {
					t.Errorf("%s: opt rejects the module: %v\n%s", pipe, err, out)
				}
			}
		})
	}
}

// The LLVM IR and the C header of one kernel are pinned, and the same
// input gives the same bytes twice.
func TestLLVMGolden(t *testing.T) {
	for _, level := range []string{"llvm", "header"} {
		args := []string{"compile", "--emit", level, "--target", "cpu", "examples/matmul_i8_i4.q35"}
		code, out, errs := q35c(t, "", args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", level, code, errs)
		}
		_, again, _ := q35c(t, "", args...)
		if again != out {
			t.Errorf("%s: two runs differ", level)
		}
		golden.Check(t, "testdata/golden/examples/matmul_i8_i4.cpu."+map[string]string{"llvm": "ll", "header": "h"}[level], []byte(out))
	}
}

// build writes objects, shared libraries and archives; bad outputs are
// usage errors and nothing is left behind.
func TestBuildOutputs(t *testing.T) {
	toolchain.Require(t, "clang", "llvm-ar")
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"build", "examples/matmul_q35.q35", "-o", filepath.Join(dir, "k.o")}, 0, ""},
		{[]string{"build", "examples/matmul_q35.q35", "--target", "cpu", "-o", filepath.Join(dir, "k.so"), "--header", filepath.Join(dir, "k.h")}, 0, ""},
		{[]string{"build", "examples/matmul_q35.q35", "-march", "native", "-o", filepath.Join(dir, "k.a")}, 0, ""},
		{[]string{"build", "examples/matmul_q35.q35", "-o", filepath.Join(dir, "k.exe")}, 2, "must end in .o, .so or .a"},
		{[]string{"build", "examples/matmul_q35.q35"}, 2, "build needs -o"},
		{[]string{"build", "examples/matmul_q35.q35", "-o", filepath.Join(dir, "missing", "k.o")}, 1, "missing"},
	} {
		code, _, errs := q35c(t, "", c.args...)
		if code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.err)
		}
	}
	for _, name := range []string{"k.o", "k.so", "k.a", "k.h"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s was not written: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "k.exe")); err == nil {
		t.Error("a refused build left k.exe behind")
	}
}

// A kernel whose name would clash in a C program is refused at its
// position by every native output, with nothing written.
func TestReservedKernelNames(t *testing.T) {
	const src = "kernel main(O: out i32[4]) {\n  for i in 0..4 {\n    O[i] = i as i32\n  }\n}\n"
	out := filepath.Join(t.TempDir(), "k.o")
	for _, args := range [][]string{
		{"compile", "--emit", "llvm", "-"},
		{"compile", "--emit", "header", "-"},
		{"build", "-", "-o", out},
	} {
		code, stdout, errs := q35c(t, src, args...)
		if code != 1 || stdout != "" || !strings.Contains(errs, "<stdin>:1:1: kernel main: the name is reserved in C programs") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, errs)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused build wrote its output")
	}
}
