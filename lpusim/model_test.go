package lpusim

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	_ "github.com/q35c/q35c/internal/golden" // accepts -update
	"github.com/q35c/q35c/ir"
)

// onePlane is a 1000 MHz chip with one 320×320 plane whose SRAM is fast
// enough that a tile loads in R = 320 cycles.
func onePlane() *ir.LPUTarget {
	return &ir.LPUTarget{
		Name: "one plane", ClockMHz: 1000,
		SRAM:   ir.LPUSRAM{Bytes: 207360, Banks: 1, BandwidthBytesPerS: 1e13},
		Matrix: ir.LPUMatrix{Planes: 1, Rows: 320, Cols: 320, OperandBits: 8, AccumulatorBits: 32},
		Vector: ir.LPUVector{Lanes: 320},
		Links:  ir.LPULinks{Count: 2, BandwidthBytesPerS: 1e9, LatencyNs: 100},
	}
}

func scheme(t *testing.T, bits string) Scheme {
	t.Helper()
	s, err := SchemeForBits(bits)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Bytes per output column, from docs/format.md: q35 is 7 bytes per 16
// weights and two f32 scales per group, int4 half a byte and one scale,
// int8 a byte and one scale.
func TestModelColumnBytes(t *testing.T) {
	tests := []struct {
		bits    string
		k, g    int64
		want    int64
		wantBPW float64
	}{
		{"3.5", 8192, 128, 8192/16*7 + 2*4*64, 4.0},
		{"3.5", 28672, 128, 28672/16*7 + 2*4*224, 4.0},
		{"3.5", 8192, 4096, 3584 + 2*4*2, 3.5 + 64.0/4096},
		{"4", 8192, 128, 4096 + 4*64, 4.25},
		{"8", 8192, 128, 8192 + 4*64, 8.25},
		{"8", 640, 320, 640 + 8, 8.1},
	}
	for _, tt := range tests {
		s := scheme(t, tt.bits)
		if err := s.CheckShape(tt.k, tt.g); err != nil {
			t.Fatal(err)
		}
		if got := s.ColumnBytes(tt.k, tt.g); got != tt.want {
			t.Errorf("%s K=%d G=%d: %d bytes per column, want %d", s.Name, tt.k, tt.g, got, tt.want)
		}
		if got := s.BitsPerWeight(tt.k, tt.g); math.Abs(got-tt.wantBPW) > 1e-12 {
			t.Errorf("%s K=%d G=%d: %v bits per weight, want %v", s.Name, tt.k, tt.g, got, tt.wantBPW)
		}
	}
}

// LLaMA-70B's weights held at 3.5 bits, worked out from the format: every
// matrix is 7/16 byte per weight plus 8 bytes (two f32) per 128 weights,
// 4.0 bits per weight; 80 layers of q, k, v, o, gate, up, down and lm_head.
func TestModelLLaMA70BBytesByHand(t *testing.T) {
	const h, kv, inter, layers, vocab = 8192, 1024, 28672, 80, 128256
	perLayer := int64(h*h + h*kv + h*kv + h*h + 3*h*inter) // weights
	weights := layers*perLayer + h*vocab
	if weights != 69501714432 {
		t.Fatalf("hand count %d, want 69501714432", weights)
	}
	want := weights/16*7 + weights/128*8 // exact: every matrix's K is a multiple of 128
	if want != 34750857216 {
		t.Fatalf("hand bytes %d, want 34750857216", want)
	}
	p, err := Project(LLaMA70B(), ir.DefaultLPU(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if p.Weights != weights || p.WeightBytes != want || p.BitsPerWeight != 4 {
		t.Errorf("projection: %d weights, %d bytes, %v bits/weight; want %d, %d, 4", p.Weights, p.WeightBytes, p.BitsPerWeight, weights, want)
	}
	// 220 MiB chips: 34750857216 / 230686720 = 150.64, so 151.
	if p.ChipsLowerBound != 151 || p.ChipsNeeded != 151 || p.Chips != 151 {
		t.Errorf("chips: bound %d, needed %d, used %d; want 151", p.ChipsLowerBound, p.ChipsNeeded, p.Chips)
	}
	int4, _ := Project(LLaMA70B(), ir.DefaultLPU(), Options{Scheme: scheme(t, "4"), Group: 128, Batch: 1, ActivationBytes: 2, LinksPerHop: 1})
	if int4 == nil || int4.WeightBytes != weights/2+weights/128*4 {
		t.Errorf("int4: %+v, want %d bytes", int4, weights/2+weights/128*4)
	}
}

// Tile timing by hand, the kernel simulator's model (timing.go): an r×c
// tile costs TileLoadCycles(r, c) + M + r + c, a partial tile paying only
// its rows and columns, and the tiles, K-major, go to the planes in turn
// (tile i to plane i mod P); the busiest plane is the time. On onePlane
// the SRAM gives 1e13 / 1e9 = 10,000 bytes per cycle, so a 320×320 tile
// (102,400 bytes) loads in max(320, ceil(10.24)) = 320 cycles and any
// tile of r rows in r.
//
// On the built-in chip (80e12 / 900e6 / 4 = 22,222 bytes per cycle per
// plane) a tile of 256 rows (two groups of 128) and c ≤ 320 columns loads
// in max(256, ceil(256 × c / 22,222) ≤ 4) = 256 cycles and costs 256 + M
// + 256 + c = 512 + M + c: 833 at M = 1 with 320 columns. Every LLaMA
// matrix has K a multiple of 256, so 32 (K = 8192) or 112 (K = 28672) K
// tiles of 256 rows, and its N is 320 × full + a partial tile: 8192 = 25
// × 320 + 192, 1024 = 3 × 320 + 64, 28672 = 89 × 320 + 192, 128256 = 400
// × 320 + 256. With T column tiles, tile (kt, nt) is tile kt·T + nt and
// goes to plane (kt·T + nt) mod 4.
func TestModelMatmulCyclesByHand(t *testing.T) {
	four := onePlane()
	four.Matrix.Planes = 4
	slow := onePlane()
	slow.SRAM.BandwidthBytesPerS = 1e11 // 100 bytes per cycle: a 102400-byte tile loads in 1024 cycles
	tests := []struct {
		name       string
		tgt        *ir.LPUTarget
		k, n, g, m int64
		want       int64
	}{
		{"4 tiles, G=320", onePlane(), 640, 640, 320, 1, 4 * (320 + 1 + 320 + 320)},
		{"a group of 640 spans 2 tiles", onePlane(), 640, 640, 640, 1, 4 * 961},
		// 5 groups of 128, 2 per tile: tiles of 256, 256 and 128 rows, each
		// in 2 column tiles; 256 + 1 + 256 + 320 = 833 and 128 + 1 + 128 +
		// 320 = 577 (961 each in the old whole-plane model, 5,766).
		{"groups of 128: 5 groups in tiles of 256, 256, 128 rows", onePlane(), 640, 640, 128, 1, 2*2*833 + 2*577},
		{"batch 32", onePlane(), 640, 640, 320, 32, 4 * (320 + 32 + 640)},
		// 400 columns: a tile of 320 and a partial one of 80 per K tile:
		// 2 × 961 + 2 × (320 + 1 + 320 + 80 = 721) = 3,364, not 4 × 961.
		{"a partial column tile pays 80 columns", onePlane(), 640, 400, 320, 1, 2*961 + 2*721},
		{"4 planes take the 4 tiles at once", four, 640, 640, 320, 1, 961},
		// 641 columns: 3 column tiles (320, 320, 1) × 2 K tiles = 6 tiles;
		// planes 0, 1, 2, 3, 0, 1 get 961, 961, 642, 961, 961, 642: plane
		// 0 takes 2 × 961, plane 1 961 + 642.
		{"6 tiles on 4 planes: plane 0 gets two full ones", four, 640, 641, 320, 1, 2 * 961},
		{"SRAM-bound weight load", slow, 640, 640, 320, 1, 4 * (1024 + 1 + 640)},
		// 100 × 50 at M = 1 on the slow SRAM: 5,000 bytes / 100 = 50 < 100
		// rows, so it loads in 100: 100 + 1 + 100 + 50 = 251.
		{"a partial tile loads its own bytes", slow, 100, 50, 100, 1, 251},
		// q_proj, o_proj: 32 × 26 = 832 tiles, 208 a plane; the partial
		// column tile (nt = 25) is tile 26kt + 25 ≡ 2kt + 1 (mod 4), on
		// planes 1 and 3 only, so planes 0 and 2 run 208 full tiles.
		{"LLaMA q_proj at M=1: 208 full tiles on plane 0", ir.DefaultLPU(), 8192, 8192, 128, 1, 208 * 833},
		{"LLaMA q_proj at M=32: 208 × (512 + 32 + 320)", ir.DefaultLPU(), 8192, 8192, 128, 32, 208 * 864},
		// k_proj, v_proj: 32 × 4 tiles, tile (kt, nt) on plane nt: planes
		// 0-2 run 32 full tiles, plane 3 32 of 512 + 1 + 64 = 577.
		{"LLaMA k_proj: 32 full tiles on plane 0", ir.DefaultLPU(), 8192, 1024, 128, 1, 32 * 833},
		// gate_proj, up_proj: 32 × 90 = 2,880 tiles, 720 a plane; the
		// partial one is tile 90kt + 89 ≡ 2kt + 1 (mod 4): planes 1 and 3.
		{"LLaMA gate_proj: 720 full tiles on plane 0", ir.DefaultLPU(), 8192, 28672, 128, 1, 720 * 833},
		// down_proj: 112 × 26 = 2,912 tiles, 728 a plane, partial ones on
		// planes 1 and 3 as in q_proj.
		{"LLaMA down_proj: 728 full tiles on plane 0", ir.DefaultLPU(), 28672, 8192, 128, 1, 728 * 833},
		// lm_head: 32 × 401 = 12,832 tiles, 3,208 a plane; the partial
		// one (256 columns: 512 + 1 + 256 = 769) is tile 401kt + 400 ≡ kt
		// (mod 4), so every plane gets 8 of them: 3,200 × 833 + 8 × 769.
		{"LLaMA lm_head: 3200 full and 8 partial tiles a plane", ir.DefaultLPU(), 8192, 128256, 128, 1, 3200*833 + 8*769},
	}
	for _, tt := range tests {
		if got := MatmulCycles(tt.tgt, tt.k, tt.n, tt.g, tt.m); got != tt.want {
			t.Errorf("%s: %d cycles, want %d", tt.name, got, tt.want)
		}
	}
}

// The projection charges a matrix what the kernel simulator counts for a
// dot loop of the same shape: MatrixCycles (the closed form that
// TestLowerSystolicTiles checks against a lowered program's tiles) of
// GroupK 128 × Groups K/128 by N at M. For q_proj at M = 1 that is
// 173,264 cycles, what `q35c sim examples/llama70b.q35 --timing-only`
// reports for matmul_q35_m1, the same 8192 × 8192 shape in groups of 128
// (TestSimTimingOnly); cmd/q35c's TestSimModelMatchesKernel ties the two
// through the command.
func TestModelMatrixCyclesMatchSimulator(t *testing.T) {
	tgt := ir.DefaultLPU()
	m := LLaMA70B()
	for _, batch := range []int64{1, 32} {
		for _, x := range append(m.LayerMatrices(), m.Head()) {
			sim := MatrixCycles(tgt, MatrixShape{GroupK: 128, Groups: x.K / 128, N: x.N, M: batch}).Cycles
			if got := MatmulCycles(tgt, x.K, x.N, 128, batch); got != sim || got == 0 {
				t.Errorf("%s at M=%d: the projection charges %d cycles, the simulator %d", x.Name, batch, got, sim)
			}
		}
	}
	if got := MatmulCycles(tgt, 8192, 8192, 128, 1); got != 173264 {
		t.Errorf("q_proj at M=1: %d cycles, want 173264 (sim examples/llama70b.q35 --kernel matmul_q35_m1)", got)
	}
	// A piece of a matrix (the columns a chip holds) is tiled from its
	// own first column: 8192 × 100 at M = 1 is 32 tiles of 256 × 100,
	// 8 a plane of 512 + 1 + 100 = 613.
	if got := MatmulCycles(tgt, 8192, 100, 128, 1); got != 8*613 {
		t.Errorf("8192 × 100: %d cycles, want %d", got, 8*613)
	}
}

// tinyModel has eight 320×320 matrices: q, k, v, o, gate, up, down of one
// layer and lm_head.
func tinyModel() Model {
	return Model{Name: "tiny", Hidden: 320, Heads: 1, KVHeads: 1, HeadDim: 320, Intermediate: 320, Layers: 1, Vocab: 320}
}

func tinyOptions(batch, chips int64) Options {
	return Options{Scheme: Schemes[2], Group: 320, Batch: batch, Chips: chips, ActivationBytes: 2, LinksPerHop: 1}
}

// The whole projection of tinyModel at int8, worked out by hand. Each
// matrix is 320 columns of 320 + 4 bytes = 103680 bytes; the chip holds
// two. Each matrix is one full 320×320 tile (K = 320 is one group of 320,
// N = 320 one column tile): 320 (load: 102,400 bytes at 10,000 a cycle
// take 11 cycles, fewer than the 320 rows) + 1 + 320 + 320 = 961 cycles,
// 1.922 µs for two at 1 GHz. (Full tiles: the same in the old model that
// charged every tile the whole plane.)
// Hops: after chip 1 (before v) the residual, q and k: 960 values; after
// chip 2 (before gate) the residual: 320; after chip 3 (before down) the
// residual and the gated activations: 640; 2 bytes each at 1 GB/s plus
// 100 ns.
func TestModelTinyProjectionByHand(t *testing.T) {
	p, err := Project(tinyModel(), onePlane(), tinyOptions(4, 0))
	if err != nil {
		t.Fatal(err)
	}
	if p.WeightBytes != 8*103680 || p.Chips != 4 || p.ChipsNeeded != 4 {
		t.Fatalf("%d bytes on %d chips (needed %d), want %d on 4", p.WeightBytes, p.Chips, p.ChipsNeeded, 8*103680)
	}
	wantFrom := []string{"L0.q_proj[0]", "L0.v_proj[0]", "L0.gate_proj[0]", "L0.down_proj[0]"}
	wantTo := []string{"L0.k_proj[320]", "L0.o_proj[320]", "L0.up_proj[320]", "lm_head[320]"}
	wantHop := []int64{960, 320, 640, 0}
	for i, s := range p.Stages {
		if s.From.String() != wantFrom[i] || s.To.String() != wantTo[i] || s.HopValues != wantHop[i] || s.Cycles1 != 1922 || s.Bytes != 207360 {
			t.Errorf("chip %d: %s to %s, hop %d values, %d cycles, %d bytes; want %s to %s, hop %d, 1922 cycles, 207360 bytes",
				s.Chip, s.From, s.To, s.HopValues, s.Cycles1, s.Bytes, wantFrom[i], wantTo[i], wantHop[i])
		}
	}
	hops := []float64{1920e-9 + 100e-9, 640e-9 + 100e-9, 1280e-9 + 100e-9}
	b1 := p.Batch1
	near(t, "batch 1 compute", b1.ComputeSeconds, 4*1922e-9)
	near(t, "batch 1 transfer", b1.TransferSeconds, hops[0]+hops[1]+hops[2])
	near(t, "batch 1 latency", b1.RoundTripSeconds, 4*1922e-9+4140e-9)
	near(t, "batch 1 tokens/s", b1.TokensPerSecond, 1/(4*1922e-9+4140e-9))
	// Batch 4: four micro-batches of one; chip 1 (1.922 + 2.02 µs) is the
	// slowest stage, and 4 × 3.942 µs > the 11.828 µs round trip.
	b4 := p.BatchB
	if b4.MicroBatches != 4 || b4.MicroBatchSize != 1 || b4.SlowestChip != 1 || b4.LimitedBy != "the slowest stage: all 4 micro-batches of 1 pass through it every period" {
		t.Errorf("batch 4: %+v", b4)
	}
	near(t, "batch 4 period", b4.PeriodSeconds, 4*(1922e-9+hops[0]))
	near(t, "batch 4 tokens/s", b4.TokensPerSecond, 4/(4*(1922e-9+hops[0])))
	// Batch 8: micro-batches of 2; a tile is 320 + 2 + 320 + 320 = 962
	// cycles, two a chip, and the hops carry twice the bytes: chip 1's hop
	// is 2 × 960 × 2 bytes / 1 GB/s = 3,840 ns + 100 ns.
	p8, err := Project(tinyModel(), onePlane(), tinyOptions(8, 0))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "batch 8 period", p8.BatchB.PeriodSeconds, 4*(2*962e-9+3840e-9+100e-9))
	if p8.Stages[0].CyclesMicro != 2*962 {
		t.Errorf("batch 8: chip 1 takes %d cycles per micro-batch, want %d", p8.Stages[0].CyclesMicro, 2*962)
	}
	// Batch 2 fills only 2 of the 4 chips: the round trip limits it.
	p2, err := Project(tinyModel(), onePlane(), tinyOptions(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "batch 2 period", p2.BatchB.PeriodSeconds, b1.RoundTripSeconds)
	if !strings.HasPrefix(p2.BatchB.LimitedBy, "the round trip: 2 micro-batches") {
		t.Errorf("batch 2 limited by %q", p2.BatchB.LimitedBy)
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

// More chips than needed: the partition balances bytes; fewer is an error
// that says how many are needed.
func TestModelPartitionChips(t *testing.T) {
	p, err := Project(tinyModel(), onePlane(), tinyOptions(1, 16))
	if err != nil {
		t.Fatal(err)
	}
	if p.Chips != 16 {
		t.Fatalf("16 chips given, %d used", p.Chips)
	}
	// Half a matrix is 160 columns of 320 + 4 bytes, and one partial tile
	// of 320 rows × 160 columns: it loads in 320 cycles (51,200 bytes at
	// 10,000 a cycle take 6) and costs 320 + 1 + 320 + 160 = 801 cycles,
	// not the full tile's 961.
	for _, s := range p.Stages {
		if s.Bytes != 160*324 || s.To.Col-s.From.Col != 160 || s.Tiles != 1 || s.Cycles1 != 801 {
			t.Errorf("chip %d: %s to %s, %d bytes, %d tiles, %d cycles; want half a matrix, %d bytes, 1 tile, 801 cycles",
				s.Chip, s.From, s.To, s.Bytes, s.Tiles, s.Cycles1, 160*324)
		}
	}
	// More chips than columns: one column each, the rest idle.
	if p, err := Project(tinyModel(), onePlane(), tinyOptions(1, 5000)); err != nil || p.Chips != 8*320 {
		t.Errorf("5000 chips: %v, %d used, want %d", err, p.Chips, 8*320)
	}
	_, err = Project(tinyModel(), onePlane(), tinyOptions(1, 3))
	var few *TooFewChipsError
	if !errors.As(err, &few) || few.Needed != 4 || few.Given != 3 {
		t.Fatalf("3 chips: %v, want a TooFewChipsError needing 4", err)
	}
	if want := "829440 bytes of weights need 4 chips of 207360 usable bytes of SRAM, not 3"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// A reserve of half the SRAM doubles the chips.
	o := tinyOptions(1, 0)
	o.SRAMReserve = 0.5
	if p, err := Project(tinyModel(), onePlane(), o); err != nil || p.Chips != 8 || p.UsableSRAMBytes != 103680 {
		t.Errorf("reserve 0.5: %v, %d chips of %d bytes; want 8 of 103680", err, p.Chips, p.UsableSRAMBytes)
	}
}

// The LLaMA-70B partition covers every weight once, in order, within the
// SRAM; each chip's cycles are the simulator's MatrixCycles of the
// matrices and pieces of matrices it holds, and the whole is the hand
// count of uncut matrices (TestModelLLaMA70BOneChipByHand) give or take
// what the cuts change.
func TestModelLLaMA70BPartition(t *testing.T) {
	p, err := Project(LLaMA70B(), ir.DefaultLPU(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for i, s := range p.Stages {
		sum += s.Bytes
		if s.Bytes > p.UsableSRAMBytes {
			t.Errorf("chip %d holds %d bytes, more than %d", s.Chip, s.Bytes, p.UsableSRAMBytes)
		}
		if i > 0 && !follows(p.Stages[i-1].To, s.From, p.Model) {
			t.Errorf("chip %d starts at %s, chip %d ended at %s", s.Chip, s.From, s.Chip-1, p.Stages[i-1].To)
		}
		// The pieces from s.From to s.To, walked apart from the projection,
		// timed by the kernel simulator's model at batch 1 and at the
		// micro-batch (1: 32 micro-batches of 1 on 151 chips).
		var c1, cb int64
		for _, pc := range piecesBetween(p.Model, s.From, s.To) {
			c1 += MatrixCycles(p.Target, MatrixShape{GroupK: 128, Groups: pc.K / 128, N: pc.N, M: 1}).Cycles
			cb += MatrixCycles(p.Target, MatrixShape{GroupK: 128, Groups: pc.K / 128, N: pc.N, M: p.BatchB.MicroBatchSize}).Cycles
		}
		if s.Cycles1 != c1 || s.CyclesMicro != cb || c1 == 0 {
			t.Errorf("chip %d (%s to %s): %d and %d cycles, the simulator's model gives %d and %d", s.Chip, s.From, s.To, s.Cycles1, s.CyclesMicro, c1, cb)
		}
	}
	if sum != p.WeightBytes {
		t.Errorf("stages hold %d bytes, the weights are %d", sum, p.WeightBytes)
	}
	// Uncut: 80 layers of 2,205,784 cycles and lm_head's 2,671,752 (the
	// one-chip test below), 199.04 ms at 900 MHz. A matrix cut into pieces
	// at the 150 cuts: each piece's busiest plane takes at least its
	// quarter of the piece's tile cycles, and cutting a column tile only
	// adds fill (r + c is paid on both sides), so the pieces take at least
	// a quarter of the whole matrix's tile cycles, which is below its
	// busiest plane by at most the partial tiles' missing columns, KT ×
	// (320 − c) / 4 ≤ 112 × 320 / 4 = 8,960 cycles per cut matrix. And at
	// most: a piece of a columns tiles, KT·a, has at most ceil(KT·a / 4)
	// ≤ KT·a / 4 + 1 on a plane, each ≤ 833 cycles; the pieces' column
	// tiles add up to at most the whole's NT plus one per cut, and the
	// whole matrix's quarter is at least KT × (833 × NT − 320) / 4. So a
	// cut adds at most 112 × 833 / 4 + 2 × 833 + 112 × 320 / 4 = 33,950
	// cycles.
	whole := float64(80*2205784+2671752) / 900e6
	cuts := float64(p.Chips - 1)
	if c := p.Batch1.ComputeSeconds; c < whole-cuts*8960/900e6 || c > whole+cuts*33950/900e6 {
		t.Errorf("batch 1 compute %.6f s, want between %.6f and %.6f", c, whole-cuts*8960/900e6, whole+cuts*33950/900e6)
	}
	if p.Batch1.TokensPerSecond != 1/p.Batch1.RoundTripSeconds || p.BatchB.Batch != 32 {
		t.Errorf("batch 1 %+v, batch B %+v", p.Batch1, p.BatchB)
	}
	if len(p.Assumptions) < 8 {
		t.Errorf("only %d assumptions", len(p.Assumptions))
	}
}

// A piece of a matrix: N of its columns.
type testPiece struct{ K, N int64 }

// piecesBetween lists the pieces of m's matrices from a up to b (b.Col
// one past the last column), in the order they run.
func piecesBetween(m Model, a, b Pos) []testPiece {
	var out []testPiece
	in := false
	for l := int64(0); l <= m.Layers; l++ {
		mats := m.LayerMatrices()
		if l == m.Layers {
			mats = []Matrix{m.Head()}
		}
		for _, x := range mats {
			first := l == a.Layer && x.Name == a.Matrix
			last := l == b.Layer && x.Name == b.Matrix
			if !in && !first {
				continue
			}
			in = true
			lo, hi := int64(0), x.N
			if first {
				lo = a.Col
			}
			if last {
				hi = b.Col
			}
			if hi > lo {
				out = append(out, testPiece{x.K, hi - lo})
			}
			if last {
				return out
			}
		}
	}
	return out
}

// LLaMA-70B on one chip large enough for all of it (40 GiB of SRAM, the
// same 80 TB/s): no cuts, so the compute is the hand count of whole
// matrices (TestModelMatmulCyclesByHand's planes). At M = 1, a layer is
// q and o 208 × 833 = 173,264 each, k and v 32 × 833 = 26,656 each, gate
// and up 720 × 833 = 599,760 each, down 728 × 833 = 606,424:
// 2 × 173,264 + 2 × 26,656 + 2 × 599,760 + 606,424 = 2,205,784; lm_head
// 3,200 × 833 + 8 × 769 = 2,671,752; in all 80 × 2,205,784 + 2,671,752 =
// 179,134,472 cycles, 199.04 ms at 900 MHz (the old model's 229.6 ms was
// 961 cycles for every tile: a tile uses 256 of the 320 rows and the last
// column tile fewer than 320 columns). Batch 32 on one chip is one
// micro-batch of 32: full tiles of 512 + 32 + 320 = 864, the lm_head
// partial ones 512 + 32 + 256 = 800, so a layer is 2 × 208 × 864 + 2 × 32
// × 864 + 2 × 720 × 864 + 728 × 864 = 2,287,872 = 2,648 × 864 and lm_head
// 3,200 × 864 + 8 × 800 = 2,771,200: 80 × 2,287,872 + 2,771,200 =
// 185,800,960 cycles.
func TestModelLLaMA70BOneChipByHand(t *testing.T) {
	big := ir.DefaultLPU()
	big.SRAM.Bytes = 40 << 30 // 40 banks of 1 GiB
	p, err := Project(LLaMA70B(), big, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if p.Chips != 1 || len(p.Stages) != 1 {
		t.Fatalf("%d chips, want 1", p.Chips)
	}
	s := p.Stages[0]
	// Tiles: per layer 832 + 128 + 128 + 832 + 2,880 + 2,880 + 2,912 =
	// 10,592; lm_head 12,832.
	if s.Tiles != 80*10592+12832 {
		t.Errorf("%d tiles, want %d", s.Tiles, 80*10592+12832)
	}
	if s.Cycles1 != 179134472 || s.CyclesMicro != 185800960 {
		t.Errorf("%d cycles at batch 1 and %d at batch 32, want 179134472 and 185800960", s.Cycles1, s.CyclesMicro)
	}
	near(t, "batch 1 latency", p.Batch1.RoundTripSeconds, 179134472/900e6)
	near(t, "batch 32 tokens/s", p.BatchB.TokensPerSecond, 32/(185800960/900e6))
}

// follows reports whether b starts where a ends: the same place, or the
// start of the matrix after a ended one.
func follows(a, b Pos, m Model) bool {
	if a == b {
		return true
	}
	if b.Col != 0 {
		return false
	}
	names := []string{}
	for _, x := range m.LayerMatrices() {
		names = append(names, x.Name)
	}
	for j, n := range names {
		if a.Matrix == n && a.Layer == b.Layer && j+1 < len(names) && b.Matrix == names[j+1] {
			return true
		}
	}
	return a.Matrix == "down_proj" && (b.Layer == a.Layer+1 && b.Matrix == "q_proj" || b.Matrix == "lm_head" && b.Layer == m.Layers)
}

// Bad options and targets are errors that say why; nothing panics.
func TestModelErrors(t *testing.T) {
	noLinks := onePlane()
	noLinks.Links = ir.LPULinks{}
	tiny := onePlane()
	tiny.SRAM.Bytes = 100
	bad := onePlane()
	bad.Matrix.Rows = 0
	tests := []struct {
		name string
		tgt  *ir.LPUTarget
		o    Options
		want string
	}{
		{"group not dividing K", onePlane(), Options{Scheme: Schemes[0], Group: 96, Batch: 1, ActivationBytes: 2, LinksPerHop: 1}, "q_proj (320×320): K = 320 is not a multiple of the group size 96"},
		{"q35 group", onePlane(), Options{Scheme: Schemes[0], Group: 4, Batch: 1, ActivationBytes: 2, LinksPerHop: 1}, "q_proj (320×320): group size 4: q35 needs a positive multiple of 8"},
		{"batch 0", onePlane(), tinyOptions(0, 0), "batch 0: must be at least 1"},
		{"negative chips", onePlane(), tinyOptions(1, -1), "chips -1: must be from 1 to 100000"},
		{"too many chips", onePlane(), tinyOptions(1, MaxChips+1), "chips 100001: must be from 1 to 100000"},
		{"no scheme", onePlane(), Options{Batch: 1}, "no weight scheme"},
		{"reserve 1", onePlane(), Options{Scheme: Schemes[2], Group: 320, Batch: 1, SRAMReserve: 1, ActivationBytes: 2, LinksPerHop: 1}, "SRAM reserve 1: must be at least 0 and below 1"},
		{"no links", noLinks, tinyOptions(1, 0), "links.count: the pipeline needs 1 link(s) between neighbouring chips, the target has 0"},
		{"column too big", tiny, tinyOptions(1, 0), "sram.bytes: one column of q_proj (324 bytes) does not fit in a chip's 100 usable bytes"},
		{"invalid target", bad, tinyOptions(1, 0), "matrix.rows: must be positive, got 0"},
	}
	for _, tt := range tests {
		p, err := Project(tinyModel(), tt.tgt, tt.o)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: %v (projection %v), want %q", tt.name, err, p != nil, tt.want)
		}
	}
	if _, err := ModelByName("gpt-5"); err == nil || err.Error() != `unknown model "gpt-5": want llama-70b` {
		t.Errorf("ModelByName: %v", err)
	}
	if _, err := SchemeForBits("3"); err == nil || err.Error() != `unknown bits "3": want 3.5, 4, 8` {
		t.Errorf("SchemeForBits: %v", err)
	}
	// A chip far too small for the model is refused before it is laid out.
	small := ir.DefaultLPU()
	small.SRAM = ir.LPUSRAM{Bytes: 1 << 16, Banks: 1, BandwidthBytesPerS: 1e12}
	if _, err := Project(LLaMA70B(), small, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "more than the 100000 a projection lays out") {
		t.Errorf("64 KiB chips: %v", err)
	}
	// A single chip needs no links.
	one := onePlane()
	one.Links = ir.LPULinks{}
	one.SRAM.Bytes = 1 << 20
	if _, err := Project(tinyModel(), one, tinyOptions(1, 0)); err != nil {
		t.Errorf("one chip without links: %v", err)
	}
}

// The same inputs give the same projection.
func TestModelDeterministic(t *testing.T) {
	a, err := Project(LLaMA70B(), ir.DefaultLPU(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Project(LLaMA70B(), ir.DefaultLPU(), DefaultOptions())
	if !reflect.DeepEqual(a, b) {
		t.Error("two projections differ")
	}
}
