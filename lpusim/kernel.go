package lpusim

import (
	"fmt"
	"math"
	"sort"

	"github.com/q35c/q35c/ir"
)

// This file reports on an LPU program (ir.LPUProgram, lowered by
// passes.LowerLPU; docs/lpusim.md §8): every top-level op of the vector
// unit's program is a job, whose matmuls run on the matrix unit, timed
// from the program's tiles, while the vector unit does the rest, counted
// in scalar operations times their executions.

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
	Kernel   string `json:"kernel"`
	Target   string `json:"target"`
	Dataflow string `json:"dataflow"`
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

// mapping is a program being reported on.
type mapping struct {
	p      *ir.LPUProgram
	t      *ir.LPUTarget
	report *KernelReport
	stream map[*ir.Buffer]bool // the stream buffers of the sums
}

// Map times program p without executing it: jobs, cycles, traffic and the
// SRAM it uses.
func Map(p *ir.LPUProgram) *KernelReport {
	t := p.Target
	r := &KernelReport{Kernel: p.Func.Name, Target: t.Name, Dataflow: p.Dataflow, PeakSRAMBytes: p.SRAMBytes}
	m := &mapping{p: p, t: t, report: r, stream: map[*ir.Buffer]bool{}}
	for _, mm := range p.Matmuls {
		m.stream[mm.Sums] = true
	}
	for i, op := range p.Func.Body.Ops {
		job := m.job(i, op)
		if job.VectorOps == 0 && len(job.Dots) == 0 {
			continue // constants
		}
		job.Start = r.Cycles
		r.Cycles = satAdd(r.Cycles, job.Cycles)
		r.Jobs = append(r.Jobs, job)
	}
	m.totals()
	return r
}

// totals sums the jobs into the report.
func (m *mapping) totals() {
	r, t := m.report, m.t
	for _, j := range r.Jobs {
		r.MatrixBusyCycles += j.MatrixCycles
		r.VectorBusyCycles = satAdd(r.VectorBusyCycles, j.VectorCycles)
		r.VectorOps = satAdd(r.VectorOps, j.VectorOps)
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
	// claimed[i] is set while a loop strip-mined by loop i is open: the
	// pair's iterations are counted in the inner loop's trip.
	claimed []bool
	claims  []int // per loop, the tile loop it claimed, or -1
}

// executions is the product of the open loops' trips, saturating at
// math.MaxInt64 (150 nested loops of 1000 are a valid kernel).
func (n *nest) executions() int64 {
	e := int64(1)
	for i, t := range n.trips {
		if !n.claimed[i] {
			e = satMul(e, t)
		}
	}
	return e
}

// satMul and satAdd are a·b and a+b for non-negative a and b, saturating
// at math.MaxInt64.
func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// push enters loop op: its trip count is exact when its bounds are
// constants or it is strip-mined by a loop around it with constant bounds
// (the systolic pass's tiles: for %t = a to b step T { for %i = %t to
// min(%t + T, U) }, counted as one loop over the whole range), and the
// largest it can be when they depend on outer loops otherwise.
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
	tile := n.tileOf(l)
	if tile >= 0 {
		n.claimed[tile] = true
		// The pair covers lo (the tile loop's first value) up to hi: the
		// Range of the upper bounds is already the last tile's end, cut
		// by the constant ones.
	}
	n.loops = append(n.loops, op)
	n.trips = append(n.trips, trip)
	n.claimed = append(n.claimed, false)
	n.claims = append(n.claims, tile)
	n.ranges[l.IV] = [2]int64{lo, max(lo, hi-1)}
}

// tileOf returns the index of the loop that strip-mines l, or -1: l starts
// at that loop's variable, every non-constant upper bound is the variable
// plus its step, and l's step divides it.
func (n *nest) tileOf(l *ir.Loop) int {
	if len(l.Lower) != 1 || l.Lower[0].Kind != ir.ExprDim {
		return -1
	}
	for i, op := range n.loops {
		t := op.Loop
		if t.IV != l.Lower[0].Dim || n.claimed[i] || t.Step%l.Step != 0 {
			continue
		}
		for _, e := range t.Lower {
			if _, ok := e.IsConst(); !ok {
				return -1
			}
		}
		for _, e := range t.Upper {
			if _, ok := e.IsConst(); !ok {
				return -1
			}
		}
		for _, e := range l.Upper {
			if _, ok := e.IsConst(); ok {
				continue
			}
			dims := e.Dims(nil)
			at := func(x int64) int64 { return e.Eval(func(*ir.Value) int64 { return x }) }
			if len(dims) != 1 || dims[0] != t.IV || at(0) != t.Step || at(1) != t.Step+1 || at(100) != t.Step+100 {
				return -1
			}
		}
		return i
	}
	return -1
}

func (n *nest) pop() {
	last := len(n.loops) - 1
	if tile := n.claims[last]; tile >= 0 {
		n.claimed[tile] = false
	}
	n.loops, n.trips, n.claimed, n.claims = n.loops[:last], n.trips[:last], n.claimed[:last], n.claims[:last]
}

// job reports on top-level op i: its matmuls and its vector work.
func (m *mapping) job(i int, op *ir.Op) Job {
	j := Job{Pos: op.Pos.String()}
	for _, mm := range m.p.Matmuls {
		if mm.Before == i {
			d := m.dot(mm)
			j.Dots = append(j.Dots, d)
			j.MatrixCycles += d.Timing.Cycles
		}
	}
	m.walk(op, &nest{ranges: map[*ir.Value][2]int64{}}, &j)
	j.VectorCycles = VectorCycles(m.t, j.VectorOps)
	j.Cycles = max(j.MatrixCycles, j.VectorCycles)
	return j
}

// walk counts op's vector work: every op but constants, yields, loops
// and the reads of the matrix unit's sums, which arrive on streams.
func (m *mapping) walk(op *ir.Op, n *nest, j *Job) {
	switch op.Code {
	case ir.OpConst, ir.OpYield:
		return
	case ir.OpFor:
		n.push(op)
		defer n.pop()
		for _, o := range op.Loop.Body.Ops {
			m.walk(o, n, j)
		}
		return
	case ir.OpLoad:
		if m.stream[op.Buf] {
			return
		}
	}
	e := n.executions()
	j.VectorOps = satAdd(j.VectorOps, e)
	switch op.Code {
	case ir.OpLoad:
		m.report.SRAMReadBytes = satAdd(m.report.SRAMReadBytes, satMul(e, elemBytes(op.Buf)))
	case ir.OpStore:
		m.report.SRAMWrittenBytes = satAdd(m.report.SRAMWrittenBytes, satMul(e, elemBytes(op.Buf)))
	}
}

// elemBytes is the SRAM bytes one access of b moves (a byte for packed i4).
func elemBytes(b *ir.Buffer) int64 {
	_, st := ir.StorageElem(b.Elem)
	return max(1, int64(st.Bits/8))
}

// dot reports on one matmul.
func (m *mapping) dot(mm *ir.LPUMatmul) DotJob {
	s := MatrixShape{GroupK: mm.GroupK, Groups: mm.Groups, N: mm.N, M: mm.M * mm.JamRows}
	d := DotJob{Pos: mm.Pos.String(), Shape: s, Executions: mm.Groups * mm.N * mm.M}
	d.MACs = d.Executions * mm.Lanes
	d.Timing = ProgramCycles(m.t, m.p.Dataflow, mm)
	codes := windowBytes(mm.Plan, func(c *ir.DotChunk) ir.DotWindow { return c.Codes })
	acts := windowBytes(mm.Plan, func(c *ir.DotChunk) ir.DotWindow { return c.Acts })
	// Weights are read once per tile that holds them: once (ws), or once
	// per tile of rows (os); activations once per tile column.
	d.WeightBytes = mm.Groups * mm.N * codes * d.Timing.TilesM
	d.ActivationBytes = mm.M * mm.Groups * acts * d.Timing.TilesN
	return d
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
