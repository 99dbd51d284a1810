package emit

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/q35c/q35c/ir"
)

// Options configures MLIR.
type Options struct {
	// Harness appends a `func.func @main()` that runs every kernel on
	// deterministic inputs and prints its outputs (see ParseHarnessOutput).
	Harness bool

	// VectorWidth is the virtual vector size of the MLIR affine
	// super-vectorizer the output may be run through; loops it would
	// vectorize wrongly at that width carry a guard (see vecguard.go).
	// Zero means 8.
	VectorWidth int
}

// MLIR writes m as an MLIR module. The output is deterministic: the same
// module gives the same bytes.
func MLIR(w io.Writer, m *ir.Module, opts Options) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// MLIR emitted by q35c for %q\n", m.Name)
	for _, f := range m.Funcs {
		buf.WriteByte('\n')
		if err := emitFunc(&buf, f, opts); err != nil {
			return err
		}
	}
	if opts.Harness {
		if err := emitHarness(&buf, m); err != nil {
			return err
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// funcHooks let another output (LPU, lpu.go) add to a kernel's func.func;
// the zero value adds nothing.
type funcHooks struct {
	// paramAttrs, when set, gives an attribute dictionary ("{lpu.stream}")
	// or "" for parameter i.
	paramAttrs func(i int) string
	// attrs is the function's attribute dictionary ("{...}"), or "".
	attrs string
	// before, when set, writes ops before top-level op i of the body, and
	// with i = len(f.Body.Ops) before the return.
	before func(e *emitter, i int)
	// noGuards leaves out the vectorization guards (vecguard.go): the
	// output is not for mlir-opt's super-vectorizer.
	noGuards bool
}

// emitFunc writes one kernel as a func.func.
func emitFunc(buf *bytes.Buffer, f *ir.Func, opts Options) error {
	return emitFuncWith(buf, f, opts, funcHooks{})
}

// emitFuncWith writes one kernel as a func.func, with h's additions.
func emitFuncWith(buf *bytes.Buffer, f *ir.Func, opts Options, h funcHooks) error {
	if !isBareID(f.Name) {
		return fmt.Errorf("%s: emit: function name %q is not an MLIR identifier", f.Pos, f.Name)
	}
	e := newEmitter(buf)
	if opts.VectorWidth > 0 {
		e.width = int64(opts.VectorWidth)
	}
	if len(f.Params) > 0 && !h.noGuards {
		e.guardBuf = f.Params[0]
	}
	params, err := e.params(f, h.paramAttrs)
	if err != nil {
		return err
	}
	if err := e.globals(f); err != nil {
		return err
	}
	attrs := ""
	if h.attrs != "" {
		attrs = " attributes " + h.attrs
	}
	fmt.Fprintf(buf, "func.func @%s(%s)%s {\n", f.Name, strings.Join(params, ", "), attrs)
	e.getGlobals(f)
	if h.before == nil {
		e.block(f.Body)
	} else {
		for i, op := range f.Body.Ops {
			h.before(e, i)
			e.op(op)
		}
		h.before(e, len(f.Body.Ops))
	}
	e.line(f.Pos, "func.return")
	fmt.Fprintf(buf, "}%s\n", loc(f.Pos))
	return e.err
}

// params spells the function's arguments and reserves their names;
// attrs, when set, gives parameter i's attribute dictionary or "".
func (e *emitter) params(f *ir.Func, attrs func(i int) string) ([]string, error) {
	var params []string
	seen := map[string]bool{}
	for i, b := range f.Params {
		if !isSuffixID(b.Name) || seen[b.Name] {
			return nil, fmt.Errorf("%s: emit: buffer name %q is not a unique MLIR identifier", b.Pos, b.Name)
		}
		seen[b.Name] = true
		t, err := memRefType(b)
		if err != nil {
			return nil, err
		}
		if attrs != nil {
			if a := attrs(i); a != "" {
				t += " " + a
			}
		}
		e.n.Reserve("%" + b.Name)
		params = append(params, fmt.Sprintf("%%%s: %s%s", b.Name, t, loc(b.Pos)))
	}
	return params, nil
}
