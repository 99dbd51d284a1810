package lpusim

import (
	"math"

	"github.com/q35c/q35c/ir"
)

// This file is the timing model of a kernel's jobs (docs/lpusim.md §8): a
// weight-stationary fold per weight tile on the matrix unit, and a
// throughput bound on the vector unit. Every function is pure arithmetic
// on the target and the shapes, so unit tests check them by hand.

// MatrixShape is a dot nest as the matrix unit sees it: a weight matrix of
// Groups × GroupK rows along K by N output columns, times M streamed
// activation rows. GroupK is one execution of the dot loop: the products
// whose sums the vector unit scales together, which a tile never splits
// unless GroupK is longer than the plane (see kTiles).
type MatrixShape struct {
	GroupK int64 `json:"group_k"`
	Groups int64 `json:"groups"`
	N      int64 `json:"n"`
	M      int64 `json:"m"`
}

// K is the reduction length: Groups × GroupK.
func (s MatrixShape) K() int64 { return s.Groups * s.GroupK }

// MatrixTiming is the matrix unit's time for one MatrixShape.
type MatrixTiming struct {
	TilesK int64 `json:"tiles_k"` // weight tiles along K
	TilesN int64 `json:"tiles_n"` // weight tiles along N
	TilesM int64 `json:"tiles_m"` // tiles of streamed rows: 1 weight-stationary
	// LoadCycles and StreamCycles add up every tile's weight load and
	// its M + rows + cols cycles of fill, stream and drain, over all planes.
	LoadCycles   int64 `json:"load_cycles"`
	StreamCycles int64 `json:"stream_cycles"`
	// Cycles is the unit's busy time: tiles go to the planes in turn (tile
	// i to plane i mod P) and the busiest plane's sum is the time.
	Cycles int64 `json:"cycles"`
}

// tileRun is count tiles of the same extent (rows used along K, or
// columns used along N).
type tileRun struct{ size, count int64 }

// kTiles cuts the K rows of s into tiles of whole groups, in order:
// floor(R/GroupK) groups per tile when a group fits the plane, else
// ceil(GroupK/R) tiles per group, the last one partial (as
// passes.LowerLPU deals them).
func kTiles(s MatrixShape, rows int64) []tileRun {
	if s.GroupK <= rows {
		per := rows / s.GroupK
		runs := []tileRun{{per * s.GroupK, s.Groups / per}}
		if rest := s.Groups % per; rest > 0 {
			runs = append(runs, tileRun{rest * s.GroupK, 1})
		}
		return runs
	}
	rest := s.GroupK % rows
	if rest == 0 {
		return []tileRun{{rows, s.Groups * (s.GroupK / rows)}}
	}
	if s.Groups*(s.GroupK/rows+1) > maxDealtTiles {
		// Too many to list: MatrixCycles bounds them without dealing.
		return []tileRun{{rows, s.Groups * (s.GroupK / rows)}, {rest, s.Groups}}
	}
	var runs []tileRun
	for range s.Groups {
		runs = append(runs, tileRun{rows, s.GroupK / rows}, tileRun{rest, 1})
	}
	return runs
}

// nTiles cuts the N columns into tiles of C, the last one partial.
func nTiles(n, cols int64) []tileRun {
	runs := []tileRun{{cols, n / cols}}
	if rest := n % cols; rest > 0 {
		runs = append(runs, tileRun{rest, 1})
	}
	return runs
}

// TileLoadCycles is the time to install an r×c weight tile in a plane: a
// row per cycle (r cycles), unless the SRAM cannot deliver its r·c
// operands that fast with every plane loading at once:
// ceil(r·c·operand bytes / (SRAM bytes per cycle / P)).
func TileLoadCycles(t *ir.LPUTarget, r, c int64) int64 {
	m := t.Matrix
	opBytes := (m.OperandBits + 7) / 8
	perCycle := t.SRAM.BandwidthBytesPerS / (t.ClockMHz * 1e6) / float64(m.Planes)
	return max(r, int64(math.Ceil(float64(r*c*opBytes)/perCycle)))
}

// MatrixCycles times shape s on t's matrix unit: each r×c tile costs
//
//	TileLoadCycles(r, c) + M + r + c
//
// (load, then the SCALE-Sim-style fold: M rows streamed with r + c cycles
// of fill and drain), tiles in K-major order go to the planes in turn, and
// the unit is busy until its busiest plane is done. Tiles do not overlap
// on a plane (no double-buffered weights). Beyond maxDealtTiles tiles the
// time is the upper bound ceil(tiles / P) × the longest tile.
func MatrixCycles(t *ir.LPUTarget, s MatrixShape) MatrixTiming {
	var mt MatrixTiming
	if s.GroupK <= 0 || s.Groups <= 0 || s.N <= 0 || s.M <= 0 {
		return mt
	}
	ks, ns := kTiles(s, t.Matrix.Rows), nTiles(s.N, t.Matrix.Cols)
	mt.TilesM = 1
	var longest int64
	for _, kr := range ks {
		mt.TilesK += kr.count
		for _, nr := range ns {
			load := TileLoadCycles(t, kr.size, nr.size)
			stream := s.M + kr.size + nr.size
			mt.LoadCycles += kr.count * nr.count * load
			mt.StreamCycles += kr.count * nr.count * stream
			longest = max(longest, load+stream)
		}
	}
	for _, nr := range ns {
		mt.TilesN += nr.count
	}
	if tiles := mt.TilesK * mt.TilesN; tiles > maxDealtTiles {
		// Too many to deal one by one: every plane gets its share of
		// tiles at the longest tile's cost, an upper bound.
		mt.Cycles = ceilDiv(tiles, t.Matrix.Planes) * longest
		return mt
	}
	mt.Cycles = dealTiles(t, ks, ns, s.M)
	return mt
}

// maxDealtTiles bounds the tiles MatrixCycles deals to the planes one by
// one (a million: the LLaMA-70B layers have at most 2,340).
const maxDealtTiles = 1 << 20

// dealTiles deals the tiles in K-major order to the planes in turn and
// returns the busiest plane's cycles.
func dealTiles(t *ir.LPUTarget, ks, ns []tileRun, m int64) int64 {
	planes := make([]int64, t.Matrix.Planes)
	i := 0
	for _, kr := range ks {
		for range kr.count {
			for _, nr := range ns {
				cost := TileLoadCycles(t, kr.size, nr.size) + m + kr.size + nr.size
				for range nr.count {
					planes[i%len(planes)] += cost
					i++
				}
			}
		}
	}
	var busiest int64
	for _, p := range planes {
		busiest = max(busiest, p)
	}
	return busiest
}

// VectorCycles is the vector unit's time for ops scalar operations:
// ceil(ops / lanes), every lane busy every cycle (an optimistic bound).
func VectorCycles(t *ir.LPUTarget, ops int64) int64 {
	c := ops / t.Vector.Lanes // not ceilDiv: ops may be math.MaxInt64
	if ops%t.Vector.Lanes != 0 {
		c++
	}
	return c
}

// OSFoldCycles is one output-stationary fold on a plane: k positions of
// one group streamed through rows × cols accumulating outputs, k cycles
// unless the SRAM cannot feed the (rows + cols) × k operands that fast
// with every plane busy, plus rows + cols cycles of fill and drain.
func OSFoldCycles(t *ir.LPUTarget, k, rows, cols int64) int64 {
	m := t.Matrix
	opBytes := (m.OperandBits + 7) / 8
	perCycle := t.SRAM.BandwidthBytesPerS / (t.ClockMHz * 1e6) / float64(m.Planes)
	return max(k, int64(math.Ceil(float64((rows+cols)*k*opBytes)/perCycle))) + rows + cols
}

// ProgramCycles times a matmul's tiles as the program deals them to the
// planes. Weight-stationary, an r×c tile (r positions along K, c columns)
// with every one of the M × JamRows rows streamed through costs
//
//	TileLoadCycles(r, c) + rows + r + c
//
// output-stationary, a fold of one group's k positions over a tile of
// rows × c outputs costs OSFoldCycles(k, rows, c) (LoadCycles stays 0).
// A plane runs its tiles one after another; the unit is busy until its
// busiest plane is done.
func ProgramCycles(t *ir.LPUTarget, dataflow string, mm *ir.LPUMatmul) MatrixTiming {
	var mt MatrixTiming
	planes := make([]int64, t.Matrix.Planes)
	ks, ns, ms := map[[2]int64]bool{}, map[[2]int64]bool{}, map[[2]int64]bool{}
	for _, tl := range mm.Tiles {
		r, c, rows := tl.K1-tl.K0, tl.N1-tl.N0, (tl.M1-tl.M0)*mm.JamRows
		ks[[2]int64{tl.K0, tl.K1}], ns[[2]int64{tl.N0, tl.N1}], ms[[2]int64{tl.M0, tl.M1}] = true, true, true
		var cost int64
		if dataflow == "os" {
			cost = OSFoldCycles(t, r, rows, c)
			mt.StreamCycles += cost
		} else {
			load := TileLoadCycles(t, r, c)
			cost = load + rows + r + c
			mt.LoadCycles += load
			mt.StreamCycles += rows + r + c
		}
		planes[tl.Plane] += cost
	}
	mt.TilesK, mt.TilesN, mt.TilesM = int64(len(ks)), int64(len(ns)), int64(len(ms))
	for _, p := range planes {
		mt.Cycles = max(mt.Cycles, p)
	}
	return mt
}
