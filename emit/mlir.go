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

// emitFunc writes one kernel as a func.func.
func emitFunc(buf *bytes.Buffer, f *ir.Func, opts Options) error {
	if !isBareID(f.Name) {
		return fmt.Errorf("%s: emit: function name %q is not an MLIR identifier", f.Pos, f.Name)
	}
	e := newEmitter(buf)
	if opts.VectorWidth > 0 {
		e.width = int64(opts.VectorWidth)
	}
	if len(f.Params) > 0 {
		e.guardBuf = f.Params[0]
	}
	params, err := e.params(f)
	if err != nil {
		return err
	}
	if err := e.globals(f); err != nil {
		return err
	}
	fmt.Fprintf(buf, "func.func @%s(%s) {\n", f.Name, strings.Join(params, ", "))
	e.getGlobals(f)
	e.block(f.Body)
	e.line(f.Pos, "func.return")
	fmt.Fprintf(buf, "}%s\n", loc(f.Pos))
	return e.err
}

// params spells the function's arguments and reserves their names.
func (e *emitter) params(f *ir.Func) ([]string, error) {
	var params []string
	seen := map[string]bool{}
	for _, b := range f.Params {
		if !isSuffixID(b.Name) || seen[b.Name] {
			return nil, fmt.Errorf("%s: emit: buffer name %q is not a unique MLIR identifier", b.Pos, b.Name)
		}
		seen[b.Name] = true
		t, err := memRefType(b)
		if err != nil {
			return nil, err
		}
		e.n.Reserve("%" + b.Name)
		params = append(params, fmt.Sprintf("%%%s: %s%s", b.Name, t, loc(b.Pos)))
	}
	return params, nil
}
