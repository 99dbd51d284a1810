package lpusim

import (
	"testing"

	"github.com/q35c/q35c/ir"
)

// fourPlanes is onePlane with the built-in chip's four planes.
func fourPlanes() *ir.LPUTarget {
	t := onePlane()
	t.Matrix.Planes = 4
	return t
}

// Cycle counts worked out by hand from docs/lpusim.md §8: an r×c tile
// costs max(r, ceil(r·c / (SRAM bytes per cycle / P))) + M + r + c, and
// tiles go to the planes in turn. onePlane's SRAM gives 10,000 bytes per
// cycle, so every tile here loads a row per cycle.
func TestMatrixCyclesByHand(t *testing.T) {
	tests := []struct {
		name   string
		target *ir.LPUTarget
		shape  MatrixShape
		want   MatrixTiming
	}{
		// One full tile: 320 + 1 + 320 + 320.
		{"320x320 M=1", onePlane(), MatrixShape{GroupK: 320, Groups: 1, N: 320, M: 1},
			MatrixTiming{TilesK: 1, TilesN: 1, TilesM: 1, LoadCycles: 320, StreamCycles: 641, Cycles: 961}},
		// A group of 640 is 2 tiles of 320 rows, each 320 + 4 + 320 + 320 = 964.
		{"640x320 M=4", onePlane(), MatrixShape{GroupK: 640, Groups: 1, N: 320, M: 4},
			MatrixTiming{TilesK: 2, TilesN: 1, TilesM: 1, LoadCycles: 640, StreamCycles: 1288, Cycles: 1928}},
		// On four planes the two tiles run side by side.
		{"640x320 M=4 on 4 planes", fourPlanes(), MatrixShape{GroupK: 640, Groups: 1, N: 320, M: 4},
			MatrixTiming{TilesK: 2, TilesN: 1, TilesM: 1, LoadCycles: 640, StreamCycles: 1288, Cycles: 964}},
		// Five groups of 128: 2 groups (256 rows) per tile, so tiles of 256,
		// 256 and 128 rows: (256+4+256+320) × 2 + (128+4+128+320) = 2252.
		{"5 groups of 128, M=4", onePlane(), MatrixShape{GroupK: 128, Groups: 5, N: 320, M: 4},
			MatrixTiming{TilesK: 3, TilesN: 1, TilesM: 1, LoadCycles: 640, StreamCycles: 1612, Cycles: 2252}},
		// A partial tile uses only its 100 rows and 50 columns: 100 + 1 + 100 + 50.
		{"partial 100x50", onePlane(), MatrixShape{GroupK: 100, Groups: 1, N: 50, M: 1},
			MatrixTiming{TilesK: 1, TilesN: 1, TilesM: 1, LoadCycles: 100, StreamCycles: 151, Cycles: 251}},
		// 700 columns: tiles of 320, 320 and 60 columns, M = 2; on 4 planes
		// the longest is a full tile, 320 + 2 + 320 + 320 = 962.
		{"320x700 on 4 planes", fourPlanes(), MatrixShape{GroupK: 320, Groups: 1, N: 700, M: 2},
			MatrixTiming{TilesK: 1, TilesN: 3, TilesM: 1, LoadCycles: 960, StreamCycles: 642 + 642 + 382, Cycles: 962}},
		// Nothing to do.
		{"empty", onePlane(), MatrixShape{GroupK: 320, Groups: 0, N: 320, M: 1}, MatrixTiming{}},
	}
	for _, tt := range tests {
		if got := MatrixCycles(tt.target, tt.shape); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// When the SRAM is slow, a tile loads at its bandwidth: at 100 bytes per
// cycle for one plane, a 320×320 tile of bytes takes 1024 cycles, not 320;
// with four planes sharing the SRAM, 4096.
func TestTileLoadCyclesBySRAMBandwidth(t *testing.T) {
	slow := onePlane()
	slow.SRAM.BandwidthBytesPerS = 100 * 1e9 // 100 bytes per cycle at 1 GHz
	if got := TileLoadCycles(slow, 320, 320); got != 1024 {
		t.Errorf("one plane: %d cycles, want 1024", got)
	}
	if got := TileLoadCycles(slow, 10, 5); got != 10 {
		t.Errorf("a 10×5 tile: %d cycles, want 10 (a row per cycle)", got)
	}
	slow.Matrix.Planes = 4
	if got := TileLoadCycles(slow, 320, 320); got != 4096 {
		t.Errorf("four planes: %d cycles, want 4096", got)
	}
	if got := VectorCycles(slow, 641); got != 3 {
		t.Errorf("641 vector ops on 320 lanes: %d cycles, want 3", got)
	}
}

// Beyond maxDealtTiles tiles the time is ceil(tiles / P) × the longest
// tile, without dealing them one by one: 2^21 columns of 320 are 2^21
// tiles of 320 + 1 + 320 + 320, half of them on each of two planes.
func TestMatrixCyclesManyTiles(t *testing.T) {
	two := onePlane()
	two.Matrix.Planes = 2
	got := MatrixCycles(two, MatrixShape{GroupK: 320, Groups: 1, N: 320 << 21, M: 1})
	if got.TilesN != 1<<21 || got.Cycles != (1<<20)*961 || got.LoadCycles != (1<<21)*320 {
		t.Errorf("%+v", got)
	}
}
