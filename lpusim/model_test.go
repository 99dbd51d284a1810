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

// Tile timing by hand: a 640×640 matrix on one 320×320 plane is 2 × 2
// tiles of 320 (load) + M + 320 + 320 cycles.
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
		{"groups of 128: 2 per tile, 5 groups in 3 tiles", onePlane(), 640, 640, 128, 1, 3 * 2 * 961},
		{"batch 32", onePlane(), 640, 640, 320, 32, 4 * (320 + 32 + 640)},
		{"4 planes take the 4 tiles at once", four, 640, 640, 320, 1, 961},
		{"5 tiles on 4 planes: 2 rounds", four, 640, 641, 320, 1, 2 * 961},
		{"SRAM-bound weight load", slow, 640, 640, 320, 1, 4 * (1024 + 1 + 640)},
		{"LLaMA q_proj on the TSP: 32 K tiles × 26 column tiles / 4 planes", ir.DefaultLPU(), 8192, 8192, 128, 1, 208 * 961},
		{"LLaMA down_proj: 112 × 26 / 4", ir.DefaultLPU(), 28672, 8192, 128, 1, 728 * 961},
	}
	for _, tt := range tests {
		if got := MatmulCycles(tt.tgt, tt.k, tt.n, tt.g, tt.m); got != tt.want {
			t.Errorf("%s: %d cycles, want %d", tt.name, got, tt.want)
		}
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
// two. Each matrix is one tile of 961 cycles (1.922 µs for two at 1 GHz).
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
	// Batch 8: micro-batches of 2; a tile is 320 + 2 + 640 cycles and the
	// hops carry twice the bytes.
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
	for _, s := range p.Stages {
		if s.Bytes != 160*324 || s.To.Col-s.From.Col != 160 {
			t.Errorf("chip %d: %s to %s, %d bytes; want half a matrix, %d bytes", s.Chip, s.From, s.To, s.Bytes, 160*324)
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
// SRAM, and its compute is the hand count of whole-matrix tiles plus at
// most the partial tiles that cuts make.
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
	}
	if sum != p.WeightBytes {
		t.Errorf("stages hold %d bytes, the weights are %d", sum, p.WeightBytes)
	}
	// Whole matrices: per layer 208+32+32+208+720+720+728 = 2648 rounds,
	// lm_head 32 × 401 / 4 = 3208; 961 cycles each at 900 MHz.
	whole := float64(80*2648+3208) * 961 / 900e6
	// A cut splits a column tile in two for each of the matrix's K tiles
	// (at most 112, down_proj's) and rounds each side up to the 4 planes.
	cuts := float64(p.Chips-1) * (112/4 + 2) * 961 / 900e6
	if c := p.Batch1.ComputeSeconds; c < whole || c > whole+cuts {
		t.Errorf("batch 1 compute %.6f s, want between %.6f and %.6f", c, whole, whole+cuts)
	}
	if p.Batch1.TokensPerSecond != 1/p.Batch1.RoundTripSeconds || p.BatchB.Batch != 32 {
		t.Errorf("batch 1 %+v, batch B %+v", p.Batch1, p.BatchB)
	}
	if len(p.Assumptions) < 8 {
		t.Errorf("only %d assumptions", len(p.Assumptions))
	}
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
