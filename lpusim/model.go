package lpusim

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/q35c/q35c/ir"
)

// Model is the shape of a decoder-only transformer of the LLaMA family:
// every layer runs seven weight matrices (attention q, k, v, o and the
// gated MLP's gate, up, down), and lm_head turns the last hidden state
// into logits.
type Model struct {
	Name         string `json:"name"`
	Hidden       int64  `json:"hidden"`
	Heads        int64  `json:"heads"`
	KVHeads      int64  `json:"kv_heads"`
	HeadDim      int64  `json:"head_dim"`
	Intermediate int64  `json:"intermediate"`
	Layers       int64  `json:"layers"`
	Vocab        int64  `json:"vocab"`
}

// LLaMA70B is Llama 3 70B's shape (config.json of the published model):
// hidden 8192, 64 query heads and 8 key/value heads of 128, MLP 28672, 80
// layers, vocabulary 128256.
func LLaMA70B() Model {
	return Model{Name: "llama-70b", Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, Intermediate: 28672, Layers: 80, Vocab: 128256}
}

// ModelNames lists the models ModelByName knows.
var ModelNames = []string{"llama-70b"}

// ModelByName returns a built-in model.
func ModelByName(name string) (Model, error) {
	if name == "llama-70b" {
		return LLaMA70B(), nil
	}
	return Model{}, fmt.Errorf("unknown model %q: want %s", name, strings.Join(ModelNames, ", "))
}

// Matrix is a weight matrix of K inputs (the reduction) by N outputs.
type Matrix struct {
	Name string `json:"name"`
	K    int64  `json:"k"`
	N    int64  `json:"n"`
}

// The positions of a layer's matrices in LayerMatrices, in the order they
// run; liveWidth depends on it.
const (
	matQ = iota
	matK
	matV
	matO
	matGate
	matUp
	matDown
)

// LayerMatrices returns one layer's weight matrices in the order they run.
func (m Model) LayerMatrices() []Matrix {
	q, kv := m.Heads*m.HeadDim, m.KVHeads*m.HeadDim
	return []Matrix{
		{"q_proj", m.Hidden, q}, {"k_proj", m.Hidden, kv}, {"v_proj", m.Hidden, kv}, {"o_proj", q, m.Hidden},
		{"gate_proj", m.Hidden, m.Intermediate}, {"up_proj", m.Hidden, m.Intermediate}, {"down_proj", m.Intermediate, m.Hidden},
	}
}

// Head is lm_head, the matrix after the last layer.
func (m Model) Head() Matrix { return Matrix{"lm_head", m.Hidden, m.Vocab} }

// Weights counts the weights held: every layer's matrices and lm_head.
func (m Model) Weights() int64 {
	var n int64
	for _, x := range m.LayerMatrices() {
		n += x.K * x.N
	}
	return n*m.Layers + m.Hidden*m.Vocab
}

// Scheme is one of q35c's weight formats (docs/format.md).
type Scheme struct {
	// Name is q35, int4 or int8.
	Name string `json:"name"`
	// Bits is how --bits spells it: 3.5, 4 or 8.
	Bits string `json:"bits"`
	// ScalesPerGroup is the number of f32 scales per group per output
	// column, and so the number of INT32 sums a group needs: q35 scales
	// its even (4-bit) and odd (3-bit) positions apart.
	ScalesPerGroup int64 `json:"scales_per_group"`
	// groupMult and kMult are what the group size and K must be multiples
	// of (runtime's CheckQ35Shape and CheckGroupedShape).
	groupMult, kMult int64
}

// Schemes are the formats, by --bits.
var Schemes = []Scheme{
	{Name: "q35", Bits: "3.5", ScalesPerGroup: 2, groupMult: 8, kMult: 16},
	{Name: "int4", Bits: "4", ScalesPerGroup: 1, groupMult: 2, kMult: 2},
	{Name: "int8", Bits: "8", ScalesPerGroup: 1, groupMult: 1, kMult: 1},
}

// SchemeForBits returns the scheme --bits names.
func SchemeForBits(bits string) (Scheme, error) {
	var names []string
	for _, s := range Schemes {
		if s.Bits == bits || s.Name == bits {
			return s, nil
		}
		names = append(names, s.Bits)
	}
	return Scheme{}, fmt.Errorf("unknown bits %q: want %s", bits, strings.Join(names, ", "))
}

// CheckShape reports why a column of k weights cannot be stored in groups
// of g, or nil.
func (s Scheme) CheckShape(k, g int64) error {
	switch {
	case g <= 0 || g%s.groupMult != 0:
		return fmt.Errorf("group size %d: %s needs a positive multiple of %d", g, s.Name, s.groupMult)
	case k%s.kMult != 0:
		return fmt.Errorf("K = %d: %s needs a multiple of %d", k, s.Name, s.kMult)
	case k%g != 0:
		return fmt.Errorf("K = %d is not a multiple of the group size %d", k, g)
	}
	return nil
}

// ColumnBytes is the storage of one output column of k weights in groups
// of g: codes plus f32 scales. q35: 7 bytes per 16 weights and two scales
// per group; int4: half a byte per weight and one scale; int8: a byte and
// one scale. The shape must pass CheckShape.
func (s Scheme) ColumnBytes(k, g int64) int64 {
	scales := 4 * s.ScalesPerGroup * (k / g)
	switch s.Name {
	case "q35":
		return k/16*7 + scales
	case "int4":
		return k/2 + scales
	}
	return k + scales
}

// BitsPerWeight is the effective size of a weight, scales included.
func (s Scheme) BitsPerWeight(k, g int64) float64 {
	return float64(8*s.ColumnBytes(k, g)) / float64(k)
}

// MaxChips bounds the chips a projection lays out (Groq's largest
// published system has 10,440), so that a tiny target cannot make it
// allocate a stage per column of the model.
const MaxChips = 100000

// Options are the projection's free choices; every one is printed with
// the result.
type Options struct {
	Scheme Scheme `json:"scheme"`
	// Group is the quantization group along K.
	Group int64 `json:"group"`
	// Batch is the number of independent sequences decoded together.
	Batch int64 `json:"batch"`
	// Chips is the number of chips to use; 0 means as few as hold the
	// weights.
	Chips int64 `json:"chips"`
	// SRAMReserve is the fraction of each chip's SRAM kept free for
	// activations and the KV cache.
	SRAMReserve float64 `json:"sram_reserve"`
	// ActivationBytes is the size of an activation value on the links.
	ActivationBytes int64 `json:"activation_bytes"`
	// LinksPerHop is how many links join neighbours on the pipeline.
	LinksPerHop int64 `json:"links_per_hop"`
}

// DefaultOptions: 3.5 bits in groups of 128, batch 32, as few chips as
// hold the weights, no SRAM reserve, bf16 activations over one link.
func DefaultOptions() Options {
	return Options{Scheme: Schemes[0], Group: 128, Batch: 32, SRAMReserve: 0, ActivationBytes: 2, LinksPerHop: 1}
}

// Validate reports the first option that cannot be used with model m.
func (o Options) Validate(m Model) error {
	switch {
	case o.Scheme.Name == "":
		return errors.New("no weight scheme")
	case o.Batch < 1:
		return fmt.Errorf("batch %d: must be at least 1", o.Batch)
	case o.Chips < 0 || o.Chips > MaxChips:
		return fmt.Errorf("chips %d: must be from 1 to %d (or 0 for as few as hold the weights)", o.Chips, MaxChips)
	case !(o.SRAMReserve >= 0 && o.SRAMReserve < 1):
		return fmt.Errorf("SRAM reserve %v: must be at least 0 and below 1", o.SRAMReserve)
	case o.ActivationBytes < 1 || o.LinksPerHop < 1:
		return fmt.Errorf("activation bytes %d and links per hop %d: must be at least 1", o.ActivationBytes, o.LinksPerHop)
	}
	for _, x := range append(m.LayerMatrices(), m.Head()) {
		if err := o.Scheme.CheckShape(x.K, o.Group); err != nil {
			return fmt.Errorf("%s (%d×%d): %v", x.Name, x.K, x.N, err)
		}
	}
	return nil
}

// The timing model of the matrix unit is the kernel simulator's
// (timing.go, docs/lpusim.md §4 and §8), so that the projection charges a
// matrix what `q35c sim` counts for a kernel of the same shape: a plane
// holds one tile of weights, r ≤ R positions along K (whole quantization
// groups) by c ≤ C output columns; an r×c tile at batch M costs
//
//	TileLoadCycles(r, c) + M + r + c cycles
//
// (install the weights, then M activation rows streamed through with
// r + c cycles of fill and drain; a partial tile pays only the rows and
// columns it uses); the tiles, K-major, are dealt to the P planes in turn,
// and the matrix takes as long as its busiest plane. Tiles do not overlap
// (no double-buffered weights): the model is conservative.

// MatmulCycles is the matrix unit's time for a K×N matrix (or a piece of
// one: N columns of it, tiled from its first) in groups of g along K at
// batch m: MatrixCycles of MatrixShape{GroupK: g, Groups: k/g, N: n, M: m},
// what the kernel simulator counts for a dot loop of that shape.
func MatmulCycles(t *ir.LPUTarget, k, n, g, m int64) int64 {
	return MatrixCycles(t, MatrixShape{GroupK: g, Groups: k / g, N: n, M: m}).Cycles
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// Pos is a place in the model's weights, in the order they run: column
// Col of matrix Matrix of layer Layer (lm_head has Layer = the model's
// layer count).
type Pos struct {
	Layer  int64  `json:"layer"`
	Matrix string `json:"matrix"`
	Col    int64  `json:"col"`
}

// String writes p as L3.gate_proj[4480] or lm_head[0].
func (p Pos) String() string {
	if p.Matrix == "lm_head" {
		return fmt.Sprintf("lm_head[%d]", p.Col)
	}
	return fmt.Sprintf("L%d.%s[%d]", p.Layer, p.Matrix, p.Col)
}

// Stage is one chip of the pipeline: the weights from From up to To
// (To.Col is one past the last column held), in order.
type Stage struct {
	Chip  int64 `json:"chip"`
	From  Pos   `json:"from"`
	To    Pos   `json:"to"`
	Bytes int64 `json:"bytes"`
	// Tiles counts the weight tiles of the chip's matrices and pieces of
	// matrices, each tiled on its own (a cut tile is two partial tiles).
	Tiles int64 `json:"tiles"`
	// Cycles1 and CyclesMicro are the matrix unit's cycles at batch 1 and
	// at the micro-batch of Projection.BatchB: the sum over the chip's
	// matrices and pieces of MatmulCycles.
	Cycles1     int64 `json:"cycles_batch1"`
	CyclesMicro int64 `json:"cycles_micro_batch"`
	// HopValues is how many activation values per row go to the next chip
	// (0 on the last chip); HopSeconds1 and HopSecondsMicro are the hop's
	// time at batch 1 and at the micro-batch.
	HopValues       int64   `json:"hop_values_per_row"`
	HopSeconds1     float64 `json:"hop_seconds_batch1"`
	HopSecondsMicro float64 `json:"hop_seconds_micro_batch"`
}

// Throughput is the decode speed at one batch size.
type Throughput struct {
	Batch int64 `json:"batch"`
	// The batch runs as MicroBatches micro-batches of MicroBatchSize
	// sequences, in the pipeline at once.
	MicroBatches   int64 `json:"micro_batches"`
	MicroBatchSize int64 `json:"micro_batch_size"`
	// RoundTripSeconds is a micro-batch's trip through every chip:
	// ComputeSeconds on the matrix units plus TransferSeconds on the links.
	ComputeSeconds   float64 `json:"compute_seconds"`
	TransferSeconds  float64 `json:"transfer_seconds"`
	RoundTripSeconds float64 `json:"round_trip_seconds"`
	// SlowestChip is the stage with the longest compute + hop time.
	SlowestChip    int64   `json:"slowest_chip"`
	SlowestSeconds float64 `json:"slowest_stage_seconds"`
	// PeriodSeconds is the time between two tokens of one sequence:
	// max(RoundTripSeconds, MicroBatches × SlowestSeconds).
	PeriodSeconds   float64 `json:"period_seconds"`
	TokensPerSecond float64 `json:"tokens_per_second"`
	LimitedBy       string  `json:"limited_by"`
}

// MatrixBytes is the storage of one kind of matrix.
type MatrixBytes struct {
	Matrix
	Count     int64   `json:"count"`
	BytesEach int64   `json:"bytes_each"`
	Bytes     int64   `json:"bytes"`
	BitsPer   float64 `json:"bits_per_weight"`
}

// Projection is the result of Project: the inputs, every assumption, and
// the figures.
type Projection struct {
	Model   Model         `json:"model"`
	Target  *ir.LPUTarget `json:"target"`
	Options Options       `json:"options"`
	// Assumptions are the model's simplifications, in words; reports print
	// them.
	Assumptions []string `json:"assumptions"`

	// WeightLoadCycles is the load of a full R×C tile (TileLoadCycles);
	// a partial tile's load is TileLoadCycles of its rows and columns.
	WeightLoadCycles int64 `json:"weight_load_cycles"`
	GroupsPerTile    int64 `json:"groups_per_tile"` // 0 when a group spans several tiles
	RowsUsedPerTile  int64 `json:"rows_used_per_tile"`

	Matrices      []MatrixBytes `json:"matrices"`
	Weights       int64         `json:"weights"`
	WeightBytes   int64         `json:"weight_bytes"`
	BitsPerWeight float64       `json:"bits_per_weight"`
	// Not held in SRAM, for scale: the embedding table's values, the
	// RMSNorm weights' values, the KV cache's bytes per token of context
	// per sequence.
	EmbeddingValues int64 `json:"embedding_values_not_held"`
	NormValues      int64 `json:"norm_values_not_held"`
	KVBytesPerToken int64 `json:"kv_cache_bytes_per_token_not_held"`

	UsableSRAMBytes int64 `json:"usable_sram_bytes_per_chip"`
	// ChipsLowerBound is ceil(WeightBytes / UsableSRAMBytes); ChipsNeeded
	// is what packing whole columns in order needs (more only when a
	// column's bytes do not divide the room left); Chips is how many the
	// partition uses.
	ChipsLowerBound int64   `json:"chips_lower_bound"`
	ChipsNeeded     int64   `json:"chips_needed"`
	Chips           int64   `json:"chips"`
	Stages          []Stage `json:"stages"`

	Batch1 Throughput `json:"batch1"`
	BatchB Throughput `json:"batch_b"`
}

// TooFewChipsError says that the weights do not fit the chips given.
type TooFewChipsError struct {
	Needed, Given, WeightBytes, UsableBytes int64
}

// Error says how many chips the weights need and how many were given.
func (e *TooFewChipsError) Error() string {
	return fmt.Sprintf("%d bytes of weights need %d chips of %d usable bytes of SRAM, not %d", e.WeightBytes, e.Needed, e.UsableBytes, e.Given)
}

// item is one matrix in the order the model runs them.
type item struct {
	layer    int64
	j        int // position in LayerMatrices; -1 for lm_head
	m        Matrix
	colBytes int64
}

// piece is columns [lo, hi) of items[item].
type piece struct {
	item   int
	lo, hi int64
}

// Project computes the weights, chips, partition and speed of model on
// chips like target. Option errors come from o.Validate; a target that
// cannot hold or chain the model gives an error (a *TooFewChipsError
// when --chips is too small).
func Project(model Model, target *ir.LPUTarget, o Options) (*Projection, error) {
	if err := target.Validate(); err != nil {
		return nil, err
	}
	if err := o.Validate(model); err != nil {
		return nil, err
	}
	p := &Projection{Model: model, Target: target, Options: o, WeightLoadCycles: TileLoadCycles(target, target.Matrix.Rows, target.Matrix.Cols)}
	items := p.weights()
	p.UsableSRAMBytes = int64(math.Floor(float64(target.SRAM.Bytes) * (1 - o.SRAMReserve)))
	p.ChipsLowerBound = ceilDiv(p.WeightBytes, p.UsableSRAMBytes)
	if p.ChipsLowerBound > MaxChips {
		return nil, fmt.Errorf("sram.bytes: %d bytes of weights need at least %d chips of %d usable bytes, more than the %d a projection lays out", p.WeightBytes, p.ChipsLowerBound, p.UsableSRAMBytes, MaxChips)
	}
	chips, err := pack(items, p.UsableSRAMBytes)
	if err != nil {
		return nil, err
	}
	p.ChipsNeeded = int64(len(chips))
	n := o.Chips
	if n == 0 {
		n = p.ChipsNeeded
	}
	if n < p.ChipsNeeded {
		return nil, &TooFewChipsError{Needed: p.ChipsNeeded, Given: n, WeightBytes: p.WeightBytes, UsableBytes: p.UsableSRAMBytes}
	}
	if n > 1 && target.Links.Count < o.LinksPerHop {
		return nil, fmt.Errorf("links.count: the pipeline needs %d link(s) between neighbouring chips, the target has %d", o.LinksPerHop, target.Links.Count)
	}
	parts := balance(items, p.WeightBytes, p.UsableSRAMBytes, n)
	p.Stages = p.stages(items, parts)
	p.Chips = int64(len(p.Stages))
	var c1, cb []int64
	var h1, hb []float64
	p.Batch1, c1, h1 = p.throughput(items, parts, 1)
	p.BatchB, cb, hb = p.throughput(items, parts, o.Batch)
	for i := range p.Stages {
		s := &p.Stages[i]
		s.Cycles1, s.HopSeconds1, s.CyclesMicro, s.HopSecondsMicro = c1[i], h1[i], cb[i], hb[i]
	}
	p.Assumptions = p.assumptions()
	return p, nil
}

// weights lists the matrices in order and fills in the byte figures.
func (p *Projection) weights() []item {
	m, o := p.Model, p.Options
	var items []item
	for l := int64(0); l < m.Layers; l++ {
		for j, x := range m.LayerMatrices() {
			items = append(items, item{l, j, x, o.Scheme.ColumnBytes(x.K, o.Group)})
		}
	}
	head := m.Head()
	items = append(items, item{m.Layers, -1, head, o.Scheme.ColumnBytes(head.K, o.Group)})
	for _, it := range items[:len(m.LayerMatrices())] {
		p.addMatrix(it, m.Layers)
	}
	p.addMatrix(items[len(items)-1], 1)
	p.Weights = m.Weights()
	p.BitsPerWeight = float64(8*p.WeightBytes) / float64(p.Weights)
	p.EmbeddingValues = m.Vocab * m.Hidden
	p.NormValues = (2*m.Layers + 1) * m.Hidden
	p.KVBytesPerToken = 2 * m.KVHeads * m.HeadDim * m.Layers * o.ActivationBytes
	r, g := p.Target.Matrix.Rows, o.Group
	if g <= r {
		p.GroupsPerTile, p.RowsUsedPerTile = r/g, r/g*g
	} else {
		p.RowsUsedPerTile = g / ceilDiv(g, r) // on average
	}
	return items
}

func (p *Projection) addMatrix(it item, count int64) {
	each := it.colBytes * it.m.N
	p.Matrices = append(p.Matrices, MatrixBytes{Matrix: it.m, Count: count, BytesEach: each, Bytes: each * count,
		BitsPer: p.Options.Scheme.BitsPerWeight(it.m.K, p.Options.Group)})
	p.WeightBytes += each * count
}

// pack fills chips of capacity bytes with the weights in order, cutting
// a matrix between any two output columns. It fails when one column does
// not fit an empty chip, or when it needs more than MaxChips.
func pack(items []item, capacity int64) ([][]piece, error) {
	var chips [][]piece
	var cur []piece
	room := capacity
	for i, it := range items {
		for c := int64(0); c < it.m.N; {
			if take := min(it.m.N-c, room/it.colBytes); take > 0 {
				cur = append(cur, piece{i, c, c + take})
				room -= take * it.colBytes
				c += take
				continue
			}
			switch {
			case len(cur) == 0:
				return nil, fmt.Errorf("sram.bytes: one column of %s (%d bytes) does not fit in a chip's %d usable bytes", it.m.Name, it.colBytes, capacity)
			case len(chips)+1 >= MaxChips:
				return nil, fmt.Errorf("sram.bytes: the weights need more than %d chips of %d usable bytes", MaxChips, capacity)
			}
			chips, cur, room = append(chips, cur), nil, capacity
		}
	}
	if len(cur) > 0 {
		chips = append(chips, cur)
	}
	return chips, nil
}

// balance packs the weights into at most n chips with the smallest
// largest chip (binary search on the capacity between total/n and the
// usable SRAM, which is known to need at most n chips).
func balance(items []item, total, usable, n int64) [][]piece {
	lo, hi := ceilDiv(total, n), usable
	best, _ := pack(items, hi)
	for lo < hi {
		mid := lo + (hi-lo)/2
		if chips, err := pack(items, mid); err == nil && int64(len(chips)) <= n {
			best, hi = chips, mid
		} else {
			lo = mid + 1
		}
	}
	return best
}

// stages turns packed chips into pipeline stages with their hops.
func (p *Projection) stages(items []item, chips [][]piece) []Stage {
	out := make([]Stage, len(chips))
	for i, pcs := range chips {
		s := &out[i]
		s.Chip = int64(i + 1)
		first, last := pcs[0], pcs[len(pcs)-1]
		s.From = pos(items[first.item], first.lo)
		s.To = pos(items[last.item], last.hi)
		for _, pc := range pcs {
			it := items[pc.item]
			s.Bytes += (pc.hi - pc.lo) * it.colBytes
			var tilesK int64
			for _, kr := range kTiles(MatrixShape{GroupK: p.Options.Group, Groups: it.m.K / p.Options.Group}, p.Target.Matrix.Rows) {
				tilesK += kr.count
			}
			s.Tiles += tilesK * ceilDiv(pc.hi-pc.lo, p.Target.Matrix.Cols)
		}
		if i+1 < len(chips) {
			next := chips[i+1][0]
			s.HopValues = p.liveWidth(items[next.item], next.lo)
		}
	}
	return out
}

func pos(it item, col int64) Pos { return Pos{Layer: it.layer, Matrix: it.m.Name, Col: col} }

// liveWidth is the number of values per activation row that the chip
// before a cut at column col of it must send to the chip after it: the
// residual stream, plus what the rest of the layer needs. Norms are
// recomputed from the residual on the receiving chip; attention runs on
// the chip where v_proj ends, and o_proj's partial outputs are added into
// the residual as they are made.
func (p *Projection) liveWidth(it item, col int64) int64 {
	m := p.Model
	h, q, kv, inter := m.Hidden, m.Heads*m.HeadDim, m.KVHeads*m.HeadDim, m.Intermediate
	switch it.j {
	case matQ, matGate, -1: // layer input (or MLP input, or lm_head): residual and outputs so far
		return h + col
	case matK:
		return h + q + col
	case matV:
		return h + q + kv + col
	case matO:
		return h + q
	case matUp:
		return h + inter + col
	}
	return h + inter // matDown: the gated activations and the residual
}

// throughput times one batch: min(batch, chips) micro-batches in flight.
// It also returns each stage's cycles and hop time at the micro-batch.
// A stage's cycles are the sum of MatmulCycles over its pieces (chips[i]
// of items), each timed once per shape: the layers repeat.
func (p *Projection) throughput(items []item, chips [][]piece, batch int64) (Throughput, []int64, []float64) {
	t := p.Target
	n := int64(len(p.Stages))
	tp := Throughput{Batch: batch, MicroBatches: min(batch, n)}
	tp.MicroBatchSize = ceilDiv(batch, tp.MicroBatches)
	known := map[[2]int64]int64{} // K, N → cycles at the micro-batch
	hz := t.ClockMHz * 1e6
	linkBW := t.Links.BandwidthBytesPerS * float64(p.Options.LinksPerHop)
	cycles, hops := make([]int64, n), make([]float64, n)
	for i, s := range p.Stages {
		for _, pc := range chips[i] {
			shape := [2]int64{items[pc.item].m.K, pc.hi - pc.lo}
			c, ok := known[shape]
			if !ok {
				c = MatmulCycles(t, shape[0], shape[1], p.Options.Group, tp.MicroBatchSize)
				known[shape] = c
			}
			cycles[i] += c
		}
		if s.HopValues > 0 {
			hops[i] = float64(tp.MicroBatchSize*s.HopValues*p.Options.ActivationBytes)/linkBW + t.Links.LatencyNs*1e-9
		}
		compute := float64(cycles[i]) / hz
		tp.ComputeSeconds += compute
		tp.TransferSeconds += hops[i]
		if compute+hops[i] > tp.SlowestSeconds {
			tp.SlowestChip, tp.SlowestSeconds = s.Chip, compute+hops[i]
		}
	}
	tp.RoundTripSeconds = tp.ComputeSeconds + tp.TransferSeconds
	busiest := float64(tp.MicroBatches) * tp.SlowestSeconds
	tp.PeriodSeconds = max(tp.RoundTripSeconds, busiest)
	switch {
	case batch == 1:
		tp.LimitedBy = "the round trip: one sequence, one chip computing at a time"
	case busiest >= tp.RoundTripSeconds:
		tp.LimitedBy = fmt.Sprintf("the slowest stage: all %d micro-batches of %d pass through it every period", tp.MicroBatches, tp.MicroBatchSize)
	default:
		tp.LimitedBy = fmt.Sprintf("the round trip: %d micro-batches keep only %d of %d chips busy", tp.MicroBatches, tp.MicroBatches, n)
	}
	tp.TokensPerSecond = float64(batch) / tp.PeriodSeconds
	return tp, cycles, hops
}

// assumptions says, in words, every simplification behind the figures.
func (p *Projection) assumptions() []string {
	t, o, m := p.Target, p.Options, p.Model
	mx := t.Matrix
	s := o.Scheme
	normShare := 100 * float64(p.NormValues) / float64(p.Weights)
	tiles := fmt.Sprintf("a tile holds whole quantization groups (%d of %d along K: %d of its %d rows), because each group's INT32 sums are scaled on their own; the plane is assumed to emit each group's INT32 sums (%d per column) separately",
		p.GroupsPerTile, o.Group, p.RowsUsedPerTile, mx.Rows, s.ScalesPerGroup)
	if p.GroupsPerTile == 0 {
		tiles = fmt.Sprintf("a group of %d spans %d tiles of %d rows, whose INT32 sums are added before the group is scaled", o.Group, ceilDiv(o.Group, mx.Rows), mx.Rows)
	}
	lo, hi := int64(0), int64(0)
	for _, st := range p.Stages {
		if st.HopValues > 0 && (lo == 0 || st.HopValues < lo) {
			lo = st.HopValues
		}
		hi = max(hi, st.HopValues)
	}
	return []string{
		fmt.Sprintf("weights: %s at %.3f bits per weight with its f32 scales (%d per group of %d along K per output column)", s.Name, p.BitsPerWeight, s.ScalesPerGroup, o.Group),
		fmt.Sprintf("held in SRAM: the 7 matrices of each of the %d layers and lm_head; not held: the token embeddings (%d × %d values, one row looked up per token on the host), the RMSNorm weights (%d values, %.3f%% of the weights), the KV cache (%d bytes per token of context per sequence)",
			m.Layers, m.Vocab, m.Hidden, p.NormValues, normShare, p.KVBytesPerToken),
		fmt.Sprintf("SRAM: %g%% of each chip reserved for activations and the KV cache, %d bytes usable", 100*o.SRAMReserve, p.UsableSRAMBytes),
		"partition: a pipeline of contiguous pieces of the model in order, cut between any two output columns of a matrix (a cut tile is two partial tiles), balanced by bytes (the largest chip as small as possible); no tensor parallelism: at batch 1 one chip computes at a time",
		fmt.Sprintf("matrix unit: as `q35c sim KERNEL.q35` counts a kernel, a tile of r ≤ %d rows along K by c ≤ %d columns costs max(r, ceil(r × c × %d operand byte(s) / %.0f SRAM bytes per cycle per plane)) cycles of weight load (%d for a full tile) + M + r + c cycles of fill, stream and drain, so a partial tile pays only the rows and columns it uses; a matrix's tiles, K-major, are dealt to the %d planes in turn and it takes its busiest plane's time; tiles do not overlap",
			mx.Rows, mx.Cols, (mx.OperandBits+7)/8, t.SRAM.BandwidthBytesPerS/(t.ClockMHz*1e6)/float64(mx.Planes), p.WeightLoadCycles, mx.Planes),
		tiles,
		"vector unit: unpacking codes to INT8 operands, per-group scaling, norms, SiLU and softmax are assumed to overlap the matrix unit; not timed",
		fmt.Sprintf("attention over the KV cache (2 × %d heads × %d × context MACs per layer per token) is not timed; it runs on the chip where v_proj ends", m.Heads, m.HeadDim),
		fmt.Sprintf("links: a hop carries the residual stream and what the rest of the layer needs (%d to %d values per row) as %d-byte values over %d link(s) of %.0f bytes/s, plus %g ns; hops do not overlap compute; the host's embedding lookup and sampling are not timed",
			lo, hi, o.ActivationBytes, o.LinksPerHop, t.Links.BandwidthBytesPerS, t.Links.LatencyNs),
		"batch B: B independent sequences in min(B, chips) micro-batches; a sequence's next token waits for its previous one, so tokens come every max(round trip, micro-batches × slowest stage)",
	}
}
