package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// emitLevels are the stages compile can stop at, in pipeline order (as the
// MLIR Toy tutorial's -emit).
var emitLevels = []string{"ast", "ir", "mlir", "llvm", "header", "lpu"}

type compileOpts struct {
	output        string
	emit          string
	harness       bool
	allowOverflow bool
	march         string
	passes        passOpts
	lpu           lpuOpts

	// beforePasses, if set, sees the frontend's IR before the pipeline
	// runs (bench counts the multiplies there).
	beforePasses func(m *ir.Module)
}

func newCompileCmd() *cobra.Command {
	o := &compileOpts{}
	c := &cobra.Command{
		Use:   "compile FILE|- [FILE...]",
		Short: "Compile .q35 files to MLIR, LLVM IR or LPU programs (or print their AST, IR or C header)",
		Long: `compile checks FILE (or standard input for -) and writes, by --emit:
  ast     the checked AST, with every expression's type
  ir      q35c's IR of affine loop nests
  mlir    textual MLIR (func, affine, arith, memref, vector) for mlir-opt 19 (default)
  llvm    LLVM IR (llir/llvm) with one C-ABI function per kernel, for clang/llc 19
  header  a C header declaring the kernels of --emit llvm and q35c build
  lpu     the LPU program of every kernel (docs/lpusim.md) as MLIR in an lpu
          dialect, in generic op syntax for mlir-opt --allow-unregistered-dialect:
          the chip, each buffer's place in SRAM, and per kernel the matrix
          unit's matmuls (lpu.matmul: windows, decoding, tiles per plane)
          before the vector unit's code that reads their sums. The IR goes
          through the lpu target's passes, systolic shaped by the chip's
          planes (as q35c sim runs them), unless --pipeline or --target says
          otherwise; the chip is the built-in TSP-like one or --target-file,
          the dataflow --dataflow. A kernel whose buffers do not fit the
          chip's SRAM is an error that says how many bytes it needs.

Before any pass, the INT32 overflow proof (docs/passes.md) checks every
integer accumulator; a kernel that may overflow is refused unless
--allow-overflow downgrades the findings to warnings (--remarks prints the
bounds proved).

Between the frontend and the emitter, the IR goes through the passes that
--pipeline (in mlir-opt's syntax) or a --target preset names; none by
default (for --emit lpu, the lpu target's). The IR verifier runs after every pass (--verify-each=false skips
it); --print-ir-after and --time-passes report on stderr.

Output goes to standard output, or to the -o file, which is written
atomically: a failed or interrupted (Ctrl-C) compile leaves no file, not
even a partial temporary one, behind.

Several files: with more than one FILE, or when -o ends in /, -o names a
directory (created if missing; its parent must exist) and each FILE is
written to DIR/NAME.EXT (NAME: FILE's base name without .q35; EXT: ast,
ir, mlir, ll, h or lpu.mlir by --emit). The files compile in
parallel, at most GOMAXPROCS at a time, each to the same bytes as compiled
alone. Diagnostics are printed file by file in the order given; a file
with errors gets no output, the others are written, and the exit status is
1 if any file failed. Standard input (-) and two files with the same base
name cannot be compiled this way.

Input limits (hostile input gets a positioned error, never a crash): a
file of at most 16 MiB and 100,000 tokens, at most 200 levels of brackets,
names and numbers of at most 1024 bytes, buffers of at most 2^31 elements.

` + passesHelp(),
		Example: `  q35c compile examples/matmul_q35.q35 -o out.mlir
  q35c compile examples/matmul_f32.q35 | mlir-opt --affine-loop-tile=tile-size=64 \
      --affine-super-vectorize=virtual-vector-size=8 --lower-affine
  q35c compile --harness examples/matmul_f32.q35 > run.mlir   # adds a main() that runs every kernel
  q35c compile --target cpu examples/llama70b.q35 -o llama.mlir
  q35c compile --emit llvm examples/*.q35 -o out/              # out/matmul_f32.ll, out/matmul_q35.ll, ...
  q35c compile --emit lpu --dataflow os examples/matmul_q35.q35 | mlir-opt --allow-unregistered-dialect
  q35c compile --emit ir --pipeline 'canonicalize,tile{sizes=32,64}' --print-ir-after tile examples/matmul_f32.q35`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runCompile(c, args, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "-", "write the output to `FILE` (- for standard output), or into the directory FILE for several inputs")
	f.StringVar(&o.emit, "emit", "mlir", "what to write: "+strings.Join(emitLevels, ", "))
	f.BoolVar(&o.allowOverflow, "allow-overflow", false, "compile kernels whose integer accumulators may overflow, reporting it as warnings (by default they are refused)")
	f.StringVar(&o.march, "march", "", "with --emit llvm, use the instructions of `CPU` (e.g. native: AVX-512 VNNI for packed dot products); default: portable IR")
	f.BoolVar(&o.harness, "harness", false, "with --emit mlir, add a main() that fills inputs deterministically, runs every kernel and prints its outputs")
	addPassFlags(f, &o.passes)
	addLPUFlags(f, &o.lpu)
	return c
}

// addPassFlags declares the flags that choose and observe the passes.
func addPassFlags(f *pflag.FlagSet, p *passOpts) {
	f.StringVar(&p.pipeline, "pipeline", "", "run the passes of `PIPELINE` on the IR, e.g. 'canonicalize,tile{size=64}' (passes are listed above)")
	f.StringVar(&p.target, "target", "", "run the preset pipeline of `TARGET`: "+targetNames())
	f.BoolVar(&p.verifyEach, "verify-each", true, "verify the IR after every pass")
	f.StringVar(&p.printIRAfter, "print-ir-after", "", "print the IR to stderr after each run of the pass `NAME`, or after every pass with all")
	f.BoolVar(&p.timePasses, "time-passes", false, "print a table of the time each pass took to stderr")
	f.BoolVar(&p.remarks, "remarks", false, "print the passes' remarks (why a loop was left alone) to stderr")
}

func runCompile(c *cobra.Command, paths []string, o *compileOpts) error {
	target, err := o.prepare(c)
	if err != nil {
		return err
	}
	many := len(paths) > 1 || strings.HasSuffix(o.output, "/")
	if many {
		if err := checkManyArgs(paths, o.output, o.emit); err != nil {
			return err
		}
	}
	g := &outputGuard{}
	return untilInterrupted(c.Context(), g, func(ctx context.Context) error {
		if many {
			return o.compileMany(ctx, g, paths, target, c.ErrOrStderr())
		}
		if err := notTheInput(paths[0], o.output); err != nil {
			return err
		}
		data, err := o.emitFile(ctx, paths[0], target, c.InOrStdin(), c.ErrOrStderr())
		if err != nil {
			return err
		}
		return writeGuarded(g, o.output, data, c.OutOrStdout())
	})
}

// prepare checks the flags (usage errors come before reading any input),
// reads the --emit lpu target and sets its default pipeline.
func (o *compileOpts) prepare(c *cobra.Command) (*ir.LPUTarget, error) {
	if !validLevel(o.emit) {
		return nil, fmt.Errorf("invalid --emit %q: want one of %s", o.emit, strings.Join(emitLevels, ", "))
	}
	if o.harness && o.emit != "mlir" {
		return nil, fmt.Errorf("--harness needs --emit mlir")
	}
	target, err := o.lpu.check(c, o.emit)
	if err != nil {
		return nil, err
	}
	if target != nil && o.passes.pipeline == "" && o.passes.target == "" {
		// The lpu target's passes, with systolic shaped by the chip's planes.
		o.passes.pipeline = passes.LPUPipeline(target, o.lpu.dataflow)
	}
	if _, err := o.passes.pipelineFor(o.emit); err != nil {
		return nil, err
	}
	return target, nil
}

// emitFile compiles path and returns what --emit asks for. It only reads
// o, so several files can be compiled at once.
func (o *compileOpts) emitFile(ctx context.Context, path string, target *ir.LPUTarget, stdin io.Reader, stderr io.Writer) ([]byte, error) {
	ast, m, err := o.transformedIO(path, o.emit, stdin, stderr)
	if err != nil {
		return nil, err
	}
	if o.emit == "llvm" || o.emit == "header" {
		if err := emit.CheckCNames(m); err != nil {
			return nil, &ioError{err}
		}
	}
	var out bytes.Buffer
	switch o.emit {
	case "ast":
		frontend.PrintAST(&out, ast)
	case "ir":
		ir.Print(&out, m)
	case "mlir":
		if err := emit.MLIR(&out, m, emit.Options{Harness: o.harness}); err != nil {
			return nil, &internalError{msg: "emitting MLIR: " + err.Error()}
		}
	case "llvm":
		text, err := llvmFor(ctx, m, o.march)
		if err != nil {
			return nil, err
		}
		out.Write(text)
	case "header":
		text, err := emit.Header(m)
		if err != nil {
			return nil, &internalError{msg: "emitting the C header: " + err.Error()}
		}
		out.Write(text)
	case "lpu":
		if err := emitLPU(&out, m, target, o.lpu); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
}

// transformed compiles path and runs the overflow proof and the pipeline
// the flags name (checked first: usage errors come before reading the
// input), for output level emit.
func (o *compileOpts) transformed(c *cobra.Command, path, emit string) (*frontend.File, *ir.Module, error) {
	return o.transformedIO(path, emit, c.InOrStdin(), c.ErrOrStderr())
}

// transformedIO is transformed reading - from stdin and writing
// diagnostics to stderr.
func (o *compileOpts) transformedIO(path, emit string, stdin io.Reader, stderr io.Writer) (*frontend.File, *ir.Module, error) {
	pipe, err := o.passes.pipelineFor(emit)
	if err != nil {
		return nil, nil, err
	}
	ast, m, err := compileFile(path, stdin, stderr)
	if err != nil {
		return nil, nil, err
	}
	// The INT32 overflow proof runs on the frontend's IR, so that its
	// findings point at the user's lines, before any pass.
	if err := checkOverflow(m, o.allowOverflow, o.passes.remarks, stderr); err != nil {
		return nil, nil, err
	}
	if o.beforePasses != nil {
		o.beforePasses(m)
	}
	if pipe != nil {
		if err := runPipeline(pipe, m, &o.passes, stderr); err != nil {
			return nil, nil, err
		}
	}
	return ast, m, nil
}

func targetNames() string {
	var names []string
	for _, t := range passes.Targets() {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

func validLevel(s string) bool {
	for _, l := range emitLevels {
		if l == s {
			return true
		}
	}
	return false
}
