package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// The seed's mlir-opt step: tile by 64, vectorize by 8.
var seedPipeline = []string{"--affine-loop-tile=tile-size=64", "--affine-super-vectorize=virtual-vector-size=8"}

// For every example and test kernel, the emitted MLIR with its harness is
// lowered by mlir-opt and run by mlir-cpu-runner, straight and after the
// seed's tile + vectorize pipeline; every output word equals the
// interpreter's, bit for bit.
func TestMLIRMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner")
	for _, src := range sources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			if testing.Short() && filepath.Base(src) == "llama70b.q35" {
				t.Skip("SKIP in -short mode: the 8192x8192 LLaMA layers take minutes in the interpreter; scripts/test.sh runs them")
			}
			m := compileForTest(t, src)
			want := originalWords(t, src) // interpreted once per source for all the tests
			checkReferences(t, m, want, strings.HasPrefix(src, "examples/"))
			var text bytes.Buffer
			if err := emit.MLIR(&text, m, emit.Options{Harness: true}); err != nil {
				t.Fatal(err)
			}
			for _, pipe := range []struct {
				name   string
				passes []string
			}{{"straight", nil}, {"tile64+vec8", seedPipeline}} {
				got := runMLIR(t, text.Bytes(), pipe.passes)
				if err := sameWords(want, got); err != nil {
					t.Errorf("%s: %v", pipe.name, err)
				}
			}
		})
	}
}

func compileForTest(t testing.TB, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, m, diags := frontend.Compile(filepath.Base(path), src)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags.Err())
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	return m
}

// interpret runs every kernel of m on the harness's inputs (kernels run
// concurrently: they share nothing) and returns the output words in the
// order the harness prints them.
func interpret(t testing.TB, m *ir.Module) [][]int64 {
	t.Helper()
	outs := make([][][]int64, len(m.Funcs))
	errs := make([]error, len(m.Funcs))
	var wg sync.WaitGroup
	for k, f := range m.Funcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[k], errs[k] = ir.ExecGenerated(f)
		}()
	}
	wg.Wait()
	var words [][]int64
	for k := range m.Funcs {
		if errs[k] != nil {
			t.Fatal(errs[k])
		}
		words = append(words, outs[k]...)
	}
	return words
}

func runMLIR(t testing.TB, text []byte, passes []string) [][]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	lowered, err := toolchain.Lower(ctx, text, passes)
	if err != nil {
		t.Fatalf("mlir-opt %v: %v", passes, err)
	}
	out, err := toolchain.RunMain(ctx, lowered)
	if err != nil {
		t.Fatalf("mlir-cpu-runner: %v", err)
	}
	got, err := emit.ParseHarnessOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameWords(want, got [][]int64) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d output buffers printed, want %d", len(got), len(want))
	}
	for b := range want {
		if len(want[b]) != len(got[b]) {
			return fmt.Errorf("output %d: %d words, want %d", b, len(got[b]), len(want[b]))
		}
		for i := range want[b] {
			if want[b][i] != got[b][i] {
				return fmt.Errorf("output %d word %d: MLIR gives %#x, interpreter %#x", b, i, got[b][i], want[b][i])
			}
		}
	}
	return nil
}

// checkReferences compares the interpreter's outputs (words, in harness
// order) with the runtime's reference kernels, for every kernel that has
// one: the interpreter, the references and MLIR agree bit for bit.
func checkReferences(t *testing.T, m *ir.Module, words [][]int64, requireAll bool) {
	t.Helper()
	next := 0
	for _, f := range m.Funcs {
		nout := 0
		for _, b := range f.Params {
			if b.Kind == ir.Out {
				nout++
			}
		}
		ref, ok, err := reference(f)
		switch {
		case err != nil:
			t.Errorf("%s: reference: %v", f.Name, err)
		case !ok && requireAll:
			t.Errorf("%s: example kernel without a reference kernel in package runtime", f.Name)
		case ok:
			if err := sameWords(ref, words[next:next+nout]); err != nil {
				t.Errorf("%s: reference kernel and interpreter differ: %v", f.Name, err)
			}
		}
		next += nout
	}
}
