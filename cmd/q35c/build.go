package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

type buildOpts struct {
	compileOpts
	march  string
	header string
}

func newBuildCmd() *cobra.Command {
	o := &buildOpts{}
	c := &cobra.Command{
		Use:   "build FILE|- -o OUT.o|OUT.so|OUT.a",
		Short: "Compile a .q35 file to native code with clang-19 (object, shared library or archive)",
		Long: `build compiles FILE like 'compile --emit llvm' (the same flags choose the
passes) and runs clang-19 (on PATH or under /usr/lib/llvm-19/bin) on the LLVM
IR. The output's extension says what to build:
  .o   an object file
  .so  a shared library (linked with -fopenmp when a loop is parallel)
  .a   a static archive holding the object

Kernels have the C ABI that 'compile --emit header' (or --header here)
declares: every buffer is a pointer followed by its size in bytes, and a
kernel returns 0, or 1 without writing anything when a size is wrong.
Parallel loops call the OpenMP runtime (GOMP_parallel): link objects and
archives with -fopenmp. Float arithmetic keeps the IR's order
(-ffp-contract=off, no fast-math), so results are bit-identical to the
interpreter's.

` + passesHelp(),
		Example: `  q35c build examples/matmul_q35.q35 --target cpu -o matmul_q35.so --header matmul_q35.h
  q35c build examples/matmul_i8_i4.q35 -o k.o -march native
  cc -O2 main.c k.o -fopenmp -o main`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runBuild(c, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the object, shared library or archive to `FILE` (.o, .so or .a)")
	f.StringVar(&o.march, "march", "", "pass -march=`CPU` to clang (e.g. native; default: clang's generic x86-64)")
	f.StringVar(&o.header, "header", "", "also write the C header declaring the kernels to `FILE`")
	f.BoolVar(&o.allowOverflow, "allow-overflow", false, "build kernels whose integer accumulators may overflow, reporting it as warnings")
	addPassFlags(f, &o.passes)
	return c
}

// outputKind returns what an output path asks for: "o", "so" or "a".
func outputKind(path string) (string, error) {
	switch ext := strings.TrimPrefix(filepath.Ext(path), "."); ext {
	case "o", "so", "a":
		return ext, nil
	}
	return "", fmt.Errorf("-o %q: the output must end in .o, .so or .a", path)
}

func runBuild(c *cobra.Command, path string, o *buildOpts) error {
	if o.output == "" || o.output == "-" {
		return fmt.Errorf("build needs -o FILE.o, FILE.so or FILE.a")
	}
	kind, err := outputKind(o.output)
	if err != nil {
		return err
	}
	_, m, err := o.transformed(c, path, "llvm")
	if err != nil {
		return err
	}
	if err := emit.CheckCNames(m); err != nil {
		return &ioError{err}
	}
	text, err := llvmFor(c.Context(), m, o.march)
	if err != nil {
		return err
	}
	var header []byte
	if o.header != "" {
		if header, err = emit.Header(m); err != nil {
			return &internalError{msg: "emitting the C header: " + err.Error()}
		}
	}
	out, err := nativeBuild(c.Context(), text, kind, o.march, usesParallel(m))
	if err != nil {
		return err
	}
	if err := writeOutput(o.output, out, c.OutOrStdout()); err != nil {
		return err
	}
	if header != nil {
		return writeOutput(o.header, header, c.OutOrStdout())
	}
	return nil
}

// nativeBuild runs clang (and llvm-ar for archives) on LLVM IR text in a
// temporary directory and returns the bytes of the result.
func nativeBuild(ctx context.Context, llvmIR []byte, kind, march string, openmp bool) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := os.MkdirTemp("", "q35c-build-")
	if err != nil {
		return nil, &ioError{err}
	}
	defer os.RemoveAll(dir)
	ll := filepath.Join(dir, "kernel.ll")
	if err := os.WriteFile(ll, llvmIR, 0o644); err != nil {
		return nil, &ioError{err}
	}
	args := []string{"-O3", "-ffp-contract=off", "-Wno-override-module"}
	if march != "" {
		args = append(args, "-march="+march)
	}
	obj := filepath.Join(dir, "kernel.o")
	if _, err := toolchain.Clang(ctx, append(args, "-fPIC", "-c", ll, "-o", obj)...); err != nil {
		return nil, &ioError{fmt.Errorf("clang: %v", err)}
	}
	result := obj
	switch kind {
	case "so":
		result = filepath.Join(dir, "kernel.so")
		link := []string{"-shared", obj, "-o", result}
		if openmp {
			link = append(link, "-fopenmp")
		}
		if _, err := toolchain.Clang(ctx, link...); err != nil {
			return nil, &ioError{fmt.Errorf("clang: %v", err)}
		}
	case "a":
		result = filepath.Join(dir, "kernel.a")
		ar, err := toolchain.Find("llvm-ar")
		if err != nil {
			return nil, &ioError{err}
		}
		if out, err := execCommand(ctx, ar, "rcs", result, obj); err != nil {
			return nil, &ioError{fmt.Errorf("llvm-ar: %v: %s", err, out)}
		}
	}
	data, err := os.ReadFile(result)
	if err != nil {
		return nil, &ioError{err}
	}
	return data, nil
}

// usesParallel reports whether any loop of m is parallel.
func usesParallel(m *ir.Module) bool {
	found := false
	for _, f := range m.Funcs {
		f.Body.Walk(func(op *ir.Op) {
			found = found || op.Code == ir.OpFor && op.Loop.Parallel
		})
	}
	return found
}

// execCommand runs a tool and returns its combined output.
func execCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	return exec.CommandContext(ctx, name, args...).CombinedOutput()
}
