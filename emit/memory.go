package emit

import (
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// access is how one load or store addresses its buffer's storage.
type access struct {
	dialect string // "affine" when every subscript is affine, else "memref"
	index   string // the subscripts between the brackets
	shift   string // packed loads: i8 left shift moving the nibble to the top
}

// load writes an OpLoad. A packed i4 load fetches the byte, shifts the
// wanted nibble to the top (left by 4 for even k, 0 for odd k) and
// arithmetic-shifts it back down, which sign-extends it without a branch.
func (e *emitter) load(op *ir.Op) {
	t, packed, ok := e.buffer(op)
	if !ok {
		return
	}
	a := e.access(op, packed)
	r := op.Result()
	if !packed || op.Raw { // a raw load is the storage byte itself
		e.line(op.Pos, "%s = %s.load %%%s[%s] : %s", e.def(r), a.dialect, op.Buf.Name, a.index, t)
		return
	}
	byteVal, up, four, down := e.tmp("byte"), e.tmp(""), e.tmp(""), e.tmp("")
	e.line(op.Pos, "%s = %s.load %%%s[%s] : %s", byteVal, a.dialect, op.Buf.Name, a.index, t)
	e.line(op.Pos, "%s = arith.shli %s, %s : i8", up, byteVal, a.shift)
	e.line(op.Pos, "%s = arith.constant 4 : i8", four)
	e.line(op.Pos, "%s = arith.shrsi %s, %s : i8", down, up, four)
	e.line(op.Pos, "%s = arith.trunci %s : i8 to %s", e.def(r), down, r.Type)
}

// store writes an OpStore. Stores into packed buffers do not exist (the
// verifier rejects them).
func (e *emitter) store(op *ir.Op) {
	t, packed, ok := e.buffer(op)
	if !ok {
		return
	}
	if packed {
		e.failf(op.Pos, "cannot store into packed %s buffer %s", op.Buf.Elem, op.Buf.Name)
		return
	}
	a := e.access(op, false)
	e.line(op.Pos, "%s.store %s, %%%s[%s] : %s", a.dialect, e.val(op.Args[0]), op.Buf.Name, a.index, t)
}

// buffer returns the memref type of op's buffer and whether it is packed,
// checking the subscript count.
func (e *emitter) buffer(op *ir.Op) (string, bool, bool) {
	t, err := memRefType(op.Buf)
	if err != nil {
		e.err = err
		return "", false, false
	}
	if len(op.Index) != len(op.Buf.Shape) {
		e.failf(op.Pos, "%s of %s has %d subscripts, want %d", op.Code, op.Buf.Name, len(op.Index), len(op.Buf.Shape))
		return "", false, false
	}
	packed, _ := ir.StorageElem(op.Buf.Elem)
	return t, packed, true
}

// access computes op's storage subscripts (and, if packed, the nibble
// shift): inline affine subscripts when all are affine, else index values.
func (e *emitter) access(op *ir.Op, packed bool) access {
	n := len(op.Index)
	if !hasDyn(op.Index) {
		exprs := make([]*ir.Expr, n)
		for i, s := range op.Index {
			exprs[i] = s.Affine
		}
		a := access{dialect: "affine"}
		if packed && !op.Raw {
			a.shift = e.affineShift(op.Pos, exprs[n-1])
		}
		if packed {
			exprs[n-1] = ir.FloorDiv(exprs[n-1], 2)
		}
		a.index = e.inline(exprs)
		return a
	}
	idx := make([]string, n)
	for i, s := range op.Index {
		idx[i] = e.indexValue(op.Pos, s)
	}
	a := access{dialect: "memref"}
	if packed && !op.Raw {
		a.shift = e.dynShift(op.Pos, idx[n-1])
	}
	if packed {
		idx[n-1] = e.halve(op.Pos, idx[n-1])
	}
	a.index = strings.Join(idx, ", ")
	return a
}

func hasDyn(idx []ir.Subscript) bool {
	for _, s := range idx {
		if s.Affine == nil {
			return true
		}
	}
	return false
}

// indexValue defines (or reuses) an index value equal to subscript s.
func (e *emitter) indexValue(pos diag.Pos, s ir.Subscript) string {
	if s.Affine != nil && s.Affine.Kind == ir.ExprDim {
		return e.dim(s.Affine.Dim)
	}
	if s.Affine != nil {
		return e.apply(pos, s.Affine, "idx")
	}
	if s.Dyn.Type.IsIndex() {
		return e.val(s.Dyn)
	}
	op := "index_cast"
	if s.Dyn.Type == ir.I1 { // a boolean indexes as 0 or 1
		op = "index_castui"
	}
	name := e.tmp("idx")
	e.line(pos, "%s = arith.%s %s : %s to index", name, op, e.val(s.Dyn), s.Dyn.Type)
	return name
}

// affineShift defines the i8 shift 4 - 4*(k mod 2) for affine k.
func (e *emitter) affineShift(pos diag.Pos, k *ir.Expr) string {
	sh := ir.Add(ir.Mul(ir.Mod(k, 2), -4), ir.Const(4))
	if c, ok := sh.IsConst(); ok {
		name := e.tmp("shift")
		e.line(pos, "%s = arith.constant %d : i8", name, c)
		return name
	}
	idx := e.apply(pos, sh, "")
	name := e.tmp("shift")
	e.line(pos, "%s = arith.index_cast %s : index to i8", name, idx)
	return name
}

// dynShift defines the i8 shift 4 - 4*(k & 1) for an index value k.
func (e *emitter) dynShift(pos diag.Pos, k string) string {
	k8, one, par, two, par4, four, name := e.tmp(""), e.tmp(""), e.tmp(""), e.tmp(""), e.tmp(""), e.tmp(""), e.tmp("shift")
	e.line(pos, "%s = arith.index_cast %s : index to i8", k8, k)
	e.line(pos, "%s = arith.constant 1 : i8", one)
	e.line(pos, "%s = arith.andi %s, %s : i8", par, k8, one)
	e.line(pos, "%s = arith.constant 2 : i8", two)
	e.line(pos, "%s = arith.shli %s, %s : i8", par4, par, two)
	e.line(pos, "%s = arith.constant 4 : i8", four)
	e.line(pos, "%s = arith.subi %s, %s : i8", name, four, par4)
	return name
}

// halve defines k floordiv 2 for an index value k.
func (e *emitter) halve(pos diag.Pos, k string) string {
	one, name := e.tmp(""), e.tmp("idx")
	e.line(pos, "%s = arith.constant 1 : index", one)
	e.line(pos, "%s = arith.shrsi %s, %s : index", name, k, one)
	return name
}
