package passes

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// RunOption configures Pipeline.Run.
type RunOption func(*runConfig)

type runConfig struct {
	verifyEach bool
	printAfter string    // a pass name, "all" or ""
	irOut      io.Writer // where PrintIRAfter writes
	timeOut    io.Writer // where the TimePasses table goes; nil: no timing
}

// VerifyEach sets whether ir.Verify runs on the input and after every
// transform (on by default). A failure is an internal error naming the pass.
func VerifyEach(on bool) RunOption { return func(c *runConfig) { c.verifyEach = on } }

// PrintIRAfter writes the module's IR to w after every run of the pass
// called name, or after every pass when name is "all".
func PrintIRAfter(name string, w io.Writer) RunOption {
	return func(c *runConfig) { c.printAfter, c.irOut = name, w }
}

// TimePasses writes a table of the wall time of each step, and of the
// verifier, to w when the pipeline ends (also when it fails).
func TimePasses(w io.Writer) RunOption { return func(c *runConfig) { c.timeOut = w } }

// InternalError is a failure of q35c itself inside a pipeline: a pass that
// panicked or returned an error, or invalid IR after a pass.
type InternalError struct {
	Pass string   // the step, as in "tile{size=64}"; "" before the first pass
	Func string   // the kernel being transformed, or "" for the whole module
	Pos  diag.Pos // the kernel's source position, when known
	Msg  string
}

// Error says which pass failed on which kernel, where, and how.
func (e *InternalError) Error() string {
	where := "pass " + e.Pass
	if e.Pass == "" {
		where = "before the first pass"
	}
	if e.Func != "" {
		where += " on func @" + e.Func
		if e.Pos.IsKnown() {
			where += " (" + e.Pos.String() + ")"
		}
	}
	return where + ": " + e.Msg
}

// ErrDiagnosed is returned by Run when a pass reported errors about the
// user's program into the diagnostic list; the list says what they are.
var ErrDiagnosed = errors.New("passes: a pass reported errors")

// Run applies the pipeline to m, pass by pass, each pass to every function
// in order. Diagnostics from the passes go to d (which may be nil). It
// returns a *UsageError for a bad option, an *InternalError when a pass
// fails, or ErrDiagnosed when a pass reported errors; m is then in the
// state that pass left it in.
func (p *Pipeline) Run(m *ir.Module, d *diag.List, opts ...RunOption) error {
	cfg := runConfig{verifyEach: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.printAfter != "" && cfg.printAfter != "all" && Lookup(cfg.printAfter) == nil {
		return &UsageError{Msg: fmt.Sprintf("print-ir-after: unknown pass %q (passes: %s; or all)", cfg.printAfter, passNames())}
	}
	if d == nil {
		d = &diag.List{}
	}
	t := &timer{}
	if cfg.timeOut != nil {
		defer t.print(cfg.timeOut)
	}
	if cfg.verifyEach {
		if err := t.verifyModule(m); err != nil {
			return &InternalError{Msg: "the IR given to the pipeline is invalid:\n" + err.Error()}
		}
	}
	for _, st := range p.Steps {
		if err := runStep(st, m, d, &cfg, t); err != nil {
			return err
		}
	}
	return nil
}

// step runs one step on every function, then prints and verifies.
func runStep(st Step, m *ir.Module, d *diag.List, cfg *runConfig, t *timer) error {
	errs := d.ErrorCount()
	start := time.Now()
	for _, f := range m.Funcs {
		if err := runOnFunc(st, f, d); err != nil {
			t.add(st.String(), time.Since(start))
			return err
		}
	}
	t.add(st.String(), time.Since(start))
	if d.ErrorCount() > errs {
		return ErrDiagnosed
	}
	if cfg.printAfter == "all" || cfg.printAfter == st.Pass.Name {
		printIR(cfg.irOut, st, m)
	}
	if cfg.verifyEach && st.Pass.Kind == Transform {
		if err := t.verifyModule(m); err != nil {
			return &InternalError{Pass: st.String(), Msg: "produced invalid IR:\n" + err.Error()}
		}
	}
	return nil
}

// runOnFunc runs st on f, turning a panic or an error into an InternalError.
func runOnFunc(st Step, f *ir.Func, d *diag.List) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &InternalError{Pass: st.String(), Func: f.Name, Pos: f.Pos,
				Msg: fmt.Sprintf("panic: %v%s", r, panicSite())}
		}
	}()
	if e := st.Pass.Run(f, st.Options, d); e != nil {
		return &InternalError{Pass: st.String(), Func: f.Name, Pos: f.Pos, Msg: e.Error()}
	}
	return nil
}

// panicSite names the Go function and line that panicked, for the
// developer reading the report: " (in passes.tileBand at tile.go:120)".
// It must be called from the deferred function that recovered.
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, "runtime.") {
			fn := fr.Function[strings.LastIndex(fr.Function, "/")+1:]
			return fmt.Sprintf(" (in %s at %s:%d)", fn, filepath.Base(fr.File), fr.Line)
		}
		if !more {
			return ""
		}
	}
}

// printIR writes m after st. Printing is protected: a pass may have left
// IR the printer cannot handle, which the verifier reports next.
func printIR(w io.Writer, st Step, m *ir.Module) {
	fmt.Fprintf(w, "// -----// IR Dump After %s //----- //\n", st)
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(w, "// (the IR cannot be printed: %v)\n", r)
		}
	}()
	ir.Print(w, m)
	fmt.Fprintln(w)
}
