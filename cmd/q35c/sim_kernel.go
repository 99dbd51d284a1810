package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/lpusim"
	"github.com/q35c/q35c/passes"
)

// runSimKernel simulates every kernel of path (or --kernel) on the chip,
// checks each against the interpreter (--check), prints a report per
// kernel, writes them as JSON (--report) and draws them (--timeline).
func runSimKernel(c *cobra.Command, path string, o *simOpts) error {
	target, source, err := o.target()
	if err != nil {
		return err
	}
	if o.dataflow != "ws" && o.dataflow != "os" {
		return fmt.Errorf("--dataflow %q: want ws or os", o.dataflow)
	}
	pipe, err := passes.Parse(passes.LPUPipeline(target, o.dataflow))
	if err != nil {
		return &internalError{msg: err.Error()}
	}
	name, src, err := readSource(path, c.InOrStdin())
	if err != nil {
		return err
	}
	_, ref, err := compileSource(name, src, c.ErrOrStderr())
	if err != nil {
		return err
	}
	if err := checkOverflow(ref, false, false, c.ErrOrStderr()); err != nil {
		return err
	}
	_, m, err := compileSource(name, src, io.Discard) // the same diagnostics again
	if err != nil {
		return err
	}
	if err := runPipeline(pipe, m, &passOpts{verifyEach: true}, c.ErrOrStderr()); err != nil {
		return err
	}
	funcs := m.Funcs
	if o.kernel != "" {
		f := m.Func(o.kernel)
		if f == nil {
			return &ioError{fmt.Errorf("%s has no kernel %q", name, o.kernel)}
		}
		funcs = []*ir.Func{f}
	}
	var reports []*lpusim.KernelReport
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s on %s (%s), %s; docs/lpusim.md has the model\n", name, targetName(target), source, dataflowName(o.dataflow))
	for _, f := range funcs {
		r, err := simKernel(f, ref.Func(f.Name), target, o)
		if err != nil {
			return err
		}
		reports = append(reports, r)
		printKernelReport(&out, r, o)
	}
	if o.timeline != "" {
		var svg bytes.Buffer
		if err := lpusim.WriteTimeline(&svg, reports); err != nil {
			return &internalError{msg: err.Error()}
		}
		if err := writeOutput(o.timeline, svg.Bytes(), c.OutOrStdout()); err != nil {
			return err
		}
	}
	if o.report != "" {
		data, err := json.MarshalIndent(reports, "", "  ")
		if err != nil {
			return &internalError{msg: err.Error()}
		}
		if err := writeOutput(o.report, append(data, '\n'), c.OutOrStdout()); err != nil || o.report == "-" {
			return err
		}
	}
	return writeOutput("-", out.Bytes(), c.OutOrStdout())
}

func dataflowName(d string) string {
	if d == "os" {
		return "output-stationary"
	}
	return "weight-stationary"
}

func targetName(t *ir.LPUTarget) string {
	if t.Name == "" {
		return "an unnamed chip"
	}
	return t.Name
}

// maxSimOps bounds the operations sim executes (vector ops and MACs, and
// as many again in the interpreter for --check): the LLaMA-70B layers at
// M = 32 are 9 billion, minutes; a kernel of many nested loops would run
// for ever.
const maxSimOps = 1 << 36

// simKernel lowers f to an LPU program and times it; unless
// --timing-only, it executes the program on deterministic inputs
// (ir.FillInput) and, with --check, compares its outputs word for word
// with ir.Exec running ref, the kernel before any pass.
func simKernel(f, ref *ir.Func, t *ir.LPUTarget, o *simOpts) (*lpusim.KernelReport, error) {
	p, err := passes.LowerLPU(f, t, o.dataflow)
	var ce *ir.CapacityError
	switch {
	case errors.As(err, &ce):
		return nil, &ioError{err}
	case err != nil:
		return nil, &ioError{fmt.Errorf("lowering kernel %s to the LPU: %v", f.Name, err)}
	}
	r := lpusim.Map(p)
	if o.timingOnly {
		return r, nil
	}
	if ops := r.VectorOps + r.MACs; ops > maxSimOps || ops < 0 {
		return nil, &ioError{fmt.Errorf("%s: kernel %s would execute %d vector operations and %d MACs, more than q35c sim executes (%d); --timing-only times it without executing",
			f.Pos, f.Name, r.VectorOps, r.MACs, int64(maxSimOps))}
	}
	mem := ir.GeneratedMemory(ref)
	if err := lpusim.Run(p, mem); err != nil {
		return nil, &ioError{fmt.Errorf("simulating kernel %s: %v", f.Name, err)}
	}
	if !o.check {
		return r, nil
	}
	want := ir.GeneratedMemory(ref)
	if err := ir.Exec(ref, want); err != nil {
		return nil, &ioError{fmt.Errorf("interpreting kernel %s: %v", f.Name, err)}
	}
	if err := firstDifference(ref, mem, want); err != nil {
		return nil, &ioError{err}
	}
	return r, nil
}

// firstDifference names the first output word of f that differs between
// the storage got (simulated) and want (interpreted), or returns nil.
func firstDifference(f *ir.Func, got, want [][]byte) error {
	for i, b := range f.Params {
		if b.Kind != ir.Out {
			continue
		}
		g, w := ir.OutputWords(b, got[i]), ir.OutputWords(b, want[i])
		for e := range g {
			if g[e] != w[e] {
				return fmt.Errorf("kernel %s: the simulated %%%s differs from the interpreter's at element %d: %#x, want %#x",
					f.Name, b.Name, e, g[e], w[e])
			}
		}
	}
	return nil
}

// printKernelReport writes one kernel's figures.
func printKernelReport(w *bytes.Buffer, r *lpusim.KernelReport, o *simOpts) {
	verdict := "bit-identical to the interpreter"
	switch {
	case o.timingOnly:
		verdict = "timed only, not executed (--timing-only)"
	case !o.check:
		verdict = "executed, not checked (--check=false)"
	}
	fmt.Fprintf(w, "\nkernel %s: %s\n", r.Kernel, verdict)
	tb := newTable(w, []int{26, 16}, "  figure", "value")
	n := strconv.FormatInt
	tb.row("  cycles", n(r.Cycles, 10))
	tb.row("  time", fmt.Sprintf("%.3f µs", r.Seconds*1e6))
	tb.row("  matrix unit busy", fmt.Sprintf("%d cycles (%.1f%%)", r.MatrixBusyCycles, 100*r.MatrixBusyFraction))
	tb.row("  MACs", n(r.MACs, 10))
	tb.row("  MAC utilization", fmt.Sprintf("%.4f%%", 100*r.MACUtilization))
	tb.row("  vector unit busy", fmt.Sprintf("%d cycles (%.1f%%)", r.VectorBusyCycles, 100*r.VectorBusyFraction))
	tb.row("  vector ops", n(r.VectorOps, 10))
	tb.row("  SRAM read", n(r.SRAMReadBytes, 10)+" B")
	tb.row("  SRAM written", n(r.SRAMWrittenBytes, 10)+" B")
	tb.row("  peak SRAM", n(r.PeakSRAMBytes, 10)+" B")
	for i, j := range r.Jobs {
		fmt.Fprintf(w, "  job %d at %s: cycles %d..%d, matrix %d, vector %d (%d ops)\n",
			i, j.Pos, j.Start, j.Start+j.Cycles, j.MatrixCycles, j.VectorCycles, j.VectorOps)
		for _, d := range j.Dots {
			s := d.Shape
			fmt.Fprintf(w, "    dot loop at %s: K %d (%d groups of %d) × N %d, M %d: %d×%d tiles, %d cycles (%d loading, %d streaming over all planes)\n",
				d.Pos, s.K(), s.Groups, s.GroupK, s.N, s.M, d.Timing.TilesK, d.Timing.TilesN, d.Timing.Cycles, d.Timing.LoadCycles, d.Timing.StreamCycles)
		}
	}
}
