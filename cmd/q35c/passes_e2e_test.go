package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// testPipelines are the pipelines every example and test kernel goes
// through; "target cpu" is the preset.
var testPipelines = []string{"tile{size=64}", "tile{sizes=2,3}", "tile{size=4}", "tile{size=320}", "canonicalize", "target cpu", "target lpu",
	"systolic{rows=8 cols=8}", "systolic{rows=16 cols=8 dataflow=os}", "systolic",
	"fuse", "fuse,canonicalize,tile{size=64},canonicalize,parallelize",
	"vectorize", "vectorize{width=4}", "vectorize{width=16}", "tile{size=64},vectorize,parallelize", "systolic,vectorize",
	"unpack{mode=shift}", "unpack{mode=lut}", "unpack{mode=lut},canonicalize,tile{size=64},canonicalize,parallelize",
	"canonicalize,dot{rows=4 groups=2},parallelize", "unpack{mode=shift},canonicalize,dot"}

// transformed compiles src and applies pipe (a pipeline or "target NAME").
func transformed(t *testing.T, src, pipe string) *ir.Module {
	t.Helper()
	text := pipe
	if name, ok := strings.CutPrefix(pipe, "target "); ok {
		var err error
		if text, err = passes.TargetPipeline(name); err != nil {
			t.Fatal(err)
		}
	}
	p, err := passes.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	m := compileForTest(t, src)
	if err := p.Run(m, nil); err != nil {
		t.Fatalf("%s: %v", pipe, err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("%s: the transformed IR does not verify: %v", pipe, err)
	}
	return m
}

func isHuge(src string) bool { return filepath.Base(src) == "llama70b.q35" }

func skipHuge(t *testing.T, src string) {
	if testing.Short() && isHuge(src) {
		t.Skip("SKIP in -short mode: the 8192x8192 LLaMA layers take minutes in the interpreter")
	}
}

// pipelinesFor returns the pipelines to test on src: all of them, except
// for the huge LLaMA layers only the cpu preset (which tiles by 64 and
// canonicalizes), as every interpreter run of them takes minutes.
func pipelinesFor(src string) []string {
	if isHuge(src) {
		return []string{"target cpu"}
	}
	return testPipelines
}

// originals caches the interpreter's words for each source's untransformed
// IR, which several tests compare with.
var originals struct {
	sync.Mutex
	words map[string]*originalRun
}

type originalRun struct {
	once  sync.Once
	words [][]int64
}

func originalWords(t *testing.T, src string) [][]int64 {
	t.Helper()
	originals.Lock()
	if originals.words == nil {
		originals.words = map[string]*originalRun{}
	}
	r := originals.words[src]
	if r == nil {
		r = &originalRun{}
		originals.words[src] = r
	}
	originals.Unlock()
	r.once.Do(func() { r.words = interpret(t, compileForTest(t, src)) })
	if r.words == nil {
		t.Fatal("the original IR could not be interpreted")
	}
	return r.words
}

// Every pipeline keeps every output bit of every kernel, in the
// interpreter: the transformed IR runs on the harness's inputs exactly as
// the IR straight from the frontend. The LLaMA layers are left to the
// native and MLIR tests, which compare the cpu preset's output with the
// interpreter's on the original IR (interpreting them again would take
// minutes more).
func TestPipelinesPreserveInterpreterResults(t *testing.T) {
	for _, src := range passSources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			if isHuge(src) {
				t.Skip("the LLaMA layers are checked natively against the original IR's interpreter run (TestLLVMRoadMatchesInterpreter, TestLLaMANativeRoads, TestPipelinesMLIRMatchesInterpreter)")
			}
			want := originalWords(t, src)
			for _, pipe := range pipelinesFor(src) {
				if err := sameWords(want, interpret(t, transformed(t, src, pipe))); err != nil {
					t.Errorf("%s: transformed IR differs from the original: %v", pipe, err)
				}
			}
		})
	}
}

// The MLIR of the transformed IR passes mlir-opt 19, lowers to LLVM and
// runs in mlir-cpu-runner with output bit-identical to the interpreter on
// the original IR; the cpu preset's output also after the seed's
// mlir-opt tile + vectorize step.
func TestPipelinesMLIRMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner")
	for _, src := range passSources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			skipHuge(t, src)
			t.Parallel()
			want := originalWords(t, src)
			pipes := pipelinesFor(src)
			if isHuge(src) { // the real 8192-wide layers on the 320x320 array: cheap in MLIR, minutes in the interpreter
				pipes = append(pipes, "target lpu")
			}
			for _, pipe := range pipes {
				text := harnessMLIR(t, transformed(t, src, pipe))
				if err := sameWords(want, runMLIR(t, text, nil)); err != nil {
					t.Errorf("%s: %v", pipe, err)
				}
				if pipe != "target cpu" {
					continue
				}
				if err := sameWords(want, runMLIR(t, text, seedPipeline)); err != nil {
					t.Errorf("%s, then mlir-opt's tile + vectorize: %v", pipe, err)
				}
			}
		})
	}
}

// Our tile output and mlir-opt's own --affine-loop-tile on our untiled
// output compute identical results, tile size for tile size.
func TestTileMatchesMLIROptTiling(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner")
	for _, src := range passSources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			skipHuge(t, src)
			t.Parallel()
			plain := harnessMLIR(t, compileForTest(t, src))
			sizes := []string{"4", "64"}
			if isHuge(src) {
				sizes = sizes[1:]
			}
			for _, size := range sizes {
				theirs := runMLIR(t, plain, []string{"--affine-loop-tile=tile-size=" + size})
				ours := runMLIR(t, harnessMLIR(t, transformed(t, src, "tile{size="+size+"}")), nil)
				if err := sameWords(theirs, ours); err != nil {
					t.Errorf("size %s: q35c's tile and mlir-opt's differ: %v", size, err)
				}
			}
		})
	}
}

func harnessMLIR(t *testing.T, m *ir.Module) []byte {
	t.Helper()
	var text bytes.Buffer
	if err := emit.MLIR(&text, m, emit.Options{Harness: true}); err != nil {
		t.Fatal(err)
	}
	return text.Bytes()
}
