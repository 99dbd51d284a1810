package emit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// lpuGoldens are the files whose LPU MLIR is pinned (the accepted dot
// kernels of testdata/dot are parsed by mlir-opt but not pinned: their
// per-lane arrays take half a megabyte).
var lpuGoldens = []struct{ src, golden string }{
	{"../examples/matmul_q35.q35", "../testdata/golden/examples/matmul_q35.emit-lpu.mlir"},
	{"../examples/matmul_i8_i4.q35", "../testdata/golden/examples/matmul_i8_i4.emit-lpu.mlir"},
}

// lpuPrograms compiles src, runs the lpu pipeline for the built-in chip
// (as q35c compile --emit lpu does) and lowers every kernel.
func lpuPrograms(t *testing.T, src, dataflow string) []*ir.LPUProgram {
	t.Helper()
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	_, m, diags := frontend.Compile(filepath.Base(src), text)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", src, diags.Err())
	}
	target := ir.DefaultLPU()
	pipe := passes.LPUPipeline(target, dataflow)
	p, err := passes.Parse(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(m, nil); err != nil {
		t.Fatalf("%s: %v", pipe, err)
	}
	var progs []*ir.LPUProgram
	for _, f := range m.Funcs {
		prog, err := passes.LowerLPU(f, target, dataflow)
		if err != nil {
			t.Fatalf("%s: LowerLPU: %v", f.Name, err)
		}
		progs = append(progs, prog)
	}
	return progs
}

func emitLPU(t *testing.T, progs []*ir.LPUProgram, source string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := LPU(&b, progs, source); err != nil {
		t.Fatalf("LPU: %v", err)
	}
	return b.Bytes()
}

// TestLPUGolden pins the LPU MLIR of the example and the accepted dot
// kernels, and checks that two lowerings emit identical bytes.
func TestLPUGolden(t *testing.T) {
	for _, s := range lpuGoldens {
		t.Run(filepath.Base(s.src), func(t *testing.T) {
			got := emitLPU(t, lpuPrograms(t, s.src, "ws"), filepath.Base(s.src))
			again := emitLPU(t, lpuPrograms(t, s.src, "ws"), filepath.Base(s.src))
			if !bytes.Equal(got, again) {
				t.Fatal("emitting the LPU program twice gave different bytes")
			}
			if !bytes.Contains(got, []byte(`"lpu.matmul"(`)) {
				t.Errorf("no lpu.matmul in the output:\n%s", got)
			}
			golden.Check(t, s.golden, got)
		})
	}
}

// TestLPUMatmulOrder checks that each matmul is written inside its
// kernel, right before the top-level op it runs before.
func TestLPUMatmulOrder(t *testing.T) {
	progs := lpuPrograms(t, "../examples/matmul_q35.q35", "os")
	out := string(emitLPU(t, progs, "matmul_q35.q35"))
	body := out[strings.Index(out, "func.func @matmul_q35("):]
	mm := strings.Index(body, `"lpu.matmul"(`)
	if mm < 0 {
		t.Fatalf("no matmul in the kernel:\n%s", out)
	}
	// The kernel's first top-level op is the one with the dot loop (the
	// systolic nest), unless constants come first: the matmul must come
	// before the first affine.for.
	if f := strings.Index(body, "affine.for"); f >= 0 && f < mm {
		t.Errorf("the matmul comes after the loop it feeds:\n%s", body)
	}
	for _, want := range []string{`dataflow = "os"`, "{lpu.stream}", `"lpu.sram"() {kernel = "matmul_q35", buffer = "A"`, `"lpu.tile"() {plane = 0 : i64`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %s:\n%s", want, out)
		}
	}
}

// TestLPUOptParses checks that mlir-opt accepts the LPU output of every
// source with dot loops (dotSources), in both dataflows.
func TestLPUOptParses(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	for _, src := range dotSources {
		for _, df := range []string{"ws", "os"} {
			t.Run(filepath.Base(src)+"/"+df, func(t *testing.T) {
				t.Parallel()
				out := emitLPU(t, lpuPrograms(t, src, df), filepath.Base(src))
				if _, err := toolchain.Opt(context.Background(), out, "--allow-unregistered-dialect"); err != nil {
					t.Fatalf("mlir-opt rejects the output: %v\n%s", err, numbered(out))
				}
			})
		}
	}
}

// TestLPUEmptyAndMixed covers a file without kernels and programs lowered
// for different targets.
func TestLPUEmptyAndMixed(t *testing.T) {
	if out := emitLPU(t, nil, "empty.q35"); !bytes.Contains(out, []byte("module {\n}")) {
		t.Errorf("an empty file gives:\n%s", out)
	}
	progs := lpuPrograms(t, "../testdata/dot/accept.q35", "ws")
	if len(progs) < 2 {
		t.Fatalf("accept.q35 has %d kernels, want several", len(progs))
	}
	other := *progs[1].Target
	other.ClockMHz++
	progs[1].Target = &other
	var b bytes.Buffer
	if err := LPU(&b, progs, "accept.q35"); err == nil || !strings.Contains(err.Error(), "different targets") {
		t.Errorf("mixed targets: err = %v", err)
	}
}
