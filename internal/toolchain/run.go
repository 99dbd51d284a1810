package toolchain

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// LLVMPipeline is the serial lowering from func/affine/arith/memref/vector
// to the LLVM dialect, in the order MLIR 19 needs (see MLIR-RECIPES.md).
var LLVMPipeline = []string{
	"--lower-affine",
	"--convert-scf-to-cf",
	"--convert-vector-to-llvm",
	"--expand-strided-metadata",
	"--finalize-memref-to-llvm",
	"--convert-arith-to-llvm",
	"--convert-index-to-llvm",
	"--convert-func-to-llvm",
	"--convert-cf-to-llvm",
	"--reconcile-unrealized-casts",
}

// Lower runs mlir-opt over mlir with prePasses (mlir-opt flags such as
// "--affine-loop-tile=tile-size=64") followed by LLVMPipeline, and returns
// the LLVM-dialect module.
func Lower(ctx context.Context, mlir []byte, prePasses []string) ([]byte, error) {
	return Opt(ctx, mlir, append(append([]string{}, prePasses...), LLVMPipeline...)...)
}

// Opt runs mlir-opt with args over mlir and returns the resulting module;
// with no args it only parses and verifies.
func Opt(ctx context.Context, mlir []byte, args ...string) ([]byte, error) {
	return run(ctx, "mlir-opt", args, mlir)
}

// RunMain JIT-compiles a lowered module with mlir-cpu-runner, calls its
// `func @main()` and returns what it printed.
func RunMain(ctx context.Context, lowered []byte) ([]byte, error) {
	libs, err := RunnerLibs()
	if err != nil {
		return nil, err
	}
	args := []string{"-e", "main", "-entry-point-result=void", "-shared-libs=" + strings.Join(libs, ",")}
	return run(ctx, "mlir-cpu-runner", args, lowered)
}

// run feeds stdin to the tool called name and returns its standard output;
// a failure carries the command line and the tool's standard error.
func run(ctx context.Context, name string, args []string, stdin []byte) ([]byte, error) {
	path, err := Find(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
