package ir_test

import (
	"os"
	"testing"
	"time"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
)

func TestTmpExamples(t *testing.T) {
	p := "../examples/llama70b.q35"
	src, _ := os.ReadFile(p)
	_, m, _ := frontend.Compile(p, src)
	for _, name := range []string{"matmul_q35_m1", "matmul_i8_i4_m1"} {
		f := m.Func(name)
		mem := ir.NewMemory(f)
		for i, b := range f.Params {
			if b.Kind == ir.In {
				mem[i] = ir.FillInput(b, i)
			}
		}
		start := time.Now()
		err := ir.Exec(f, mem)
		t.Logf("%s: %v in %v", name, err, time.Since(start))
	}
}
