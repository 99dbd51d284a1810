package emit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// emitter writes the body of one func.func.
type emitter struct {
	buf   *bytes.Buffer
	n     *ir.Namer
	alias map[*ir.Value]string // spellings that are not the Namer's: %r#0, elided casts
	depth int
	err   error

	guardBuf *ir.Buffer // the buffer vectorization guards cast (see vecguard.go); nil: no guards
	width    int64      // the vector width guards assume
}

func newEmitter(buf *bytes.Buffer) *emitter {
	return &emitter{buf: buf, n: ir.NewNamer(), alias: map[*ir.Value]string{}, depth: 1, width: defaultVectorWidth}
}

// line writes one indented op followed by pos's location.
func (e *emitter) line(pos diag.Pos, format string, args ...any) {
	e.buf.WriteString(strings.Repeat("  ", e.depth))
	fmt.Fprintf(e.buf, format, args...)
	e.buf.WriteString(loc(pos))
	e.buf.WriteByte('\n')
}

// failf records the first error, at pos.
func (e *emitter) failf(pos diag.Pos, format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("%s: emit: %s", pos, fmt.Sprintf(format, args...))
	}
}

// val spells a use of v as an SSA operand.
func (e *emitter) val(v *ir.Value) string {
	if s, ok := e.alias[v]; ok {
		return s
	}
	return e.n.Name(v)
}

// vals spells a list of operands.
func (e *emitter) vals(vs []*ir.Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = e.val(v)
	}
	return strings.Join(s, ", ")
}

// def spells the definition of v (its Namer name).
func (e *emitter) def(v *ir.Value) string { return e.checked(e.n.Name(v)) }

// tmp returns a fresh name for an MLIR value that has no IR counterpart.
func (e *emitter) tmp(hint string) string { return e.checked(e.n.Name(&ir.Value{Name: hint})) }

// checked records an error when name (with '%') is not a valid MLIR SSA name.
func (e *emitter) checked(name string) string {
	if !isSSAName(name[1:]) {
		e.failf(diag.Pos{}, "value name %s is not an MLIR identifier", name)
	}
	return name
}

// dim spells an induction variable inside an affine expression.
func (e *emitter) dim(v *ir.Value) string { return e.checked(e.n.Name(v)) }

// types spells the types of vs, comma-separated.
func types(vs []*ir.Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.Type.String()
	}
	return strings.Join(s, ", ")
}

// block writes every op of b.
func (e *emitter) block(b *ir.Block) {
	for _, op := range b.Ops {
		e.op(op)
	}
}
