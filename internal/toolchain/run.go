package toolchain

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
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

// OpenMPPipeline lowers like LLVMPipeline, but turns affine.parallel loops
// into OpenMP worksharing loops on threads (see MLIR-RECIPES.md): after
// --lower-affine makes them scf.parallel, --convert-scf-to-openmp rewrites
// them into omp.parallel + omp.wsloop. The --canonicalize right after it is
// needed: it inlines the memref.alloca_scope the conversion wraps around
// each loop body, which --convert-scf-to-cf would otherwise reject ("expects
// region #0 to have 0 or 1 blocks"). Modules without affine.parallel lower
// as with LLVMPipeline. Run the result with WithOpenMP.
var OpenMPPipeline = append([]string{
	"--lower-affine",
	"--convert-scf-to-openmp",
	"--canonicalize",
	"--convert-scf-to-cf",
	"--convert-openmp-to-llvm",
}, without(LLVMPipeline, "--lower-affine", "--convert-scf-to-cf")...)

// without returns passes less the named ones, in order.
func without(passes []string, drop ...string) []string {
	var out []string
	for _, p := range passes {
		if !slices.Contains(drop, p) {
			out = append(out, p)
		}
	}
	return out
}

// Lower runs mlir-opt over mlir with prePasses (mlir-opt flags such as
// "--affine-loop-tile=tile-size=64") followed by LLVMPipeline, and returns
// the LLVM-dialect module.
func Lower(ctx context.Context, mlir []byte, prePasses []string) ([]byte, error) {
	return Opt(ctx, mlir, append(append([]string{}, prePasses...), LLVMPipeline...)...)
}

// LowerOpenMP is Lower with OpenMPPipeline instead of LLVMPipeline: the
// affine.parallel loops of mlir run on OpenMP threads.
func LowerOpenMP(ctx context.Context, mlir []byte, prePasses []string) ([]byte, error) {
	return Opt(ctx, mlir, append(append([]string{}, prePasses...), OpenMPPipeline...)...)
}

// Opt runs mlir-opt with args over mlir and returns the resulting module;
// with no args it only parses and verifies.
func Opt(ctx context.Context, mlir []byte, args ...string) ([]byte, error) {
	return run(ctx, "mlir-opt", args, mlir)
}

// RunOption configures RunMain.
type RunOption func(*runConfig)

type runConfig struct {
	openMP  bool
	threads int
}

// WithOpenMP makes RunMain load the OpenMP runtime (OpenMPLib), which
// modules lowered by LowerOpenMP call, and, when threads > 0, run their
// parallel loops on that many threads (OMP_NUM_THREADS); otherwise the
// runtime's default (OMP_NUM_THREADS from the environment, else one thread
// per core) applies.
func WithOpenMP(threads int) RunOption {
	return func(c *runConfig) { c.openMP, c.threads = true, threads }
}

// RunMain JIT-compiles a lowered module with mlir-cpu-runner, calls its
// `func @main()` and returns what it printed.
func RunMain(ctx context.Context, lowered []byte, opts ...RunOption) ([]byte, error) {
	var c runConfig
	for _, o := range opts {
		o(&c)
	}
	libs, err := RunnerLibs()
	if err != nil {
		return nil, err
	}
	var env []string
	if c.openMP {
		omp, err := OpenMPLib()
		if err != nil {
			return nil, err
		}
		libs = append(libs, omp)
		if c.threads > 0 {
			env = append(env, fmt.Sprintf("OMP_NUM_THREADS=%d", c.threads))
		}
	}
	args := []string{"-e", "main", "-entry-point-result=void", "-shared-libs=" + strings.Join(libs, ",")}
	return run(ctx, "mlir-cpu-runner", args, lowered, env...)
}

// run feeds stdin to the tool called name, with env added to the
// environment, and returns its standard output; a failure carries the
// command line and the tool's standard error.
func run(ctx context.Context, name string, args []string, stdin []byte, env ...string) ([]byte, error) {
	path, err := Find(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
