package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// passOpts are compile's flags for the pass pipeline.
type passOpts struct {
	pipeline     string
	target       string
	verifyEach   bool
	printIRAfter string
	timePasses   bool
	remarks      bool
}

// pipelineFor returns the pipeline the flags name (--pipeline, a --target
// preset), or nil when no pass flag is given. Passes run on the IR, so
// they need an --emit level past ast.
func (o *passOpts) pipelineFor(emit string) (*passes.Pipeline, error) {
	if o.pipeline == "" && o.target == "" && o.printIRAfter == "" && !o.timePasses {
		return nil, nil
	}
	if emit == "ast" {
		return nil, fmt.Errorf("passes run on the IR: --pipeline, --target, --print-ir-after and --time-passes need --emit ir, mlir, llvm, header or lpu")
	}
	if name := o.printIRAfter; name != "" && name != "all" && passes.Lookup(name) == nil {
		var names []string
		for _, p := range passes.Passes() {
			names = append(names, p.Name)
		}
		return nil, fmt.Errorf("--print-ir-after: unknown pass %q (passes: %s; or all)", name, strings.Join(names, ", "))
	}
	text := o.pipeline
	if o.target != "" {
		if o.pipeline != "" {
			return nil, fmt.Errorf("give --pipeline or --target, not both")
		}
		var err error
		if text, err = passes.TargetPipeline(o.target); err != nil {
			return nil, err
		}
	}
	return passes.Parse(text)
}

// runPipeline runs p on m. Diagnostics go to stderr (remarks only with
// --remarks), as do --print-ir-after and --time-passes. A failing pass is
// an internal error.
func runPipeline(p *passes.Pipeline, m *ir.Module, o *passOpts, stderr io.Writer) error {
	var d diag.List
	opts := []passes.RunOption{passes.VerifyEach(o.verifyEach)}
	if o.printIRAfter != "" {
		opts = append(opts, passes.PrintIRAfter(o.printIRAfter, stderr))
	}
	if o.timePasses {
		opts = append(opts, passes.TimePasses(stderr))
	}
	err := p.Run(m, &d, opts...)
	if derr := reportDiags(stderr, shown(&d, o.remarks)); derr != nil && (err == nil || errors.Is(err, passes.ErrDiagnosed)) {
		return derr
	}
	var ie *passes.InternalError
	if errors.As(err, &ie) {
		return &internalError{msg: ie.Error()}
	}
	return err // nil or a *passes.UsageError
}

// shown returns the diagnostics to print: all but remarks, unless asked.
func shown(d *diag.List, remarks bool) *diag.List {
	out := &diag.List{}
	for _, x := range d.Diags {
		if x.Severity != diag.Remark || remarks {
			out.Add(x)
		}
	}
	return out
}

// passesHelp lists the passes and targets for compile --help.
func passesHelp() string {
	var b strings.Builder
	b.WriteString("Passes (--pipeline 'NAME{OPTION=VALUE ...},NAME,...'):\n")
	for _, p := range passes.Passes() {
		fmt.Fprintf(&b, "  %-13s %s\n", p.Name, p.Summary)
		for _, op := range p.Options {
			def := ""
			if op.Default != "" {
				def = ", default " + op.Default
			}
			fmt.Fprintf(&b, "      %s=%s%s: %s\n", op.Name, op.Type, def, op.Doc)
		}
	}
	b.WriteString("Targets (--target NAME):\n")
	for _, t := range passes.Targets() {
		what := t.Pipeline
		if t.Missing != "" {
			what = t.Missing
		}
		fmt.Fprintf(&b, "  %-13s %s\n", t.Name, what)
	}
	return b.String()
}

// text returns the pipeline the flags name, spelled out ("" for none).
func (o *passOpts) text() (string, error) {
	if o.target != "" && o.pipeline == "" {
		return passes.TargetPipeline(o.target)
	}
	return o.pipeline, nil
}
