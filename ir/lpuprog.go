package ir

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
)

// An LPUProgram is a kernel lowered to an LPU-like chip (LPUTarget) by
// passes.LowerLPU. The chip has two kinds of units, and the program says
// what each does:
//
//   - the matrix unit runs the matmuls: every dot loop (Loop.Dot) of the
//     kernel became an LPUMatmul, a list of tiles, each installing a tile
//     of decoded weights in a plane and streaming activation rows through
//     it (weight-stationary), or holding a tile of outputs while weights
//     and activations stream through (output-stationary). Its INT32 sums
//     go to a stream buffer, one i32 per accumulator and execution of the
//     dot loop;
//   - the vector unit runs Func: the kernel with every dot loop replaced
//     by loads of its sums from that stream buffer (plus the loop's initial
//     accumulator values when they are not zero), so the per-group scaling,
//     the conversions and the stores are ordinary IR that the interpreter
//     runs.
//
// The matmuls of Func's top-level op i (Before == i) run before that op,
// so a job's sums exist when its vector code reads them. The kernel's
// buffers live in SRAM (SRAM, at fixed offsets); the stream buffers are not
// SRAM: sums flow from the planes to the vector unit.
type LPUProgram struct {
	Target   *LPUTarget
	Dataflow string // "ws" (weight-stationary) or "os" (output-stationary)
	// Func is the vector unit's program. Its parameters are the kernel's,
	// then one stream buffer per matmul (Matmuls[i].Sums), in that order.
	Func    *Func
	Kernel  int // how many of Func.Params are the kernel's own
	Matmuls []*LPUMatmul
	// SRAM places every buffer of the kernel (parameters and tables);
	// SRAMBytes is the end of the last one.
	SRAM      []SRAMBuffer
	SRAMBytes int64
}

// SRAMBuffer is one buffer's place in SRAM: Bytes from Offset (aligned to
// SRAMAlign), in banks FirstBank through LastBank.
type SRAMBuffer struct {
	Name      string
	Kind      string // "in", "out" (parameters) or "table"
	Offset    int64
	Bytes     int64
	FirstBank int64
	LastBank  int64
}

// SRAMAlign is the alignment of SRAM buffers: one 320-byte vector.
const SRAMAlign = 320

// LoopClass says what a loop around a dot loop moves on the matrix unit.
type LoopClass uint8

const (
	// ClassK loops move both the codes and the activations: the groups
	// along the reduction.
	ClassK LoopClass = iota
	// ClassN loops move only the codes: output columns.
	ClassN
	// ClassM loops move only the activations (or nothing): streamed rows.
	ClassM
)

func (c LoopClass) String() string { return [...]string{"K", "N", "M"}[c] }

// LPULoop is one loop around a dot loop, as a rectangular range: IV takes
// Lower, Lower+Step, … Trip values. A strip-mined pair (the systolic
// pass's tile loop and the loop inside it whose bounds it gives) is one
// LPULoop: the inner loop's IV, over the whole range the pair covers.
type LPULoop struct {
	IV    *Value
	Pos   diag.Pos
	Lower int64
	Step  int64
	Trip  int64
	Class LoopClass
}

// LPUMatmul is one dot loop on the matrix unit.
type LPUMatmul struct {
	Pos    diag.Pos // the dot loop's
	Before int      // the index of the top-level op of Func it runs before
	Plan   *DotPlan // how one execution's products decode and add up
	// Loops are the loops around the dot loop, outermost first. The sums
	// of one execution (one value of every loop's IV) are Sums[i0, …, ik,
	// acc] with i = (IV − Lower) / Step.
	Loops []LPULoop
	Sums  *Buffer
	Inits []*Value // the accumulators' initial values in the kernel (Args of the dot loop)
	// The weight matrix: Groups × GroupK positions along K (GroupK: the
	// distinct codes of one execution; accumulators that decode the same
	// codes from the same bytes are one weight column streamed with
	// JamRows activation rows) by N columns, times M (the
	// product of the M loops' trips: executions, each streaming JamRows
	// rows).
	GroupK, Groups, N, M int64
	JamRows              int64
	// Column[c] is the position in the weight column of chunk c's first
	// lane, Row[c] its accumulator's activation row among the JamRows.
	Column []int64
	Row    []int64
	Lanes  int64 // products per execution
	Tiles  []LPUTile
}

// LPUTile is one fold of the matrix unit on plane Plane: K positions
// [K0, K1) of the flattened weight column (group g holds g·GroupK up to
// (g+1)·GroupK; a tile never straddles a group unless it holds whole
// ones), output columns [N0, N1) and streamed executions [M0, M1) of the
// M loops (each JamRows activation rows).
type LPUTile struct {
	Plane  int64
	K0, K1 int64
	N0, N1 int64
	M0, M1 int64
}

// CapacityError says a kernel's buffers do not fit one chip's SRAM.
type CapacityError struct {
	Kernel    string
	Needed    int64 // bytes of every buffer of the kernel, as placed
	Available int64 // the target's SRAM bytes
	Chips     int64 // chips whose SRAM would hold the bytes: ceil(Needed / Available)
}

func (e *CapacityError) Error() string {
	return fmt.Sprintf("kernel %s needs %d bytes of SRAM (weights, activations and outputs), the target has %d: it would need %d chips",
		e.Kernel, e.Needed, e.Available, e.Chips)
}
