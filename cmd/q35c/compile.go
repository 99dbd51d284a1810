package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
)

// emitLevels are the stages compile can stop at, in pipeline order (as the
// MLIR Toy tutorial's -emit).
var emitLevels = []string{"ast", "ir", "mlir"}

type compileOpts struct {
	output  string
	emit    string
	harness bool
}

func newCompileCmd() *cobra.Command {
	o := &compileOpts{}
	c := &cobra.Command{
		Use:   "compile FILE|-",
		Short: "Compile a .q35 file to MLIR (or print its AST or IR)",
		Long: `compile checks FILE (or standard input for -) and writes, by --emit:
  ast   the checked AST, with every expression's type
  ir    q35c's IR of affine loop nests
  mlir  textual MLIR (func, affine, arith, memref) for mlir-opt 19 (default)

Output goes to standard output, or to the -o file, which is written
atomically: a failed compile leaves no file behind.`,
		Example: `  q35c compile examples/matmul_q35.q35 -o out.mlir
  q35c compile examples/matmul_f32.q35 | mlir-opt --affine-loop-tile=tile-size=64 \
      --affine-super-vectorize=virtual-vector-size=8 --lower-affine
  q35c compile --harness examples/matmul_f32.q35 > run.mlir   # adds a main() that runs every kernel`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runCompile(c, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "-", "write the output to `FILE` (- for standard output)")
	f.StringVar(&o.emit, "emit", "mlir", "what to write: "+strings.Join(emitLevels, ", "))
	f.BoolVar(&o.harness, "harness", false, "with --emit mlir, add a main() that fills inputs deterministically, runs every kernel and prints its outputs")
	return c
}

func runCompile(c *cobra.Command, path string, o *compileOpts) error {
	if !validLevel(o.emit) {
		return fmt.Errorf("invalid --emit %q: want one of %s", o.emit, strings.Join(emitLevels, ", "))
	}
	if o.harness && o.emit != "mlir" {
		return fmt.Errorf("--harness needs --emit mlir")
	}
	ast, m, err := compileFile(path, c.InOrStdin(), c.ErrOrStderr())
	if err != nil {
		return err
	}
	var out bytes.Buffer
	switch o.emit {
	case "ast":
		frontend.PrintAST(&out, ast)
	case "ir":
		ir.Print(&out, m)
	case "mlir":
		if err := emit.MLIR(&out, m, emit.Options{Harness: o.harness}); err != nil {
			return &internalError{msg: "emitting MLIR: " + err.Error()}
		}
	}
	return writeOutput(o.output, out.Bytes(), c.OutOrStdout())
}

func validLevel(s string) bool {
	for _, l := range emitLevels {
		if l == s {
			return true
		}
	}
	return false
}
