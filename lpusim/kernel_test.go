package lpusim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// The tests below compile kernels with the frontend and the dot pass, as
// q35c sim does (test code may import them; lpusim itself does not).

// compiled returns path's kernels before any pass (the reference) and
// after canonicalize,dot{groups=1}.
func compiled(t testing.TB, path string) (ref, sim *ir.Module) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compiledSource(t, path, src)
}

// compiledSource is compiled for a source text.
func compiledSource(t testing.TB, path string, src []byte) (ref, sim *ir.Module) {
	t.Helper()
	compile := func() *ir.Module {
		_, m, d := frontend.Compile(path, src)
		if d.HasErrors() {
			t.Fatalf("%s: %v", path, d)
		}
		return m
	}
	ref, sim = compile(), compile()
	p, err := passes.Parse("canonicalize,dot{groups=1}")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(sim, nil); err != nil {
		t.Fatal(err)
	}
	return ref, sim
}

// simKernels are the kernels the functional tests simulate: every dot
// loop form the dot pass accepts, and examples with and without one.
var simKernels = []string{"../testdata/dot/accept.q35", "../examples/matmul_q35.q35", "../examples/matmul_i8_i4.q35", "../examples/dequant_lut.q35"}

// mismatch simulates every kernel of path and returns the first whose
// outputs differ from ir.Exec's on the kernel before any pass.
func mismatch(t *testing.T, path string) string {
	t.Helper()
	ref, sim := compiled(t, path)
	return mismatchIn(t, ref, sim)
}

// mismatchIn is mismatch for compiled modules.
func mismatchIn(t *testing.T, ref, sim *ir.Module) string {
	t.Helper()
	for _, f := range sim.Funcs {
		want := ir.GeneratedMemory(ref.Func(f.Name))
		if err := ir.Exec(ref.Func(f.Name), want); err != nil {
			t.Fatal(err)
		}
		got := ir.GeneratedMemory(f)
		if _, err := Simulate(f, ir.DefaultLPU(), got); err != nil {
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
	defer func() { decodeLane = decode }()
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

// matmul_q35 (M 4, K 256 in groups of 128, N 16) on the built-in chip:
// one 256×16 tile, 256 + 4 + 256 + 16 = 532 cycles; 4·16·256 MACs; SRAM
// reads of 16 columns × 16 blocks × 7 bytes of codes, 4 × 256 activation
// bytes and 4·16·2 groups·2 f32 scales; 4·16 f32 outputs written.
func TestMapMatmulQ35ByHand(t *testing.T) {
	_, sim := compiled(t, "../examples/matmul_q35.q35")
	r, err := Map(sim.Func("matmul_q35"), ir.DefaultLPU())
	if err != nil {
		t.Fatal(err)
	}
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
		{"peak SRAM", r.PeakSRAMBytes, 4*256 + 16*16*7 + 2*16*2*4 + 4*16*4},
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
	_, sim := compiled(t, "../testdata/dot/accept.q35")
	for _, tt := range []struct {
		kernel string
		want   MatrixShape
	}{
		{"rows8", MatrixShape{GroupK: 256, Groups: 1, N: 8, M: 8}},
		{"rows17", MatrixShape{GroupK: 128, Groups: 1, N: 4, M: 17}},
		{"q35_batch", MatrixShape{GroupK: 128, Groups: 2, N: 8, M: 32}},
		{"three", MatrixShape{GroupK: 3 * 256, Groups: 1, N: 8, M: 1}},
	} {
		r, err := Map(sim.Func(tt.kernel), ir.DefaultLPU())
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Jobs[0].Dots[0].Shape; got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.kernel, got, tt.want)
		}
	}
}

// A kernel whose buffers exceed the SRAM is refused with the bytes it
// needs, the bytes there are and the chips it would take.
func TestMapCapacity(t *testing.T) {
	_, sim := compiled(t, "../examples/matmul_q35.q35")
	small := ir.DefaultLPU()
	small.SRAM.Bytes, small.SRAM.Banks = 1024, 1
	_, err := Simulate(sim.Func("matmul_q35"), small, ir.GeneratedMemory(sim.Func("matmul_q35")))
	var ce *CapacityError
	if !errors.As(err, &ce) || ce.Needed != 3328 || ce.Available != 1024 || ce.Chips != 4 {
		t.Fatalf("err = %v (%+v)", err, ce)
	}
	if !strings.Contains(err.Error(), "needs 3328 bytes of SRAM") || !strings.Contains(err.Error(), "would need 4 chips") {
		t.Errorf("message: %v", err)
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
			ref, sim := compiledSource(t, name, []byte(src))
			if f := mismatchIn(t, ref, sim); f != "" {
				t.Errorf("%s: %s differs from the interpreter", name, f)
			}
			r, err := Map(sim.Funcs[0], ir.DefaultLPU())
			if err != nil {
				t.Fatal(err)
			}
			d := r.Jobs[0].Dots[0]
			if d.Shape != (MatrixShape{GroupK: 128, Groups: k / 128, N: n, M: m}) || d.Timing.TilesN != ceilDiv(n, 320) || d.Timing.TilesK != ceilDiv(k/128, 2) {
				t.Errorf("%s: %+v, %+v", name, d.Shape, d.Timing)
			}
		}
	}
}

// Simulating the 3.5-bit 8192×8192 LLaMA layer at M = 1, executed and
// timed (docs/lpusim.md §8).
func BenchmarkSimulateQ35Layer(b *testing.B) {
	_, sim := compiled(b, "../examples/llama70b.q35")
	f := sim.Func("matmul_q35_m1")
	mem := ir.GeneratedMemory(f)
	b.ResetTimer()
	for range b.N {
		if _, err := Simulate(f, ir.DefaultLPU(), mem); err != nil {
			b.Fatal(err)
		}
	}
}
