package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

type quantizeOpts struct {
	output    string
	scheme    string
	group     int
	synthetic string
	dist      string
	seed      uint64
	quiet     bool
}

func newQuantizeCmd() *cobra.Command {
	o := &quantizeOpts{}
	c := &cobra.Command{
		Use:   "quantize IN -o OUT | --synthetic ROWSxCOLS",
		Short: "Quantize the weights of a safetensors or .npy file, or measure the schemes on synthetic weights",
		Long: `quantize IN -o OUT reads IN, a safetensors file (F32, F16 and BF16 tensors,
other dtypes kept as they are) or a NumPy .npy file ('<f4' or '<f2', C
order), and writes OUT, a safetensors file in which every 2-D F32, F16 or
BF16 tensor, read as PyTorch's [N outputs, K inputs], is quantized with
--scheme in groups of --group weights along K; every other tensor is copied
unchanged. OUT's __metadata__ names the scheme, the group size and the
layout (internal/tensorio's package doc lists the tensors each scheme
writes); docs/format.md specifies the formats.

Memory: IN is memory-mapped and quantized one tensor at a time, 4M weights
at a time, so peak memory is about the largest single tensor (in fact its
quantized form plus a 16 MiB working copy), not the model: a 140 GB model
needs neither 140 GB of memory nor of swap. The quantizer spreads each
band's rows over every core.

It prints a table with one line per tensor: shape, dtype, bits per weight
(scales included), bytes before and after, and for quantized tensors the
relative RMSE (RMSE of the error / RMS of the weights) and the largest
absolute error. A progress bar goes to standard error on a terminal (plain
lines otherwise; none with --quiet).

OUT is written atomically: on any error, or on interrupt, no file is left.

quantize --synthetic ROWSxCOLS draws a matrix of weights with --seed (PCG)
from --dist (each with mean 0 and variance 1) and prints the accuracy of
every scheme side by side, 3.5-bit vs INT4 vs INT3 vs INT8, at --group:
relative RMSE, max abs error, bits per weight and what a 70B-parameter
model weighs at that rate. The same seed prints the same table.

Exit status: 0 on success, 1 on bad input (missing, truncated or corrupt
file, unsupported dtype, K not a multiple of the group) or an unwritable
output, 2 on a usage error.`,
		Example: `  q35c quantize model.safetensors -o model.q35.safetensors
  q35c quantize --scheme int4 --group 64 wq.npy -o wq.int4.safetensors
  q35c quantize --synthetic 8192x8192 --dist gaussian --group 128 --seed 1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runQuantize(c, args, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the quantized safetensors to `FILE`")
	f.StringVar(&o.scheme, "scheme", "q35", "quantization scheme: "+schemeNames())
	f.IntVar(&o.group, "group", 128, "weights per scale group along K (q35: a multiple of 8; int4: of 2)")
	f.StringVar(&o.synthetic, "synthetic", "", "measure every scheme on a synthetic `ROWSxCOLS` matrix instead of reading a file")
	f.StringVar(&o.dist, "dist", "gaussian", "with --synthetic, the weights' distribution: "+distNames())
	f.Uint64Var(&o.seed, "seed", 1, "with --synthetic, the random seed")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "show no progress")
	return c
}

func runQuantize(c *cobra.Command, args []string, o *quantizeOpts) error {
	parent := c.Context()
	if parent == nil {
		parent = context.Background()
	}
	// On interrupt, stop between bands and remove the temporary output.
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.synthetic != "" {
		return runQuantizeSynthetic(ctx, c, args, o)
	}
	for _, name := range []string{"dist", "seed"} {
		if c.Flags().Changed(name) {
			return fmt.Errorf("--%s needs --synthetic", name)
		}
	}
	switch {
	case len(args) == 0:
		return fmt.Errorf("quantize needs an input file (or --synthetic ROWSxCOLS)")
	case o.output == "" || o.output == "-":
		return fmt.Errorf("quantize needs -o FILE: the output is a binary safetensors file")
	}
	s, err := findScheme(o.scheme)
	if err != nil {
		return err
	}
	if err := s.checkGroup(o.group); err != nil {
		return err
	}
	return runQuantizeFile(ctx, c, args[0], o, s)
}

func runQuantizeSynthetic(ctx context.Context, c *cobra.Command, args []string, o *quantizeOpts) error {
	switch {
	case len(args) > 0:
		return fmt.Errorf("--synthetic takes no input file")
	case c.Flags().Changed("output"):
		return fmt.Errorf("--synthetic writes no file: it prints a table (drop -o)")
	case c.Flags().Changed("scheme"):
		return fmt.Errorf("--synthetic compares every scheme: drop --scheme")
	}
	n, k, err := parseShape(o.synthetic)
	if err != nil {
		return err
	}
	d, err := findDist(o.dist)
	if err != nil {
		return err
	}
	for _, s := range schemes {
		if err := s.checkGroup(o.group); err != nil {
			return err
		}
	}
	if k%o.group != 0 {
		return fmt.Errorf("--synthetic %s: %d columns are not a multiple of --group %d", o.synthetic, k, o.group)
	}
	if err := runSynthetic(ctx, c.OutOrStdout(), n, k, o.group, o.seed, d); err != nil {
		if ctx.Err() != nil {
			return &ioError{fmt.Errorf("interrupted")}
		}
		return err
	}
	return nil
}
