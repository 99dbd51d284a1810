package lpusim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/q35c/q35c/ir"
)

// This file maps a kernel onto the chip (docs/lpusim.md §8). Every dot
// loop (ir.Loop.Dot) is a matrix-unit job: from its ir.PlanDot and the
// loops around it, the loops whose variable moves the code windows move
// the weights (along K when they move the activations too: the groups;
// along N otherwise: the output columns), and the others move only the
// activations (M, the streamed rows). Everything else is vector-unit work,
// counted in scalar operations times their executions.

// DotJob is one dot loop on the matrix unit.
type DotJob struct {
	Pos   string      `json:"pos"` // the dot loop's source position
	Shape MatrixShape `json:"shape"`
	// Executions is how many times the dot loop runs: the product of the
	// trip counts of the loops around it.
	Executions int64 `json:"executions"`
	// MACs is the products the loop computes: Executions × its lanes.
	MACs int64 `json:"macs"`
	// WeightBytes are the packed code bytes read from SRAM, once;
	// ActivationBytes the activation bytes streamed, once per tile column.
	WeightBytes     int64        `json:"weight_bytes"`
	ActivationBytes int64        `json:"activation_bytes"`
	Timing          MatrixTiming `json:"timing"`
}

// Job is one top-level statement of the kernel (a loop nest, usually):
// its dot loops run on the matrix unit while the vector unit does the
// rest; the two overlap, so the job takes the longer of the two. Jobs run
// one after another.
type Job struct {
	Pos          string   `json:"pos"`
	Dots         []DotJob `json:"dots,omitempty"`
	VectorOps    int64    `json:"vector_ops"`
	MatrixCycles int64    `json:"matrix_cycles"`
	VectorCycles int64    `json:"vector_cycles"`
	Start        int64    `json:"start"` // the cycle the job starts at
	Cycles       int64    `json:"cycles"`
}

// KernelReport is what simulating a kernel gives.
type KernelReport struct {
	Kernel string `json:"kernel"`
	Target string `json:"target"`
	// Cycles is the kernel's time, Seconds the same at the clock.
	Cycles  int64   `json:"cycles"`
	Seconds float64 `json:"seconds"`
	// MatrixBusyCycles and VectorBusyCycles are each unit's busy time;
	// the fractions are of Cycles.
	MatrixBusyCycles   int64   `json:"matrix_busy_cycles"`
	MatrixBusyFraction float64 `json:"matrix_busy_fraction"`
	VectorBusyCycles   int64   `json:"vector_busy_cycles"`
	VectorBusyFraction float64 `json:"vector_busy_fraction"`
	// MACs are the products computed on the matrix unit; MACUtilization
	// is MACs / (Cycles × planes × rows × cols).
	MACs           int64   `json:"macs"`
	MACUtilization float64 `json:"mac_utilization"`
	VectorOps      int64   `json:"vector_ops"`
	// SRAM traffic, and the bytes of every buffer of the kernel, which all
	// stay in SRAM for the whole kernel (PeakSRAMBytes).
	SRAMReadBytes    int64 `json:"sram_read_bytes"`
	SRAMWrittenBytes int64 `json:"sram_written_bytes"`
	PeakSRAMBytes    int64 `json:"peak_sram_bytes"`
	Jobs             []Job `json:"jobs"`
}

// CapacityError says a kernel's buffers do not fit one chip's SRAM.
type CapacityError struct {
	Kernel    string
	Needed    int64 // bytes of every buffer of the kernel
	Available int64 // the target's SRAM bytes
	Chips     int64 // chips whose SRAM would hold the bytes: ceil(Needed / Available)
}

func (e *CapacityError) Error() string {
	return fmt.Sprintf("kernel %s needs %d bytes of SRAM (weights, activations and outputs), the target has %d: it would need %d chips",
		e.Kernel, e.Needed, e.Available, e.Chips)
}

// mapping is a kernel mapped onto the chip: the jobs and each dot loop's
// plan, which the matrix unit executes.
type mapping struct {
	t      *ir.LPUTarget
	report *KernelReport
	plans  map[*ir.Op]*ir.DotPlan
}

// Map times kernel f on t without executing it: jobs, cycles, traffic and
// the SRAM it needs (a *CapacityError when it does not fit).
func Map(f *ir.Func, t *ir.LPUTarget) (*KernelReport, error) {
	m, err := mapKernel(f, t)
	if err != nil {
		return nil, err
	}
	return m.report, nil
}

func mapKernel(f *ir.Func, t *ir.LPUTarget) (*mapping, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	r := &KernelReport{Kernel: f.Name, Target: t.Name}
	for _, b := range f.Params {
		r.PeakSRAMBytes += b.StorageBytes()
	}
	for _, tb := range f.Tables {
		r.PeakSRAMBytes += tb.Buf.StorageBytes()
	}
	if r.PeakSRAMBytes > t.SRAM.Bytes {
		return nil, &CapacityError{Kernel: f.Name, Needed: r.PeakSRAMBytes, Available: t.SRAM.Bytes, Chips: ceilDiv(r.PeakSRAMBytes, t.SRAM.Bytes)}
	}
	m := &mapping{t: t, report: r, plans: map[*ir.Op]*ir.DotPlan{}}
	for _, op := range f.Body.Ops {
		job, err := m.job(op)
		if err != nil {
			return nil, err
		}
		if job.VectorOps == 0 && len(job.Dots) == 0 {
			continue // constants
		}
		job.Start = r.Cycles
		r.Cycles += job.Cycles
		r.Jobs = append(r.Jobs, job)
	}
	m.totals()
	return m, nil
}

// totals sums the jobs into the report.
func (m *mapping) totals() {
	r, t := m.report, m.t
	for _, j := range r.Jobs {
		r.MatrixBusyCycles += j.MatrixCycles
		r.VectorBusyCycles += j.VectorCycles
		r.VectorOps += j.VectorOps
		for _, d := range j.Dots {
			r.MACs += d.MACs
			r.SRAMReadBytes += d.WeightBytes + d.ActivationBytes
		}
	}
	r.Seconds = float64(r.Cycles) / (t.ClockMHz * 1e6)
	if r.Cycles > 0 {
		c := float64(r.Cycles)
		r.MatrixBusyFraction = float64(r.MatrixBusyCycles) / c
		r.VectorBusyFraction = float64(r.VectorBusyCycles) / c
		r.MACUtilization = float64(r.MACs) / (c * float64(t.MACs()))
	}
}

// nest is the loops around an op, outermost first, with their trip counts
// and the static ranges of their variables.
type nest struct {
	loops  []*ir.Op
	trips  []int64
	ranges map[*ir.Value][2]int64
}

func (n *nest) executions() int64 {
	e := int64(1)
	for _, t := range n.trips {
		e *= t
	}
	return e
}

// push enters loop op: its trip count is exact when its bounds are
// constants, and the largest it can be when they depend on outer loops.
func (n *nest) push(op *ir.Op) {
	l := op.Loop
	bound := func(v *ir.Value) (int64, int64) { r := n.ranges[v]; return r[0], r[1] }
	// The loop starts at max(Lower) and stops below min(Upper).
	var lo, hi int64
	for i, e := range l.Lower {
		if a, _ := e.Range(bound); i == 0 || a > lo {
			lo = a
		}
	}
	for i, e := range l.Upper {
		if _, b := e.Range(bound); i == 0 || b < hi {
			hi = b
		}
	}
	trip := int64(0)
	if hi > lo {
		trip = ceilDiv(hi-lo, l.Step)
	}
	n.loops = append(n.loops, op)
	n.trips = append(n.trips, trip)
	n.ranges[l.IV] = [2]int64{lo, max(lo, hi-1)}
}

func (n *nest) pop() {
	n.loops, n.trips = n.loops[:len(n.loops)-1], n.trips[:len(n.trips)-1]
}

// job maps one top-level op.
func (m *mapping) job(op *ir.Op) (Job, error) {
	j := Job{Pos: op.Pos.String()}
	n := &nest{ranges: map[*ir.Value][2]int64{}}
	if err := m.walk(op, n, &j); err != nil {
		return j, err
	}
	for _, d := range j.Dots {
		j.MatrixCycles += d.Timing.Cycles
	}
	j.VectorCycles = VectorCycles(m.t, j.VectorOps)
	j.Cycles = max(j.MatrixCycles, j.VectorCycles)
	return j, nil
}

// walk counts op's vector work and maps its dot loops.
func (m *mapping) walk(op *ir.Op, n *nest, j *Job) error {
	switch op.Code {
	case ir.OpConst, ir.OpYield:
		return nil
	case ir.OpFor:
		if op.Loop.Dot {
			d, err := m.dot(op, n)
			if err != nil {
				return err
			}
			j.Dots = append(j.Dots, d)
			return nil
		}
		n.push(op)
		defer n.pop()
		for _, o := range op.Loop.Body.Ops {
			if err := m.walk(o, n, j); err != nil {
				return err
			}
		}
		return nil
	}
	e := n.executions()
	j.VectorOps += e
	switch op.Code {
	case ir.OpLoad:
		m.report.SRAMReadBytes += e * elemBytes(op.Buf)
	case ir.OpStore:
		m.report.SRAMWrittenBytes += e * elemBytes(op.Buf)
	}
	return nil
}

// elemBytes is the SRAM bytes one access of b moves (a byte for packed i4).
func elemBytes(b *ir.Buffer) int64 {
	_, st := ir.StorageElem(b.Elem)
	return max(1, int64(st.Bits/8))
}

// dot maps the dot loop op inside the loops n.
func (m *mapping) dot(op *ir.Op, n *nest) (DotJob, error) {
	p, err := ir.PlanDot(op)
	if err != nil {
		return DotJob{}, fmt.Errorf("%s: a dot loop the matrix unit cannot run: %v", op.Pos, err)
	}
	m.plans[op] = p
	groupK, rowsJam, lanes := weightColumn(p, len(op.Loop.IterArgs))
	codeVars, actVars := map[*ir.Value]bool{}, map[*ir.Value]bool{}
	for _, c := range p.Chunks {
		for _, v := range c.Codes.Var.Dims(nil) {
			codeVars[v] = true
		}
		for _, v := range c.Acts.Var.Dims(nil) {
			actVars[v] = true
		}
	}
	s := MatrixShape{GroupK: groupK, Groups: 1, N: 1, M: rowsJam}
	weightExecs := int64(1)
	for i, l := range n.loops {
		iv, trip := l.Loop.IV, n.trips[i]
		switch {
		case codeVars[iv] && actVars[iv]:
			s.Groups *= trip
			weightExecs *= trip
		case codeVars[iv]:
			s.N *= trip
			weightExecs *= trip
		default:
			s.M *= trip
		}
	}
	d := DotJob{Pos: op.Pos.String(), Shape: s, Executions: n.executions()}
	d.MACs = d.Executions * lanes
	d.Timing = MatrixCycles(m.t, s)
	d.WeightBytes = weightExecs * windowBytes(p, func(c *ir.DotChunk) ir.DotWindow { return c.Codes })
	d.ActivationBytes = (s.M / rowsJam) * s.Groups * windowBytes(p, func(c *ir.DotChunk) ir.DotWindow { return c.Acts }) * d.Timing.TilesN
	return d, nil
}

// weightColumn finds the weight columns of one execution of a dot loop:
// accumulators whose chunks decode the same codes from the same bytes are
// one column streamed with several activation rows (rows jammed or
// written out). It returns the rows one column of distinct codes holds
// (groupK), the most accumulators sharing one (the rows streamed per
// execution) and every product of the execution (lanes).
func weightColumn(p *ir.DotPlan, accs int) (groupK, rows, lanes int64) {
	keys := make([]strings.Builder, accs)
	lanesOf := make([]int64, accs)
	for _, c := range p.Chunks {
		fmt.Fprintf(&keys[c.Acc], "%s@%s+%d:%d:%v:%v:%v;", c.Codes.Buf.Name, exprKey(c.Codes.Var), c.Codes.Off, c.Lanes, c.Pieces, c.Flip, c.Bias)
		lanesOf[c.Acc] += int64(c.Lanes)
		lanes += int64(c.Lanes)
	}
	count := map[string]int64{}
	for i := range keys {
		k := keys[i].String()
		if count[k] == 0 {
			groupK += lanesOf[i]
		}
		count[k]++
		rows = max(rows, count[k])
	}
	return groupK, rows, lanes
}

// exprKey prints an affine expression over value IDs.
func exprKey(e *ir.Expr) string {
	return e.Format(func(v *ir.Value) string { return fmt.Sprint("v", v.ID) })
}

// windowBytes is the bytes that the windows which of the plan's chunks
// cover together, per execution (chunks share overlapping windows).
func windowBytes(p *ir.DotPlan, which func(*ir.DotChunk) ir.DotWindow) int64 {
	type span struct{ lo, hi int64 }
	byBase := map[string][]span{}
	for _, c := range p.Chunks {
		w := which(c)
		k := w.Buf.Name + "@" + exprKey(w.Var)
		byBase[k] = append(byBase[k], span{w.Off, w.Off + w.Len})
	}
	var total int64
	for _, spans := range byBase {
		sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
		end := spans[0].lo
		for _, s := range spans {
			lo := max(s.lo, end)
			if s.hi > lo {
				total += s.hi - lo
				end = s.hi
			}
		}
	}
	return total
}
