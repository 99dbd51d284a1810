package passes

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
)

// lpuKernel compiles src and runs the lpu target's pipeline for chip.
func lpuKernel(t *testing.T, name string, src []byte, chip *ir.LPUTarget) *ir.Func {
	t.Helper()
	_, m, d := frontend.Compile(name, src)
	if d.HasErrors() {
		t.Fatalf("%s: %v", name, d)
	}
	p, err := Parse(LPUPipeline(chip, "ws"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(m, nil); err != nil {
		t.Fatal(err)
	}
	return m.Funcs[0]
}

func readExample(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// The lowering leaves the kernel alone, places its buffers on 320-byte
// rows, and turns its one dot loop into a matmul whose stream buffer is
// the vector program's last parameter and whose loads replace the loop.
func TestLowerLPUMatmulQ35(t *testing.T) {
	f := lpuKernel(t, "q35.q35", readExample(t, "../examples/matmul_q35.q35"), ir.DefaultLPU())
	before := printFunc(f)
	p, err := LowerLPU(f, ir.DefaultLPU(), "ws")
	if err != nil {
		t.Fatal(err)
	}
	if printFunc(f) != before {
		t.Error("LowerLPU changed the kernel it lowered")
	}
	var offsets []int64
	for _, b := range p.SRAM {
		offsets = append(offsets, b.Offset)
	}
	if want := []int64{0, 1280, 3200, 3520, 3840}; !slices.Equal(offsets, want) || p.SRAMBytes != 4096 {
		t.Errorf("SRAM offsets %v (%d bytes), want %v (4096)", offsets, p.SRAMBytes, want)
	}
	if len(p.Matmuls) != 1 || p.Kernel != 5 || len(p.Func.Params) != 6 || p.Func.Params[5] != p.Matmuls[0].Sums {
		t.Fatalf("matmuls %d, params %d", len(p.Matmuls), len(p.Func.Params))
	}
	mm := p.Matmuls[0]
	if mm.GroupK != 128 || mm.Groups != 2 || mm.N != 16 || mm.M != 4 || mm.JamRows != 1 || len(mm.Tiles) != 1 {
		t.Errorf("matmul %+v", mm)
	}
	text := printFunc(p.Func)
	if strings.Contains(text, " dot ") || !strings.Contains(text, "load %sums0[") {
		t.Errorf("the vector program still has its dot loop, or reads no sums:\n%s", text)
	}
}

// Loops the matrix unit cannot tile, and kernels the SRAM cannot hold,
// are errors that say where and why.
func TestLowerLPUErrors(t *testing.T) {
	src := readExample(t, "../examples/matmul_q35.q35")
	tri := strings.Replace(string(src), "    for n in 0..N {", "    for n in m..N {", 1)
	f := lpuKernel(t, "tri.q35", []byte(tri), ir.DefaultLPU())
	_, err := LowerLPU(f, ir.DefaultLPU(), "ws")
	if err == nil || !strings.Contains(err.Error(), "tri.q35:21:5: lpu: the loop n around the dot loop at tri.q35:26:9 has bounds") {
		t.Errorf("triangular loop: %v", err)
	}
	small := ir.DefaultLPU()
	small.SRAM.Bytes, small.SRAM.Banks = 1024, 1
	_, err = LowerLPU(lpuKernel(t, "q35.q35", src, ir.DefaultLPU()), small, "ws")
	var ce *ir.CapacityError
	if !errors.As(err, &ce) || ce.Needed != 4096 || ce.Chips != 4 {
		t.Errorf("capacity: %v", err)
	}
	if _, err := LowerLPU(f, ir.DefaultLPU(), "xs"); err == nil {
		t.Error("a bad dataflow was accepted")
	}
}

func printFunc(f *ir.Func) string {
	var b strings.Builder
	ir.PrintFunc(&b, f)
	return b.String()
}
