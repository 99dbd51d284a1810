package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/lpusim"
	"github.com/q35c/q35c/passes"
)

// The differential test: random kernels (gen_test.go) run through every
// executor of q35c — the interpreter on the IR straight from the
// frontend (and on the IR of the file after q35c fmt, which must be the
// same), the interpreter after a random pipeline (whose every pass's
// output must print, parse back and print the same), MLIR through mlir-opt
// and mlir-cpu-runner, native code from our LLVM IR, lpusim running the
// LPU program, and the runtime's reference kernels where one exists —
// must agree bit for bit. A disagreement names the seed, the pipeline, the
// kernel and the first differing words, and is saved under
// testdata/difftest/ (TestDifferentialRegressions replays every file
// there). CI runs 200 kernels; a long run:
//
//	go test ./cmd/q35c -run 'TestDifferential$' -difftest.cases 5000 -timeout 0
var (
	diffCases = flag.Int("difftest.cases", 200, "random kernels TestDifferential runs (40 with -short)")
	diffSeed  = flag.Uint64("difftest.seed", 1, "first seed of TestDifferential; each file of difftest.per kernels takes the next")
	diffPer   = flag.Int("difftest.per", 10, "kernels per generated file (one MLIR and one LLVM build per file)")
)

const diffDir = "testdata/difftest"

func TestDifferential(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner", "clang", "llvm-ar")
	cases := *diffCases
	if testing.Short() && !flagSet("difftest.cases") {
		cases = 40
	}
	per := max(1, *diffPer)
	for f := 0; f*per < cases; f++ {
		seed := *diffSeed + uint64(f)
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			src := genFile(t, seed, min(per, cases-f*per))
			pipe := randomPipeline(rand.New(rand.NewPCG(seed, 7)))
			if err := differential(t, fmt.Sprintf("seed%d.q35", seed), src, pipe); err != nil {
				path := filepath.Join(diffDir, fmt.Sprintf("seed%d.q35", seed))
				save := fmt.Sprintf("// pipeline: %s\n%s", pipe, src)
				if werr := os.WriteFile(path, []byte(save), 0o644); werr != nil {
					path = "(not saved: " + werr.Error() + ")"
				}
				t.Errorf("seed %d, pipeline %q: %v\n%s\nsaved as %s; rerun: go test ./cmd/q35c -run 'TestDifferential$/seed%d$' -difftest.seed %d",
					seed, pipe, err, kernelsNamed(src, err.Error()), path, seed, *diffSeed)
			}
		})
	}
}

// TestDifferentialRegressions replays every saved disagreement (and the
// hand-picked kernels) in testdata/difftest with the pipeline its first
// line names.
func TestDifferentialRegressions(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner", "clang", "llvm-ar")
	files, _ := filepath.Glob(filepath.Join(diffDir, "*.q35"))
	if len(files) == 0 {
		t.Fatalf("no regression files in %s", diffDir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m := pipelineRE.FindSubmatch(src)
			if m == nil {
				t.Fatalf("%s: the first line must be `// pipeline: PIPELINE`", path)
			}
			if err := differential(t, filepath.Base(path), string(src), string(m[1])); err != nil {
				t.Errorf("%s (pipeline %q): %v", path, m[1], err)
			}
		})
	}
}

var pipelineRE = regexp.MustCompile(`^// pipeline: (.*)\n`)

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// differential runs the kernels of src through every executor and returns
// the first disagreement with the interpreter on the untransformed IR.
func differential(t *testing.T, name, src, pipe string) error {
	t.Helper()
	compile := func() *ir.Module {
		_, m, d := frontend.Compile(name, []byte(src))
		if d.HasErrors() {
			t.Fatalf("the generator wrote an invalid kernel: %v\n%s", d.Err(), numberLines(src))
		}
		return m
	}
	ref := compile()
	want := interpret(t, ref)
	var errs []error
	// q35c fmt: the formatted file compiles to the same IR, and
	// formatting it again changes nothing.
	if formatted, err := frontend.Format(name, []byte(src)); err != nil {
		errs = append(errs, fmt.Errorf("q35c fmt: %v", err))
	} else {
		_, fm, d := frontend.Compile(name, formatted)
		again, err := frontend.Format(name, formatted)
		switch {
		case d.HasErrors():
			errs = append(errs, fmt.Errorf("q35c fmt's output does not compile: %v", d.Err()))
		case fm.String() != ref.String():
			errs = append(errs, errors.New("q35c fmt's output compiles to different IR"))
		case err != nil || string(again) != string(formatted):
			errs = append(errs, fmt.Errorf("q35c fmt is not idempotent (%v)", err))
		}
	}
	fail := func(executor string, got [][]int64) {
		if err := diffWords(ref, want, got); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", executor, err))
		}
	}
	// The pipeline, in the interpreter and both native roads.
	p, err := passes.Parse(pipe)
	if err != nil {
		t.Fatalf("pipeline %q: %v", pipe, err)
	}
	m := compile()
	for _, st := range p.Steps {
		// Step by step, so that each pass's output is re-parsed from its
		// printed text, which must print back the same.
		if err := (&passes.Pipeline{Steps: []passes.Step{st}}).Run(m, nil); err != nil {
			return fmt.Errorf("pipeline %q, pass %s: %v", pipe, st, err)
		}
		text := m.String()
		parsed, err := ir.ParseModule(name, []byte(text))
		switch {
		case err != nil:
			return fmt.Errorf("pipeline %q: the IR after %s does not parse back: %v", pipe, st, err)
		case parsed.String() != text:
			return fmt.Errorf("pipeline %q: the IR after %s parses back to different IR", pipe, st)
		}
	}
	if err := ir.Verify(m); err != nil {
		return fmt.Errorf("pipeline %q gives IR that does not verify: %v", pipe, err)
	}
	fail("the interpreter after "+pipe, interpret(t, m))
	fail("MLIR (mlir-opt, mlir-cpu-runner)", runMLIR(t, harnessMLIR(t, m), nil))
	for _, feat := range featuresFor(t, m) {
		fail(fmt.Sprintf("native code from our LLVM IR (%s)", feat), runLLVMNative(t, m, feat))
	}
	// The LPU program, for each dataflow.
	for _, dataflow := range []string{"ws", "os"} {
		got, err := simulateAll(compile(), dataflow)
		if err != nil {
			return fmt.Errorf("lpusim (%s): %v", dataflow, err)
		}
		fail("lpusim ("+dataflow+")", got)
	}
	// The runtime's reference kernels.
	next := 0
	for _, f := range ref.Funcs {
		words, ok, err := reference(f)
		nout := outputs(f)
		if err != nil {
			return fmt.Errorf("reference of %s: %v", f.Name, err)
		}
		if ok {
			if err := sameWords(want[next:next+nout], words); err != nil {
				errs = append(errs, fmt.Errorf("the runtime's reference kernel for %s: %v", f.Name, err))
			}
		}
		next += nout
	}
	return errors.Join(errs...)
}

// simulateAll lowers every kernel of m with the lpu target's pipeline and
// runs it on lpusim, returning the output words in harness order.
func simulateAll(m *ir.Module, dataflow string) ([][]int64, error) {
	chip := ir.DefaultLPU()
	p, err := passes.Parse(passes.LPUPipeline(chip, dataflow))
	if err != nil {
		return nil, err
	}
	if err := p.Run(m, nil); err != nil {
		return nil, err
	}
	var words [][]int64
	for _, f := range m.Funcs {
		prog, err := passes.LowerLPU(f, chip, dataflow)
		if err != nil {
			return nil, err
		}
		mem := ir.GeneratedMemory(f)
		if err := lpusim.Run(prog, mem); err != nil {
			return nil, err
		}
		for i, b := range f.Params {
			if b.Kind == ir.Out {
				words = append(words, ir.OutputWords(b, mem[i]))
			}
		}
	}
	return words, nil
}

func outputs(f *ir.Func) int {
	n := 0
	for _, b := range f.Params {
		if b.Kind == ir.Out {
			n++
		}
	}
	return n
}

// diffWords compares got with want, output by output, and names the
// kernel, the output, the first differing word and how many differ.
func diffWords(m *ir.Module, want, got [][]int64) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d outputs, want %d", len(got), len(want))
	}
	next := 0
	for _, f := range m.Funcs {
		for _, b := range f.Params {
			if b.Kind != ir.Out {
				continue
			}
			w, g := want[next], got[next]
			next++
			if len(w) != len(g) {
				return fmt.Errorf("kernel %s, %%%s: %d words, want %d", f.Name, b.Name, len(g), len(w))
			}
			first, n := -1, 0
			for i := range w {
				if w[i] != g[i] {
					n++
					if first < 0 {
						first = i
					}
				}
			}
			if n > 0 {
				return fmt.Errorf("kernel %s, %%%s: %d of %d words differ, the first at element %d: %#x, want %#x",
					f.Name, b.Name, n, len(w), first, g[first], w[first])
			}
		}
	}
	return nil
}

// randomPipeline draws one to four passes from the table (or a preset)
// with random options, retrying options the pass refuses.
func randomPipeline(r *rand.Rand) string {
	if r.IntN(5) == 0 {
		text, _ := passes.TargetPipeline([]string{"cpu", "lpu"}[r.IntN(2)])
		return text
	}
	all := passes.Passes()
	var steps []string
	for n := 1 + r.IntN(4); len(steps) < n; {
		ps := all[r.IntN(len(all))]
		var opts []string
		for _, o := range ps.Options {
			if r.IntN(2) == 0 {
				continue
			}
			switch o.Type {
			case passes.IntOption:
				opts = append(opts, fmt.Sprintf("%s=%d", o.Name, pick(r, 1, 2, 3, 4, 5, 8, 16, 64, 320)))
			case passes.IntListOption:
				opts = append(opts, fmt.Sprintf("%s=%d,%d", o.Name, pick(r, 1, 2, 7, 64), pick(r, 1, 3, 8)))
			case passes.EnumOption:
				opts = append(opts, fmt.Sprintf("%s=%s", o.Name, o.Choices[r.IntN(len(o.Choices))]))
			}
		}
		step := ps.Name
		if len(opts) > 0 {
			step += "{" + strings.Join(opts, " ") + "}"
		}
		if _, err := passes.Parse(step); err != nil {
			continue // an option value the pass refuses: draw again
		}
		steps = append(steps, step)
	}
	return strings.Join(steps, ",")
}

// numberLines prefixes each line of src with its number.
func numberLines(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(src, "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// A disagreement is reported with the kernel, the output, the first
// differing element and the count; equal words are not.
func TestDiffWordsReports(t *testing.T) {
	_, m, d := frontend.Compile("k.q35", []byte("kernel k(A: in i32[3], B: out i32[3], C: out i32[2]) {\n  for i in 0..3 {\n    B[i] = A[i]\n  }\n  for j in 0..2 {\n    C[j] = A[j]\n  }\n}\n"))
	if d.HasErrors() {
		t.Fatal(d.Err())
	}
	want := [][]int64{{1, 2, 3}, {4, 5}}
	if err := diffWords(m, want, [][]int64{{1, 2, 3}, {4, 5}}); err != nil {
		t.Errorf("equal words: %v", err)
	}
	err := diffWords(m, want, [][]int64{{1, 2, 3}, {4, 6}})
	if err == nil || err.Error() != "kernel k, %C: 1 of 2 words differ, the first at element 1: 0x6, want 0x5" {
		t.Errorf("err = %v", err)
	}
	if err := diffWords(m, want, want[:1]); err == nil {
		t.Error("a missing output went unnoticed")
	}
}

// The generator is deterministic: the same seed gives the same text, and
// another seed another.
func TestGeneratorDeterministic(t *testing.T) {
	a, b, c := genFile(t, 42, 5), genFile(t, 42, 5), genFile(t, 43, 5)
	if a != b || a == c {
		t.Error("genFile is not a function of its seed")
	}
	if randomPipeline(rand.New(rand.NewPCG(5, 7))) != randomPipeline(rand.New(rand.NewPCG(5, 7))) {
		t.Error("randomPipeline is not a function of its seed")
	}
}

var kernelNameRE = regexp.MustCompile(`kernel (\w+)`)

// kernelsNamed returns the source of every kernel of src that msg names
// ("kernel NAME"), or all of src when it names none.
func kernelsNamed(src, msg string) string {
	var b strings.Builder
	for _, m := range kernelNameRE.FindAllStringSubmatch(msg, -1) {
		i := strings.Index(src, "kernel "+m[1]+"(")
		if i < 0 || strings.Contains(b.String(), "kernel "+m[1]+"(") {
			continue
		}
		end := strings.Index(src[i+1:], "\nkernel ")
		if end < 0 {
			b.WriteString(src[i:])
		} else {
			b.WriteString(src[i : i+1+end+1])
		}
	}
	if b.Len() == 0 {
		return src
	}
	return b.String()
}

// A failure shows the kernels it names, not the whole generated file.
func TestKernelsNamed(t *testing.T) {
	src := "// x\n\nkernel a(A: in i8[1]) {\n}\n\nkernel b(B: in i8[1]) {\n}\n"
	if got := kernelsNamed(src, "kernel b, %C: 1 of 2 words differ"); got != "kernel b(B: in i8[1]) {\n}\n" {
		t.Errorf("got %q", got)
	}
	if got := kernelsNamed(src, "kernel a, %C: …; kernel a again"); got != "kernel a(A: in i8[1]) {\n}\n\n" {
		t.Errorf("got %q", got)
	}
	if got := kernelsNamed(src, "no kernel named"); got != src {
		t.Errorf("got %q", got)
	}
}
