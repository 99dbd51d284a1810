package emit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// harnessPrefix starts the names of the harness's helper functions.
const harnessPrefix = "q35c_"

// emitHarness appends `func.func @main()`, which runs every kernel of m in
// order: allocate its buffers, fill inputs (see fill.go) and zero outputs,
// call it, print each output buffer with printMemrefI64, free everything.
// Helpers are emitted once per storage type, before @main.
func emitHarness(buf *bytes.Buffer, m *ir.Module) error {
	var main bytes.Buffer
	h := &harness{helpers: map[string]bool{}}
	e := newEmitter(&main)
	for _, f := range m.Funcs {
		if err := checkHarnessName(f); err != nil {
			return err
		}
		if err := h.run(e, f); err != nil {
			return err
		}
	}
	if err := errors.Join(e.err, h.err); err != nil {
		return err
	}
	buf.WriteString("\nfunc.func private @printMemrefI64(memref<*xi64>)\n")
	buf.Write(h.defs.Bytes())
	fmt.Fprintf(buf, "\nfunc.func @main() {\n%s  func.return\n}\n", main.Bytes())
	return nil
}

func checkHarnessName(f *ir.Func) error {
	if f.Name == "main" || f.Name == "printMemrefI64" || strings.HasPrefix(f.Name, harnessPrefix) {
		return fmt.Errorf("%s: emit: kernel name %q clashes with the harness", f.Pos, f.Name)
	}
	return nil
}

// harness collects the helper functions @main calls.
type harness struct {
	defs    bytes.Buffer
	helpers map[string]bool
	err     error // the first error of a helper's emitter
}

// run writes the part of @main that runs kernel f.
func (h *harness) run(e *emitter, f *ir.Func) error {
	e.line(nopos, "// %s", f.Name)
	names := make([]string, len(f.Params))
	typs := make([]string, len(f.Params))
	for i, b := range f.Params {
		t, err := memRefType(b)
		if err != nil {
			return err
		}
		if b.Kind == ir.Out && b.NumElems() == 0 {
			return fmt.Errorf("%s: emit: output buffer %s has no elements (printMemref misprints them)", b.Pos, b.Name)
		}
		names[i], typs[i] = e.tmp(b.Name), t
		e.line(nopos, "%s = memref.alloc() : %s", names[i], t)
		h.init(e, b, i, names[i], t)
	}
	e.line(nopos, "func.call @%s(%s) : (%s) -> ()", f.Name, strings.Join(names, ", "), strings.Join(typs, ", "))
	for i, b := range f.Params {
		if b.Kind == ir.Out {
			h.call(e, "print", b, names[i], typs[i])
		}
	}
	for i := range f.Params {
		e.line(nopos, "memref.dealloc %s : %s", names[i], typs[i])
	}
	return nil
}

// init fills input buffer number param or zeroes an output buffer.
func (h *harness) init(e *emitter, b *ir.Buffer, param int, name, t string) {
	if b.Kind == ir.Out {
		h.call(e, "zero", b, name, t)
		return
	}
	s := e.tmp("seed")
	e.line(nopos, "%s = arith.constant %s", s, i32(seed(param)))
	fn := h.helper("fill", b)
	e.line(nopos, "func.call @%s(%s, %s) : (%s, i32) -> ()", fn, name, s, t)
}

// call calls helper kind ("zero" or "print") on buffer name.
func (h *harness) call(e *emitter, kind string, b *ir.Buffer, name, t string) {
	e.line(nopos, "func.call @%s(%s) : (%s) -> ()", h.helper(kind, b), name, t)
}

// helper returns the name of the kind helper for buffers like b, defining
// it on first use. Fill and zero helpers work on the storage (bytes of
// packed buffers); print helpers on the elements (i4 codes of packed
// buffers), so they are named after the storage or the element type.
func (h *harness) helper(kind string, b *ir.Buffer) string {
	shape, elem, _ := storageShape(b) // checked by the caller's memRefType
	g := &helperGen{shape: shape, elem: elem, t: memref(shape, elem)}
	if kind == "print" {
		g.shape, g.elem = b.Shape, b.Elem
		g.buf = &ir.Buffer{Name: "buf", Kind: b.Kind, Elem: b.Elem, Shape: b.Shape}
	}
	name := harnessPrefix + kind + "_" + strings.TrimSuffix(strings.TrimPrefix(memref(g.shape, g.elem), "memref<"), ">")
	if h.helpers[name] {
		return name
	}
	h.helpers[name] = true
	g.e = newEmitter(&h.defs)
	switch kind {
	case "fill":
		g.fill(name)
	case "zero":
		g.zero(name)
	default:
		g.print(name)
	}
	if h.err == nil {
		h.err = g.e.err
	}
	return name
}
