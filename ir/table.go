package ir

import (
	"fmt"
	"strconv"
	"strings"
)

// Table is a read-only constant buffer of a function: a lookup table whose
// contents are part of the IR (the unpack pass's sign-extension tables).
// Its buffer is loaded from like a parameter's, but it is not one: the
// caller passes no storage for it, the input generator and the MLIR
// harness leave it alone, and nothing may store into it. The emitter
// writes it as a constant memref.global.
type Table struct {
	Buf  *Buffer // Kind In; element type i8, i16, i32 or i64
	Data []int64 // the elements in row-major order
}

// maxTableElems bounds a table's size: tables are written into the IR and
// MLIR text in full.
const maxTableElems = 1 << 16

// Table returns f's table whose buffer is b, or nil when b is not one.
func (f *Func) Table(b *Buffer) *Table {
	for _, t := range f.Tables {
		if t != nil && t.Buf == b {
			return t
		}
	}
	return nil
}

// LoadType returns the type a load yields: the buffer's element type, or
// i8 for a raw load of a packed buffer's storage byte.
func LoadType(op *Op) Type {
	if op.Raw {
		return I8
	}
	return op.Buf.Elem
}

// storage returns t's contents as little-endian storage.
func (t *Table) storage() []byte {
	size := int(t.Buf.Elem.Bits / 8)
	data := make([]byte, len(t.Data)*size)
	for i, x := range t.Data {
		putWord(data[i*size:], t.Buf.Elem, uint64(x))
	}
	return data
}

// checkTables checks f's tables after its parameters and makes them
// loadable: unique names, integer elements, contents that match the shape
// and fit the element type.
func (v *verifier) checkTables() {
	names := map[string]bool{}
	for _, b := range v.f.Params {
		if b != nil {
			names[b.Name] = true
		}
	}
	for i, t := range v.f.Tables {
		if t == nil || t.Buf == nil {
			v.errf(nil, "table %d has no buffer", i)
			continue
		}
		b := t.Buf
		switch {
		case b.Name == "" || names[b.Name]:
			v.errf(nil, "table %d has the empty or repeated name %q", i, b.Name)
		case v.params[b]:
			v.errf(nil, "table %%%s is also a parameter or an earlier table", b.Name)
		}
		names[b.Name] = true
		v.params[b] = true
		v.checkTable(t)
	}
}

func (v *verifier) checkTable(t *Table) {
	b := t.Buf
	switch b.Elem {
	case I8, I16, I32, I64:
	default:
		v.errf(nil, "table %%%s has element type %s, want i8, i16, i32 or i64", b.Name, b.Elem)
		return
	}
	if b.Kind != In {
		v.errf(nil, "table %%%s has kind %s, want in (tables are read-only)", b.Name, b.Kind)
	}
	if len(b.Shape) != 1 {
		v.errf(nil, "table %%%s has rank %d, want 1", b.Name, len(b.Shape))
		return
	}
	n := int64(1)
	for i, d := range b.Shape {
		if d < 1 || d > maxTableElems || n*d > maxTableElems {
			v.errf(nil, "table %%%s has dimension %d of size %d, want 1 to %d elements in all", b.Name, i, d, maxTableElems)
			return
		}
		n *= d
	}
	if int64(len(t.Data)) != n {
		v.errf(nil, "table %%%s has %d values, want %d (its shape)", b.Name, len(t.Data), n)
	}
	for i, x := range t.Data {
		if x < b.Elem.MinInt() || x > b.Elem.MaxInt() {
			v.errf(nil, "table %%%s value %d = %d does not fit in %s", b.Name, i, x, b.Elem)
			return
		}
	}
}

// checkUnpacked checks what is special about raw loads and table accesses:
// a raw load reads a packed buffer; a table is only loaded from, with
// index-typed dynamic subscripts.
func (v *verifier) checkUnpacked(op *Op, b *Buffer) {
	if op.Raw {
		if packed, _ := StorageElem(b.Elem); !packed || op.Code != OpLoad {
			v.errf(op, "is a raw %s of %%%s, want a load of a packed i4 buffer", op.Code, b.Name)
		}
	}
	if v.f.Table(b) == nil {
		return
	}
	if op.Code == OpStore {
		v.errf(op, "stores into %%%s, a constant table", b.Name)
	}
	for i, s := range op.Index {
		if s.Dyn != nil && !s.Dyn.Type.IsIndex() {
			v.errf(op, "subscript %d of table %%%s has type %s, want index", i, b.Name, s.Dyn.Type)
		}
	}
}

// tables writes f's tables, one line each, at the top of its body.
func (p *printer) tables(f *Func) {
	for _, t := range f.Tables {
		vals := make([]string, len(t.Data))
		for i, x := range t.Data {
			vals[i] = strconv.FormatInt(x, 10)
		}
		fmt.Fprintf(p.w, "  table %%%s: %s = [%s]\n", t.Buf.Name, BufferType(t.Buf), strings.Join(vals, ", "))
	}
}

// reserveTables keeps values from being printed with a table's name.
func reserveTables(n *Namer, f *Func) {
	for _, t := range f.Tables {
		n.Reserve("%" + t.Buf.Name)
	}
}
