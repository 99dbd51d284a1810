package passes

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

func noop(*ir.Func, Options, *diag.List) error { return nil }

// Test-only passes that misbehave in each way the manager must survive.
var (
	boomPass = &Pass{Name: "boom", Summary: "panics", Run: func(f *ir.Func, _ Options, _ *diag.List) error {
		var ops []*ir.Op
		_ = ops[len(f.Params)+5] // an index out of range, as a real bug would
		return nil
	}}
	breakPass = &Pass{Name: "break", Summary: "leaves invalid IR", Run: func(f *ir.Func, _ Options, _ *diag.List) error {
		f.Body.Ops = append(f.Body.Ops, &ir.Op{Code: ir.OpYield})
		return nil
	}}
	failPass = &Pass{Name: "fail", Summary: "returns an error", Run: func(*ir.Func, Options, *diag.List) error {
		return errors.New("cannot cope")
	}}
	diagPass = &Pass{Name: "diagnose", Summary: "reports a user error", Kind: Analysis, Run: func(f *ir.Func, _ Options, d *diag.List) error {
		d.Errorf(diag.SpanOf(f.Pos, 6), "kernel %s may overflow", f.Name)
		return nil
	}}
	badOptPass = &Pass{Name: "badopt", Summary: "reads an undeclared option", Run: func(_ *ir.Func, o Options, _ *diag.List) error {
		_ = o.Int("nope")
		return nil
	}}
)

func testModule() *ir.Module {
	second := prefixSum()
	second.Name = "k2"
	return &ir.Module{Name: "k.q35", Funcs: []*ir.Func{scale1D(10, 0, 1), second}}
}

func runPipe(t *testing.T, text string, opts ...RunOption) (*ir.Module, *diag.List, error) {
	t.Helper()
	p, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	m, d := testModule(), &diag.List{}
	return m, d, p.Run(m, d, opts...)
}

// A panic in a pass is an internal error naming the pass, the kernel and
// its source position, and the Go line that panicked.
func TestPanicIsReported(t *testing.T) {
	register(t, boomPass)
	_, _, err := runPipe(t, "canonicalize,boom")
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *InternalError", err)
	}
	re := `^pass boom on func @k \(k\.q35:1:1\): panic: runtime error: index out of range \[7\] with length 0 \(in passes\.init\.func\d+ at manager_test\.go:\d+\)$`
	if !regexp.MustCompile(re).MatchString(err.Error()) {
		t.Errorf("message %q does not match %s", err, re)
	}
}

func TestInternalErrors(t *testing.T) {
	register(t, breakPass, failPass, badOptPass)
	for _, tc := range []struct{ pipe, want string }{
		{"tile,break", "pass break: produced invalid IR:\nir: func @k: op yield: yield may only be the last op of a loop body"},
		{"fail", "pass fail on func @k (k.q35:1:1): cannot cope"},
		{"badopt", `pass badopt on func @k (k.q35:1:1): panic: passes: badopt option "nope" of type int is not declared in the pass table`},
	} {
		_, _, err := runPipe(t, tc.pipe)
		var ie *InternalError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s...", tc.pipe, err, tc.want)
		}
	}
	if _, _, err := runPipe(t, "break", VerifyEach(false)); err != nil {
		t.Errorf("with VerifyEach(false) the broken IR should pass: %v", err)
	}
}

// A pass that reports errors stops the pipeline with ErrDiagnosed.
func TestDiagnosticsStopThePipeline(t *testing.T) {
	m := testModule()
	m.Funcs = append(m.Funcs, m.Funcs[0])
	p, _ := Parse("canonicalize")
	var ie *InternalError
	if err := p.Run(m, nil); !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "before the first pass: the IR given to the pipeline is invalid:\nir: func @k: defined twice") {
		t.Errorf("invalid input: got %v", err)
	}

	register(t, diagPass, breakPass)
	_, d, err := runPipe(t, "diagnose,break")
	if !errors.Is(err, ErrDiagnosed) {
		t.Fatalf("got %v, want ErrDiagnosed", err)
	}
	var b bytes.Buffer
	d.Render(&b)
	if !strings.Contains(b.String(), "k.q35:1:1: error: kernel k2 may overflow") || d.ErrorCount() != 2 {
		t.Errorf("diagnostics:\n%s", b.String())
	}
}

func TestPrintIRAfter(t *testing.T) {
	var all, one bytes.Buffer
	m, _, err := runPipe(t, "canonicalize,tile{size=4},canonicalize", PrintIRAfter("all", &all))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(all.String(), "// -----// IR Dump After "); n != 3 {
		t.Errorf("all: %d dumps, want 3:\n%s", n, all.String())
	}
	if !strings.HasSuffix(all.String(), m.String()+"\n") {
		t.Errorf("the last dump is not the final IR:\n%s", all.String())
	}
	if _, _, err := runPipe(t, "canonicalize,tile{size=4},canonicalize", PrintIRAfter("tile", &one)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(one.String(), "// -----// IR Dump After tile{size=4} //----- //\n// q35c IR for") || strings.Count(one.String(), "IR Dump") != 1 {
		t.Errorf("tile:\n%s", one.String())
	}
	_, _, err = runPipe(t, "tile", PrintIRAfter("tyle", &one))
	want := fmt.Sprintf(`print-ir-after: unknown pass "tyle" (passes: %s; or all)`, passNames())
	var ue *UsageError
	if !errors.As(err, &ue) || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestTimePasses(t *testing.T) {
	var b bytes.Buffer
	if _, _, err := runPipe(t, "canonicalize,tile{size=4}", TimePasses(&b)); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^===-- q35c pass timing \(wall clock\) --===
   time \(ms\)   share  pass
 +\d+\.\d{3} +\d+\.\d%  canonicalize
 +\d+\.\d{3} +\d+\.\d%  tile\{size=4\}
 +\d+\.\d{3} +\d+\.\d%  \(verifier, all runs\)
 +\d+\.\d{3}  100\.0%  total
$`)
	if !re.MatchString(b.String()) {
		t.Errorf("timing table:\n%s", b.String())
	}
}
