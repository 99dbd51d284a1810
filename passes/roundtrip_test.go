package passes_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// The round trip of issue 7 §1: the output of every pass, printed and
// re-parsed by ir.ParseModule, is the in-memory IR. After each step of
// each pipeline below, on every example and test kernel, the printed IR
// parses, verifies and prints back byte for byte; the parsed module, run
// by the interpreter, writes what the in-memory one writes; and the next
// step, run on the parsed module too, prints what it prints on the
// in-memory one, so nothing a pass reads (names, constants, markers) is
// lost in the text.

// roundTripPipelines are every pass alone with its defaults, the target
// presets and a few mixed pipelines.
func roundTripPipelines(t *testing.T) []string {
	var pipes []string
	for _, p := range passes.Passes() {
		pipes = append(pipes, p.Name)
	}
	for _, target := range []string{"cpu", "lpu"} {
		text, err := passes.TargetPipeline(target)
		if err != nil {
			t.Fatal(err)
		}
		pipes = append(pipes, text)
	}
	return append(pipes,
		"canonicalize,tile{size=8},canonicalize,vectorize{width=4},parallelize",
		"unpack{mode=lut},canonicalize,dot{rows=4 groups=2}",
		"fuse,unpack,canonicalize,tile{sizes=4,8},vectorize{width=2}",
		"systolic{rows=8 cols=4 dataflow=os},canonicalize,dot{groups=1},parallelize",
	)
}

// roundTripFiles are the kernels the round trip compiles.
func roundTripFiles(t *testing.T) []string {
	var files []string
	for _, pat := range []string{"../examples/*.q35", "../testdata/kernels/*.q35", "../testdata/dot/accept.q35", "../testdata/passes/*.q35"} {
		fs, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d kernel files", len(files))
	}
	return files
}

// roundTripSeen counts the printed texts that hold each construct, so the
// test can tell that it round-tripped all of them.
var roundTripSeen = map[string]int{}

var roundTripConstructs = []string{" parallel {", " vector ", " dot {", " step ", " iter(", "min(",
	"load.byte ", "  table %", " floordiv ", " mod ", " = select ", " = cmp ", " = cast ", " : i4", " : f16", " : f32"}

func TestRoundTripAfterEveryPass(t *testing.T) {
	pipes := roundTripPipelines(t)
	for _, path := range roundTripFiles(t) {
		// -short keeps the examples but llama70b (the race run).
		if testing.Short() && (strings.Contains(path, "testdata/") || strings.Contains(path, "llama70b")) {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The interpreter runs the small kernels: the examples but
		// llama70b's 8192x8192 layers, and the test kernels.
		dir := filepath.Base(filepath.Dir(path))
		exec := dir == "kernels" || dir == "examples" && filepath.Base(path) != "llama70b.q35"
		for _, text := range pipes {
			t.Run(filepath.Base(path)+"/"+text, func(t *testing.T) {
				roundTripPipeline(t, path, src, text, exec)
			})
		}
	}
	for _, c := range roundTripConstructs {
		if roundTripSeen[c] == 0 && !testing.Short() {
			t.Errorf("no printed IR held %q", c)
		}
	}
}

// roundTripPipeline runs the pipeline text step by step on the kernels
// of src and on their re-parsed copies, checking the round trip before
// the first step and after each one.
func roundTripPipeline(t *testing.T, path string, src []byte, text string, exec bool) {
	_, m, d := frontend.Compile(filepath.Base(path), src)
	if m == nil {
		t.Fatalf("does not compile: %v", d.Err())
	}
	pipe, err := passes.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	parsed := checkRoundTrip(t, "the frontend", m, exec)
	for _, st := range pipe.Steps {
		one := &passes.Pipeline{Steps: []passes.Step{st}}
		err := one.Run(m, &diag.List{})
		if errors.Is(err, passes.ErrDiagnosed) {
			t.Logf("%s reported errors; the pipeline stops there", st)
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		// ParseModule verified the parsed module, and the text it came
		// from is m's, which Run has just verified.
		if err := one.Run(parsed, &diag.List{}, passes.VerifyEach(false)); err != nil {
			t.Fatalf("%s on the parsed IR: %v", st, err)
		}
		if got, want := parsed.String(), m.String(); got != want {
			t.Fatalf("%s gives different IR on the parsed module:\n%s\nwant:\n%s", st, got, want)
		}
		parsed = checkRoundTrip(t, st.String(), m, exec)
	}
}

// checkRoundTrip prints m, parses it, and wants it to verify, print back
// identically and (when exec) compute what m computes. It returns the
// parsed module.
func checkRoundTrip(t *testing.T, after string, m *ir.Module, exec bool) *ir.Module {
	t.Helper()
	text := m.String()
	for _, c := range roundTripConstructs {
		if strings.Contains(text, c) {
			roundTripSeen[c]++
		}
	}
	// ParseModule fails unless the parsed module passes ir.Verify.
	p, err := ir.ParseModule("after.ir", []byte(text))
	if err != nil {
		t.Fatalf("after %s: the printed IR does not parse and verify: %v\n%s", after, err, text)
	}
	if got := p.String(); got != text {
		t.Fatalf("after %s: the parsed IR prints as\n%s\nwant:\n%s", after, got, text)
	}
	if exec {
		for i, f := range m.Funcs {
			want, werr := ir.ExecGenerated(f)
			got, gerr := ir.ExecGenerated(p.Funcs[i])
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("after %s: @%s of the parsed IR computes something else (errors %v / %v)", after, f.Name, gerr, werr)
			}
		}
	}
	return p
}

// TestRoundTripPipelinesParse keeps the pipeline list honest: each one
// parses and every pass of the table is among them alone.
func TestRoundTripPipelinesParse(t *testing.T) {
	pipes := strings.Join(roundTripPipelines(t), "\n")
	for _, p := range passes.Passes() {
		if !strings.Contains("\n"+pipes+"\n", "\n"+p.Name+"\n") {
			t.Errorf("pass %s is not run alone", p.Name)
		}
	}
	for _, text := range roundTripPipelines(t) {
		if _, err := passes.Parse(text); err != nil {
			t.Errorf("%s: %v", text, err)
		}
	}
}
