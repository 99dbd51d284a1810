package main

import (
	"io"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "q35c",
		Short: "q35c compiles quantized LLM kernels (.q35) to MLIR and native code",
		Long: `q35c compiles kernels written in the .q35 language (matmuls over INT8
activations and 4-bit or 3.5-bit packed weights, dequantization, ...) into an
IR of affine loop nests, checks them, optimizes them with its own passes
(tiling, systolic mapping, vectorization, parallelization, unpacking,
fusion), and emits MLIR that mlir-opt accepts or LLVM IR that clang builds
into native kernels with a C ABI.

The language is described in docs/language.md, the passes in
docs/passes.md, the measured speed in docs/performance.md.`,
		Example: `  q35c check examples/matmul_q35.q35
  q35c compile examples/matmul_q35.q35 -o out.mlir
  q35c compile examples/matmul_f32.q35 | mlir-opt --affine-loop-tile=tile-size=64
  q35c compile --emit ir examples/dequant_lut.q35
  q35c build examples/matmul_q35.q35 --target cpu -o k.so --header k.h
  q35c bench examples/llama70b.q35 --kernel matmul_q35_m1 --compare`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newCompileCmd(), newBuildCmd(), newBenchCmd(), newCheckCmd(), newQuantizeCmd(), newSimCmd(), newVersionCmd())
	root.AddCommand(newFmtCmd())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return err })
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print q35c's version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := io.WriteString(c.OutOrStdout(), "q35c "+version+"\n")
			return err
		},
	}
}
