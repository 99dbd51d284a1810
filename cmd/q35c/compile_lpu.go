package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// lpuOpts are compile's flags for --emit lpu.
type lpuOpts struct {
	targetFile string
	dataflow   string
	source     string // where the target came from, for messages
}

// lpuDataflows are the values of --dataflow.
var lpuDataflows = []string{"ws", "os"}

func addLPUFlags(f *pflag.FlagSet, o *lpuOpts) {
	f.StringVar(&o.targetFile, "target-file", "", "with --emit lpu, the chip as a JSON target `FILE` (default: the built-in TSP-like chip; see q35c sim --help)")
	f.StringVar(&o.dataflow, "dataflow", "ws", "with --emit lpu, how the matrix unit runs matmuls: ws (weight-stationary) or os (output-stationary)")
}

// check validates the LPU flags for output level emit and, for lpu, reads
// the target (as q35c sim does), before any input is read.
func (o *lpuOpts) check(c *cobra.Command, emit string) (*ir.LPUTarget, error) {
	if emit != "lpu" {
		if c.Flags().Changed("target-file") || c.Flags().Changed("dataflow") {
			return nil, errors.New("--target-file and --dataflow need --emit lpu")
		}
		return nil, nil
	}
	valid := false
	for _, d := range lpuDataflows {
		valid = valid || o.dataflow == d
	}
	if !valid {
		return nil, fmt.Errorf("invalid --dataflow %q: want ws (weight-stationary) or os (output-stationary)", o.dataflow)
	}
	t, source, err := (&simOpts{targetFile: o.targetFile}).target()
	o.source = source
	return t, err
}

// emitLPU lowers every kernel of m to target t and writes the programs.
// A kernel the chip cannot hold or run is the user's error, not ours.
func emitLPU(out *bytes.Buffer, m *ir.Module, t *ir.LPUTarget, o lpuOpts) error {
	progs := make([]*ir.LPUProgram, 0, len(m.Funcs))
	for _, f := range m.Funcs {
		p, err := passes.LowerLPU(f, t, o.dataflow)
		var capErr *ir.CapacityError
		switch {
		case errors.As(err, &capErr):
			return &ioError{fmt.Errorf("%s: %v (target: %s)", f.Pos, err, o.source)}
		case err != nil:
			return &ioError{fmt.Errorf("kernel %s on %s: %v", f.Name, o.source, err)}
		}
		progs = append(progs, p)
	}
	if err := emit.LPU(out, progs, m.Name); err != nil {
		return &internalError{msg: "emitting the LPU program: " + err.Error()}
	}
	return nil
}
