package lpusim

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// The tests below compile kernels with the frontend and lower them with
// the lpu target's pipeline and passes.LowerLPU, as q35c sim does (test
// code may import them; lpusim itself does not).

// compiled returns path's kernels before any pass (the reference) and
// lowered for the built-in chip, weight-stationary.
func compiled(t testing.TB, path string) (ref *ir.Module, progs []*ir.LPUProgram) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compiledSource(t, path, src, ir.DefaultLPU(), "ws")
}

// compiledSource is compiled for a source text, a chip and a dataflow.
func compiledSource(t testing.TB, path string, src []byte, chip *ir.LPUTarget, dataflow string) (ref *ir.Module, progs []*ir.LPUProgram) {
	t.Helper()
	compile := func() *ir.Module {
		_, m, d := frontend.Compile(path, src)
		if d.HasErrors() {
			t.Fatalf("%s: %v", path, d)
		}
		return m
	}
	ref, sim := compile(), compile()
	p, err := passes.Parse(passes.LPUPipeline(chip, dataflow))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(sim, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range sim.Funcs {
		prog, err := passes.LowerLPU(f, chip, dataflow)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		progs = append(progs, prog)
	}
	return ref, progs
}

// program returns the program of kernel name.
func program(t testing.TB, progs []*ir.LPUProgram, name string) *ir.LPUProgram {
	t.Helper()
	for _, p := range progs {
		if p.Func.Name == name {
			return p
		}
	}
	t.Fatalf("no kernel %s", name)
	return nil
}

// simKernels are the kernels the functional tests simulate: every dot
// loop form the dot pass accepts, and examples with and without one.
var simKernels = []string{"../testdata/dot/accept.q35", "../examples/matmul_q35.q35", "../examples/matmul_i8_i4.q35", "../examples/dequant_lut.q35"}

// mismatch simulates every kernel of path and returns the first whose
// outputs differ from ir.Exec's on the kernel before any pass.
func mismatch(t *testing.T, path string) string {
	t.Helper()
	ref, progs := compiled(t, path)
	return mismatchIn(t, ref, progs)
}

// mismatchIn is mismatch for compiled modules.
func mismatchIn(t *testing.T, ref *ir.Module, progs []*ir.LPUProgram) string {
	t.Helper()
	for _, p := range progs {
		f := ref.Func(p.Func.Name)
		want := ir.GeneratedMemory(f)
		if err := ir.Exec(f, want); err != nil {
			t.Fatal(err)
		}
		got := ir.GeneratedMemory(f)
		if err := Run(p, got); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for i, b := range f.Params {
			if b.Kind == ir.Out && string(got[i]) != string(want[i]) {
				return f.Name
			}
		}
	}
	return ""
}

// Every kernel simulates bit-identical to the interpreter.
func TestSimulateMatchesInterpreter(t *testing.T) {
	for _, path := range simKernels {
		if k := mismatch(t, path); k != "" {
			t.Errorf("%s: kernel %s differs from the interpreter", path, k)
		}
	}
}

// A matrix unit that decodes codes wrongly is caught by the same
// comparison: each mutation makes some kernel differ.
func TestSimulateCatchesDecodeMutations(t *testing.T) {
	defer func() { decodeLane = nil }()
	mutations := map[string]func(c *ir.DotChunk, w []byte, l int) int32{
		"no flip": func(c *ir.DotChunk, w []byte, l int) int32 {
			saved := c.Flip[l]
			c.Flip[l] = 0
			defer func() { c.Flip[l] = saved }()
			return decode(c, w, l)
		},
		"no bias": func(c *ir.DotChunk, w []byte, l int) int32 { return decode(c, w, l) + int32(c.Bias[l]) },
		"last piece dropped": func(c *ir.DotChunk, w []byte, l int) int32 {
			short := *c
			short.Pieces = c.Pieces[:len(c.Pieces)-1]
			return decode(&short, w, l)
		},
		"codes doubled": func(c *ir.DotChunk, w []byte, l int) int32 {
			return decode(c, w, l) * 2
		},
	}
	for name, mut := range mutations {
		decodeLane = mut
		caught := false
		for _, path := range simKernels[:2] {
			if mismatch(t, path) != "" {
				caught = true
			}
		}
		if !caught {
			t.Errorf("the decode mutation %q went unnoticed", name)
		}
	}
}

// matmul_q35 (M 4, K 256 in groups of 128, N 16) on the built-in chip,
// weight-stationary:
// one 256×16 tile, 256 + 4 + 256 + 16 = 532 cycles; 4·16·256 MACs; SRAM
// reads of 16 columns × 16 blocks × 7 bytes of codes, 4 × 256 activation
// bytes and 4·16·2 groups·2 f32 scales; 4·16 f32 outputs written.
func TestMapMatmulQ35ByHand(t *testing.T) {
	_, progs := compiled(t, "../examples/matmul_q35.q35")
	r := Map(program(t, progs, "matmul_q35"))
	if len(r.Jobs) != 1 || len(r.Jobs[0].Dots) != 1 {
		t.Fatalf("jobs: %+v", r.Jobs)
	}
	d := r.Jobs[0].Dots[0]
	if want := (MatrixShape{GroupK: 128, Groups: 2, N: 16, M: 4}); d.Shape != want {
		t.Errorf("shape %+v, want %+v", d.Shape, want)
	}
	checks := []struct {
		name      string
		got, want int64
	}{
		{"cycles", r.Cycles, 532},
		{"matrix busy", r.MatrixBusyCycles, 532},
		{"MACs", r.MACs, 4 * 16 * 256},
		{"executions", d.Executions, 4 * 16 * 2},
		{"weight bytes", d.WeightBytes, 16 * 16 * 7},
		{"activation bytes", d.ActivationBytes, 4 * 256},
		{"SRAM read", r.SRAMReadBytes, 16*16*7 + 4*256 + 4*16*2*2*4},
		{"SRAM written", r.SRAMWrittenBytes, 4 * 16 * 4},
		// A 1024, W 1792 (from 1280), Se 128 (from 3200), So 128
		// (from 3520), C 256 (from 3840): each on a 320-byte row.
		{"peak SRAM", r.PeakSRAMBytes, 3840 + 4*16*4},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	if r.Seconds != 532/900e6 || r.MACUtilization != float64(4*16*256)/(532*4*320*320) {
		t.Errorf("seconds %g, MAC utilization %g", r.Seconds, r.MACUtilization)
	}
	if v := r.Jobs[0].VectorCycles; v != ceilDiv(r.VectorOps, 320) || v >= 532 {
		t.Errorf("vector cycles %d for %d ops", v, r.VectorOps)
	}
}

// Rows written out (rows8: 8 accumulators sharing codes) and jammed
// (q35_batch: 16 rows jammed, twice) stream as M; three accumulators over
// different codes of the same bytes are one column of 3K rows.
func TestMapRowsAndColumns(t *testing.T) {
	_, progs := compiled(t, "../testdata/dot/accept.q35")
	for _, tt := range []struct {
		kernel string
		want   MatrixShape
	}{
		{"rows8", MatrixShape{GroupK: 256, Groups: 1, N: 8, M: 8}},
		{"rows17", MatrixShape{GroupK: 128, Groups: 1, N: 4, M: 17}},
		{"q35_batch", MatrixShape{GroupK: 128, Groups: 2, N: 8, M: 32}},
		{"three", MatrixShape{GroupK: 3 * 256, Groups: 1, N: 8, M: 1}},
	} {
		r := Map(program(t, progs, tt.kernel))
		if got := r.Jobs[0].Dots[0].Shape; got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.kernel, got, tt.want)
		}
	}
}

// Random shapes of the example matmuls, with partial tiles along K and N
// (N up to 700 columns: the last tile holds N mod 320; K groups of 128, two
// to a tile) and up to 40 rows, simulate bit-identical to the interpreter,
// and their tiles are the counts the shapes give. (The examples' row loop
// is not right around the dot loop, so no rows are jammed here;
// accept.q35's q35_batch covers jammed rows.)
func TestSimulateRandomShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 320))
	for _, path := range []string{"../examples/matmul_q35.q35", "../examples/matmul_i8_i4.q35"} {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			m, k, n := 1+rng.Int64N(40), 128*(1+rng.Int64N(5)), 1+rng.Int64N(700)
			for m*n*k > 1<<21 {
				m = max(1, m/2)
				n = max(1, n/2)
			}
			src := strings.NewReplacer("const M = 4\n", fmt.Sprintf("const M = %d\n", m),
				"const K = 256\n", fmt.Sprintf("const K = %d\n", k),
				"const N = 16\n", fmt.Sprintf("const N = %d\n", n)).Replace(string(text))
			name := fmt.Sprintf("%s M=%d K=%d N=%d", path, m, k, n)
			t.Log(name)
			ref, progs := compiledSource(t, name, []byte(src), ir.DefaultLPU(), "ws")
			if f := mismatchIn(t, ref, progs); f != "" {
				t.Errorf("%s: %s differs from the interpreter", name, f)
			}
			d := Map(progs[0]).Jobs[0].Dots[0]
			if d.Shape != (MatrixShape{GroupK: 128, Groups: k / 128, N: n, M: m}) || d.Timing.TilesN != ceilDiv(n, 320) || d.Timing.TilesK != ceilDiv(k/128, 2) {
				t.Errorf("%s: %+v, %+v", name, d.Shape, d.Timing)
			}
		}
	}
}

// Simulating the 3.5-bit 8192×8192 LLaMA layer at M = 1, executed and
// timed (docs/lpusim.md §8).
func BenchmarkSimulateQ35Layer(b *testing.B) {
	ref, progs := compiled(b, "../examples/llama70b.q35")
	p := program(b, progs, "matmul_q35_m1")
	mem := ir.GeneratedMemory(ref.Func("matmul_q35_m1"))
	b.ResetTimer()
	for range b.N {
		Map(p)
		if err := Run(p, mem); err != nil {
			b.Fatal(err)
		}
	}
}

// Output-stationary programs compute the same sums: every kernel
// simulates bit-identical to the interpreter. matmul_q35 by hand: one fold
// per group (2) of the 4 × 16 outputs, each 128 positions streamed (the
// SRAM gives 22,222 bytes per cycle per plane, far more than 20 × 128) plus
// 4 + 16 cycles of fill and drain, 148 cycles, on planes 0 and 1 at once.
func TestSimulateOutputStationary(t *testing.T) {
	for _, path := range simKernels {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ref, progs := compiledSource(t, path, src, ir.DefaultLPU(), "os")
		if k := mismatchIn(t, ref, progs); k != "" {
			t.Errorf("%s: kernel %s differs from the interpreter (os)", path, k)
		}
	}
	_, progs := compiledSource(t, "q35", mustRead(t, "../examples/matmul_q35.q35"), ir.DefaultLPU(), "os")
	p := program(t, progs, "matmul_q35")
	if len(p.Matmuls[0].Tiles) != 2 || p.Matmuls[0].Tiles[1].Plane != 1 {
		t.Fatalf("tiles %+v", p.Matmuls[0].Tiles)
	}
	d := Map(p).Jobs[0].Dots[0]
	if d.Timing.Cycles != 148 || d.Timing.StreamCycles != 2*148 || d.Timing.LoadCycles != 0 || d.Timing.TilesK != 2 {
		t.Errorf("timing %+v, want 148 cycles, 2 × 148 streaming", d.Timing)
	}
	if d.WeightBytes != 16*16*7 || d.ActivationBytes != 4*256 {
		t.Errorf("weight bytes %d, activation bytes %d", d.WeightBytes, d.ActivationBytes)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// smallChip is the built-in chip with rows × cols planes (and no stated
// peak), so that shapes of a few hundred weights make many tiles.
func smallChip(rows, cols, planes int64) *ir.LPUTarget {
	c := ir.DefaultLPU()
	c.Matrix.Rows, c.Matrix.Cols, c.Matrix.Planes, c.PeakINT8TOPS = rows, cols, planes, 0
	return c
}

// The systolic pass strip-mines the column loop (and, when a plane holds
// fewer groups than the kernel has, the group loop); the lowering takes
// each tile loop and the loop it bounds as one range, so the matmul has
// the kernel's shape, the program's tiles are the chip's, and the result
// is bit-identical. The timing of the program's tiles is MatrixCycles's
// closed form of the same model.
func TestLowerSystolicTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	for _, chip := range []*ir.LPUTarget{smallChip(128, 8, 3), smallChip(64, 5, 2), smallChip(320, 320, 4), smallChip(200, 7, 1)} {
		for range 2 {
			m, k, n := 1+rng.Int64N(9), 128*(1+rng.Int64N(4)), 1+rng.Int64N(40)
			src := strings.NewReplacer("const M = 4\n", fmt.Sprintf("const M = %d\n", m),
				"const K = 256\n", fmt.Sprintf("const K = %d\n", k),
				"const N = 16\n", fmt.Sprintf("const N = %d\n", n)).Replace(string(mustRead(t, "../examples/matmul_q35.q35")))
			name := fmt.Sprintf("%dx%d×%d M=%d K=%d N=%d", chip.Matrix.Rows, chip.Matrix.Cols, chip.Matrix.Planes, m, k, n)
			ref, progs := compiledSource(t, name, []byte(src), chip, "ws")
			if f := mismatchIn(t, ref, progs); f != "" {
				t.Errorf("%s: %s differs from the interpreter", name, f)
			}
			mm := progs[0].Matmuls[0]
			if mm.Groups != k/128 || mm.N != n || mm.M != m {
				t.Errorf("%s: loops %+v, groups %d, N %d, M %d", name, mm.Loops, mm.Groups, mm.N, mm.M)
			}
			r := Map(progs[0])
			d := r.Jobs[0].Dots[0]
			if want := MatrixCycles(chip, d.Shape); d.Timing != want {
				t.Errorf("%s: program timing %+v, closed form %+v", name, d.Timing, want)
			}
			// The vector unit's work is counted exactly through the
			// strip-mined loops: as many ops as without systolic.
			plain := lowerWith(t, name, []byte(src), chip, "canonicalize,dot{groups=1}")
			if got, want := r.VectorOps, Map(plain).VectorOps; got != want {
				t.Errorf("%s: %d vector ops, %d without the systolic tiles", name, got, want)
			}
		}
	}
}

// lowerWith lowers the first kernel of src after pipeline instead of the
// lpu target's.
func lowerWith(t *testing.T, path string, src []byte, chip *ir.LPUTarget, pipeline string) *ir.LPUProgram {
	t.Helper()
	_, m, d := frontend.Compile(path, src)
	if d.HasErrors() {
		t.Fatalf("%s: %v", path, d)
	}
	pl, err := passes.Parse(pipeline)
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Run(m, nil); err != nil {
		t.Fatal(err)
	}
	p, err := passes.LowerLPU(m.Funcs[0], chip, "ws")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
