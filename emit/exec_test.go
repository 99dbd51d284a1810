package emit

import (
	"context"
	"fmt"
	"testing"

	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// prePasses are the seed pipeline's tile and vectorize steps.
var prePasses = []string{"--affine-loop-tile=tile-size=64", "--affine-super-vectorize=virtual-vector-size=8"}

// TestHarnessMatchesInterpreter lowers each kernel with its harness, runs
// it with mlir-cpu-runner, with and without the tile and vectorize passes,
// and compares every output element bit for bit with the IR interpreter.
func TestHarnessMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner")
	for _, k := range testKernels {
		for _, pre := range [][]string{nil, prePasses} {
			name := k.name
			if pre != nil {
				name += "/tile+vectorize"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				m := module(k.build())
				want := interpret(t, m)
				got := runHarness(t, m, pre)
				compareOutputs(t, m, got, want)
			})
		}
	}
}

// interpret runs every kernel of m in the IR interpreter on the harness's
// inputs and returns the output buffers in the harness's print order.
func interpret(t *testing.T, m *ir.Module) [][]int64 {
	t.Helper()
	var outs [][]int64
	for _, f := range m.Funcs {
		words, err := ir.ExecGenerated(f)
		if err != nil {
			t.Fatalf("interpreter: %v", err)
		}
		outs = append(outs, words...)
	}
	return outs
}

func runHarness(t *testing.T, m *ir.Module, prePasses []string) [][]int64 {
	t.Helper()
	src := emitString(t, m, Options{Harness: true})
	ctx := context.Background()
	lowered, err := toolchain.Lower(ctx, src, prePasses)
	if err != nil {
		t.Fatalf("lowering: %v\n%s", err, numbered(src))
	}
	out, err := toolchain.RunMain(ctx, lowered)
	if err != nil {
		t.Fatalf("running: %v", err)
	}
	got, err := ParseHarnessOutput(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return got
}

// compareOutputs reports every element where got and want differ, naming
// the buffer.
func compareOutputs(t *testing.T, m *ir.Module, got, want [][]int64) {
	t.Helper()
	names := outputNames(m)
	if len(got) != len(want) {
		t.Fatalf("harness printed %d buffers, want %d (%v)", len(got), len(want), names)
	}
	bad := 0
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s: %d elements, want %d", names[i], len(got[i]), len(want[i]))
			continue
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] && bad < 20 {
				bad++
				t.Errorf("%s[%d] = %#x, interpreter says %#x", names[i], j, got[i][j], want[i][j])
			}
		}
	}
}

func outputNames(m *ir.Module) []string {
	var names []string
	for _, f := range m.Funcs {
		for _, b := range f.Params {
			if b.Kind == ir.Out {
				names = append(names, fmt.Sprintf("@%s %%%s", f.Name, b.Name))
			}
		}
	}
	return names
}
