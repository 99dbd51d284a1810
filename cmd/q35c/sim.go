package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/lpusim"
)

type simOpts struct {
	model      string
	bits       string
	group      int64
	batch      int64
	chips      string
	reserve    float64
	targetFile string
	json       string

	// sim KERNEL.q35
	kernel     string
	dataflow   string
	check      bool
	timingOnly bool
	report     string
	timeline   string
}

func newSimCmd() *cobra.Command {
	o := &simOpts{}
	c := &cobra.Command{
		Use:   "sim KERNEL.q35 | --model NAME",
		Short: "Simulate kernels on an LPU-like chip bit-exactly with cycle counts, or project a model's decode speed",
		Long: `sim KERNEL.q35 compiles every kernel of the file (or --kernel) for the
LPU (the lpu target's pipeline, systolic and dot, shaped by the chip's
planes), lowers each to an LPU program (what compile --emit lpu prints:
every dot loop a matmul of weight tiles dealt to the planes, --dataflow ws
or os, the rest the vector unit's program) and executes it: the matrix
unit decodes the packed codes and sums in INT32 tile by tile, and the
interpreter runs the vector unit's program. Inputs are the deterministic ones of the test harness;
--check (default on) compares the outputs word for word with the
interpreter on the kernel before any pass. It prints, per kernel, cycles
and time, each unit's busy cycles, MACs and MAC utilization, SRAM bytes
read and written and the SRAM the buffers take; --report writes them as
JSON, --timeline draws each unit's busy time per job as SVG, and
--timing-only skips the execution (and the check), for model-sized kernels. A kernel whose buffers do not fit the SRAM is an error that says how
many chips it would need.

sim --model llama-70b composes the model's real layer shapes, computes the
bytes of its weights in the --bits format (f32 scales included), the chips
needed to hold them in SRAM, a pipeline partition of the weights across
those chips (balanced by bytes), and from a weight-stationary timing model
of the matrix unit and the chip-to-chip links, the per-token latency and
tokens per second at batch 1 and at --batch. It prints every assumption
the figures rest on; docs/lpusim.md writes the model out.

The chip is the built-in TSP-like target (testdata/targets/tsp.json is the
same chip as a file) or --target-file, a JSON target whose errors name the
field and say why.

Both are models, not measurements; docs/lpusim.md writes them out.

Exit status: 0 on success, 1 when a simulated kernel differs from the
interpreter, a kernel or the model does not fit (the message says how many
chips it needs), the target file is unreadable or invalid, or the kernel
file does not compile; 2 on a usage error.`,
		Example: `  q35c sim examples/matmul_q35.q35
  q35c sim testdata/dot/accept.q35 --kernel q35_batch --report report.json --timeline t.svg
  q35c sim --model llama-70b
  q35c sim --model llama-70b --bits 4 --batch 64 --chips 200
  q35c sim --model llama-70b --target-file chip.json --json projection.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.checkFlags(c, len(args) > 0); err != nil {
				return err
			}
			if o.timingOnly && o.check && c.Flags().Changed("check") {
				return errors.New("--check needs the kernels executed; --timing-only does not execute them")
			}
			if len(args) > 0 {
				return runSimKernel(c, args[0], o)
			}
			return runSim(c, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.model, "model", "", "the model to project: "+strings.Join(lpusim.ModelNames, ", "))
	f.StringVar(&o.bits, "bits", "3.5", "weight format: 3.5 (q35c's 3.5-bit), 4 (INT4) or 8 (INT8), each with f32 scales per group")
	f.Int64Var(&o.group, "group", 128, "weights per scale group along K")
	f.Int64Var(&o.batch, "batch", 32, "sequences decoded together (batch 1 is always reported too)")
	f.StringVar(&o.chips, "chips", "auto", "chips to use: auto (as few as hold the weights) or a `number`")
	f.Float64Var(&o.reserve, "sram-reserve", 0, "`fraction` of each chip's SRAM kept for activations and the KV cache")
	f.StringVar(&o.targetFile, "target-file", "", "the chip as a JSON target `FILE` (default: the built-in TSP-like chip)")
	f.StringVar(&o.kernel, "kernel", "", "with a kernel file, simulate only the kernel `NAME`")
	f.StringVar(&o.dataflow, "dataflow", "ws", "with a kernel file, the matrix unit's dataflow: ws (weight-stationary) or os (output-stationary)")
	f.BoolVar(&o.check, "check", true, "with a kernel file, compare the simulated outputs word for word with the interpreter's")
	f.BoolVar(&o.timingOnly, "timing-only", false, "with a kernel file, only map and time the kernels: no execution, no check (fast on model-sized kernels)")
	f.StringVar(&o.report, "report", "", "with a kernel file, write the kernels' reports as JSON to `FILE` (- for standard output, instead of the tables)")
	f.StringVar(&o.timeline, "timeline", "", "with a kernel file, draw each unit's busy time per job as SVG to `FILE`")
	f.StringVar(&o.json, "json", "", "write the projection as JSON to `FILE` (- for standard output, instead of the report)")
	return c
}

func runSim(c *cobra.Command, o *simOpts) error {
	if o.model == "" {
		return errors.New("sim needs a kernel file or --model (" + strings.Join(lpusim.ModelNames, ", ") + ")")
	}
	model, err := lpusim.ModelByName(o.model)
	if err != nil {
		return fmt.Errorf("--model: %v", err)
	}
	opts, err := o.options(model)
	if err != nil {
		return err
	}
	target, source, err := o.target()
	if err != nil {
		return err
	}
	p, err := lpusim.Project(model, target, opts)
	var few *lpusim.TooFewChipsError
	switch {
	case errors.As(err, &few):
		return &ioError{fmt.Errorf("%s at %s bits needs %d chips of %s of SRAM (%d bytes of weights, %d usable bytes per chip); --chips %d is too few",
			model.Name, opts.Scheme.Bits, few.Needed, byteSize(target.SRAM.Bytes), few.WeightBytes, few.UsableBytes, few.Given)}
	case err != nil:
		return &ioError{fmt.Errorf("%s: %v", source, err)}
	}
	if o.json != "" {
		data, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			return &internalError{msg: err.Error()}
		}
		if err := writeOutput(o.json, append(data, '\n'), c.OutOrStdout()); err != nil || o.json == "-" {
			return err
		}
	}
	var b bytes.Buffer
	printProjection(&b, p, source, opts.Chips)
	if _, err := c.OutOrStdout().Write(b.Bytes()); err != nil {
		return &ioError{fmt.Errorf("writing standard output: %v", err)}
	}
	return nil
}

// kernelFlags and modelFlags are the flags of each form of sim.
var (
	kernelFlags = []string{"dataflow", "kernel", "check", "timing-only", "report", "timeline"}
	modelFlags  = []string{"model", "bits", "group", "batch", "chips", "sram-reserve", "json"}
)

// checkFlags refuses the flags of the other form: with a kernel file, the
// model's; without, the kernel's.
func (o *simOpts) checkFlags(c *cobra.Command, kernel bool) error {
	wrong, form := kernelFlags, "needs a kernel file"
	if kernel {
		wrong, form = modelFlags, "is for --model, not a kernel file"
	}
	for _, name := range wrong {
		if c.Flags().Changed(name) {
			return fmt.Errorf("--%s %s", name, form)
		}
	}
	return nil
}

// options turns the flags into lpusim's options; bad values are usage
// errors.
func (o *simOpts) options(model lpusim.Model) (lpusim.Options, error) {
	opts := lpusim.DefaultOptions()
	s, err := lpusim.SchemeForBits(o.bits)
	if err != nil {
		return opts, fmt.Errorf("--bits: %v", err)
	}
	opts.Scheme, opts.Group, opts.Batch, opts.SRAMReserve = s, o.group, o.batch, o.reserve
	if o.batch < 1 {
		return opts, fmt.Errorf("--batch %d: must be at least 1", o.batch)
	}
	if !(o.reserve >= 0 && o.reserve < 1) {
		return opts, fmt.Errorf("--sram-reserve %v: must be at least 0 and below 1", o.reserve)
	}
	if o.chips != "auto" {
		n, err := strconv.ParseInt(o.chips, 10, 64)
		if err != nil || n < 1 || n > lpusim.MaxChips {
			return opts, fmt.Errorf("--chips %q: want auto or a number from 1 to %d", o.chips, lpusim.MaxChips)
		}
		opts.Chips = n
	}
	if err := opts.Validate(model); err != nil {
		return opts, fmt.Errorf("--group %d at --bits %s: %v", o.group, o.bits, err)
	}
	return opts, nil
}

// maxTargetBytes bounds a target file: a few hundred bytes are enough.
const maxTargetBytes = 1 << 20

// target returns the chip and how to name it in messages.
func (o *simOpts) target() (*ir.LPUTarget, string, error) {
	if o.targetFile == "" {
		return ir.DefaultLPU(), "the built-in target", nil
	}
	f, err := os.Open(o.targetFile)
	if err != nil {
		return nil, "", &ioError{fmt.Errorf("cannot read %s: %v", o.targetFile, unwrapPathErr(err))}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTargetBytes+1))
	switch {
	case err != nil:
		return nil, "", &ioError{fmt.Errorf("cannot read %s: %v", o.targetFile, unwrapPathErr(err))}
	case len(data) > maxTargetBytes:
		return nil, "", &ioError{fmt.Errorf("%s is larger than %d MiB; target files are small", o.targetFile, maxTargetBytes>>20)}
	}
	t, err := ir.ParseLPUTarget(data)
	if err != nil {
		// One problem per line, each with the file's name.
		lines := strings.Split(err.Error(), "\n")
		for i, l := range lines {
			lines[i] = o.targetFile + ": " + l
		}
		return nil, "", &ioError{errors.New(strings.Join(lines, "\n"))}
	}
	return t, o.targetFile, nil
}

// printProjection writes the report: the target, the assumptions, the
// weights, the chips and partition, and the speed.
func printProjection(w *bytes.Buffer, p *lpusim.Projection, source string, chipsGiven int64) {
	o, t := p.Options, p.Target
	name := t.Name
	if name == "" {
		name = "unnamed"
	}
	fmt.Fprintf(w, "%s at %s bits (%s, groups of %d) on %s chips (%s), batch 1 and %d\n",
		p.Model.Name, o.Scheme.Bits, o.Scheme.Name, o.Group, name, source, o.Batch)
	fmt.Fprintf(w, "A projection from a timing model, not a measurement; docs/lpusim.md has the model.\n\n")
	printTarget(w, t)
	fmt.Fprintf(w, "\nassumptions\n")
	for _, a := range p.Assumptions {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	printWeights(w, p)
	fmt.Fprintf(w, "\nchips\n  needed: %d", p.ChipsNeeded)
	if p.ChipsNeeded != p.ChipsLowerBound {
		fmt.Fprintf(w, " (whole columns need more than the bytes alone, %d)", p.ChipsLowerBound)
	}
	fmt.Fprintf(w, "; ceil(%d bytes / %d usable bytes per chip = %.2f) = %d\n",
		p.WeightBytes, p.UsableSRAMBytes, float64(p.WeightBytes)/float64(p.UsableSRAMBytes), p.ChipsLowerBound)
	switch {
	case chipsGiven == 0:
		fmt.Fprintf(w, "  used: %d (--chips auto)\n", p.Chips)
	case p.Chips < chipsGiven:
		fmt.Fprintf(w, "  used: %d of the %d given (a chip holds at least one output column; the rest stay idle)\n", p.Chips, chipsGiven)
	default:
		fmt.Fprintf(w, "  used: %d (--chips %d)\n", p.Chips, chipsGiven)
	}
	printPartition(w, p)
	printSpeed(w, p)
}

func printTarget(w *bytes.Buffer, t *ir.LPUTarget) {
	m := t.Matrix
	peak := fmt.Sprintf("%.1f TOPS", t.PeakTOPS())
	if t.PeakINT8TOPS > 0 {
		peak += fmt.Sprintf(" (stated: %g)", t.PeakINT8TOPS)
	}
	fmt.Fprintf(w, "target\n")
	fmt.Fprintf(w, "  clock        %g MHz\n", t.ClockMHz)
	fmt.Fprintf(w, "  SRAM         %s per chip in %d banks, %s/s\n", byteSize(t.SRAM.Bytes), t.SRAM.Banks, decimal(t.SRAM.BandwidthBytesPerS, "B"))
	fmt.Fprintf(w, "  matrix unit  %d planes of %d×%d, %d-bit operands, %d-bit accumulators: %s\n", m.Planes, m.Rows, m.Cols, m.OperandBits, m.AccumulatorBits, peak)
	fmt.Fprintf(w, "  vector unit  %d lanes\n", t.Vector.Lanes)
	fmt.Fprintf(w, "  links        %d per chip, %s/s each way, %g ns per hop\n", t.Links.Count, decimal(t.Links.BandwidthBytesPerS, "B"), t.Links.LatencyNs)
	for i, n := range t.Notes {
		label := "             "
		if i == 0 {
			label = "  sources    "
		}
		fmt.Fprintf(w, "%s %s\n", label, n)
	}
}

func printWeights(w *bytes.Buffer, p *lpusim.Projection) {
	fmt.Fprintf(w, "\nweights held in SRAM\n")
	tb := newTable(w, []int{11, 14, 5, 11, 11, 12}, "  matrix", "K × N", "count", "bits/weight", "bytes each", "bytes")
	for _, m := range p.Matrices {
		tb.row("  "+m.Name, fmt.Sprintf("%d × %d", m.K, m.N), strconv.FormatInt(m.Count, 10), fmt.Sprintf("%.3f", m.BitsPer),
			strconv.FormatInt(m.BytesEach, 10), strconv.FormatInt(m.Bytes, 10))
	}
	tb.row("  total", fmt.Sprintf("%d weights", p.Weights), "", fmt.Sprintf("%.3f", p.BitsPerWeight), "", strconv.FormatInt(p.WeightBytes, 10))
	fmt.Fprintf(w, "  = %s (%s); not held: %d embedding values, %d norm values, the KV cache (%d bytes per token of context per sequence)\n",
		decimal(float64(p.WeightBytes), "B"), byteSize(p.WeightBytes), p.EmbeddingValues, p.NormValues, p.KVBytesPerToken)
}

func printPartition(w *bytes.Buffer, p *lpusim.Projection) {
	hz := p.Target.ClockMHz * 1e6
	fmt.Fprintf(w, "\npartition (a pipeline: each chip holds the weights from its first column up to, not including, its end)\n")
	tb := newTable(w, []int{6, 20, 20, 10, 10, 10}, "  chip", "from", "to", "bytes", "ms (batch 1)", "hop values")
	for _, s := range p.Stages {
		tb.row(fmt.Sprintf("  %d", s.Chip), s.From.String(), s.To.String(), strconv.FormatInt(s.Bytes, 10),
			fmt.Sprintf("%.3f", float64(s.Cycles1)/hz*1e3), strconv.FormatInt(s.HopValues, 10))
	}
	fmt.Fprintf(w, "  %.2f layers per chip on average\n", float64(p.Model.Layers)/float64(p.Chips))
}

func printSpeed(w *bytes.Buffer, p *lpusim.Projection) {
	b1, bb := p.Batch1, p.BatchB
	fmt.Fprintf(w, "\nspeed\n")
	fmt.Fprintf(w, "  batch 1: %.1f ms per token (%.1f ms on the matrix units + %.2f ms over %d hops) = %.2f tokens/s\n",
		b1.RoundTripSeconds*1e3, b1.ComputeSeconds*1e3, b1.TransferSeconds*1e3, p.Chips-1, b1.TokensPerSecond)
	fmt.Fprintf(w, "  batch %d: %d micro-batches of %d; each sequence gets a token every %.1f ms = %.1f tokens/s in all\n",
		bb.Batch, bb.MicroBatches, bb.MicroBatchSize, bb.PeriodSeconds*1e3, bb.TokensPerSecond)
	fmt.Fprintf(w, "    limited by %s; the slowest stage, chip %d, takes %.3f ms per micro-batch\n", bb.LimitedBy, bb.SlowestChip, bb.SlowestSeconds*1e3)
}

// decimal renders a figure with SI prefixes: 80 TB/s, 14 GB, 34.75 GB.
func decimal(v float64, unit string) string {
	prefixes := []string{"", "k", "M", "G", "T", "P"}
	i := 0
	for v >= 1000 && i < len(prefixes)-1 {
		v /= 1000
		i++
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " " + prefixes[i] + unit
}
