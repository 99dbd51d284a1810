package passes

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// FuzzCPUPipeline compiles mutated kernels and runs the --target cpu
// pipeline on whatever the frontend accepts: no pass may panic or produce
// IR that fails the verifier, and the transformed kernels compute exactly
// what the originals compute (both run by the interpreter).
func FuzzCPUPipeline(f *testing.F) {
	for _, pat := range []string{"../testdata/kernels/*.q35", "../testdata/passes/*.q35", "../testdata/dot/*.q35", "../examples/matmul_*.q35", "../examples/dequant_lut.q35"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	text, err := TargetPipeline("cpu")
	if err != nil {
		f.Fatal(err)
	}
	pipe, err := Parse(text)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, m, _ := frontend.Compile("fuzz.q35", src)
		if m == nil || tooBig(m) {
			return
		}
		want, werr := execModule(m)
		var d diag.List
		if err := pipe.Run(m, &d); err != nil {
			t.Fatalf("cpu pipeline: %v\n%s", err, src)
		}
		got, gerr := execModule(m)
		if (werr == nil) != (gerr == nil) || fmt.Sprint(want) != fmt.Sprint(got) {
			t.Fatalf("the cpu pipeline changed the results (%v / %v)\n%s", werr, gerr, src)
		}
	})
}

// tooBig keeps each fuzz input fast: at most 1M elements per buffer.
func tooBig(m *ir.Module) bool {
	for _, fn := range m.Funcs {
		for _, b := range fn.Params {
			if b.NumElems() > 1<<20 {
				return true
			}
		}
	}
	return false
}

// execModule runs every kernel of m as the MLIR harness does.
func execModule(m *ir.Module) ([][]int64, error) {
	var all [][]int64
	for _, fn := range m.Funcs {
		w, err := ir.ExecGenerated(fn)
		if err != nil {
			return nil, err
		}
		all = append(all, w...)
	}
	return all, nil
}
