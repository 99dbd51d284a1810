package emit

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// helperGen writes one harness helper over buffers of storage type t. Its
// loops run over shape, with elements of type elem: the storage for fill
// and zero, the buffer's own elements for print.
type helperGen struct {
	e     *emitter
	shape []int64
	elem  ir.Type
	t     string
	buf   *ir.Buffer // print: the buffer, named "buf", loaded through the kernel emitter
}

// nopos is the position of harness code, which has no source.
var nopos diag.Pos

// nest opens one affine.for per dimension, calls body with the element's
// subscripts and its row-major linear index (as affine expressions), and
// closes the loops. Every loop carries a vectorization guard (see
// vecguard.go): the helpers are not worth vectorizing, and the fill
// loops' index arithmetic is beyond the super-vectorizer.
func (g *helperGen) nest(body func(idx []*ir.Expr, lin *ir.Expr)) {
	e := g.e
	idx := make([]*ir.Expr, len(g.shape))
	lin := ir.Const(0)
	for i, d := range g.shape {
		iv := &ir.Value{Type: ir.Index, Name: fmt.Sprintf("d%d", i)}
		e.line(nopos, "affine.for %s = 0 to %d {", e.dim(iv), d)
		e.depth++
		e.line(nopos, "%s = memref.cast %%buf : %s to %s", e.tmp("guard"), g.t, g.t)
		idx[i] = ir.Dim(iv)
		lin = ir.Add(ir.Mul(lin, d), idx[i])
	}
	body(idx, lin)
	for range g.shape {
		e.depth--
		e.line(nopos, "}")
	}
}

// zero writes `name(%buf)`, which stores 0 into every element.
func (g *helperGen) zero(name string) {
	e := g.e
	fmt.Fprintf(e.buf, "\nfunc.func private @%s(%%buf: %s) {\n", name, g.t)
	e.n.Reserve("%buf")
	zero := e.tmp("zero")
	e.line(nopos, "%s = arith.constant %s", zero, constLit(g.elem, 0))
	g.nest(func(idx []*ir.Expr, _ *ir.Expr) {
		e.line(nopos, "affine.store %s, %%buf[%s] : %s", zero, e.inline(idx), g.t)
	})
	fmt.Fprintf(e.buf, "  func.return\n}\n")
}

// fill writes `name(%buf, %seed)`, which stores fillValue into every
// element, in storage order.
func (g *helperGen) fill(name string) {
	e := g.e
	fmt.Fprintf(e.buf, "\nfunc.func private @%s(%%buf: %s, %%seed: i32) {\n", name, g.t)
	e.n.Reserve("%buf")
	e.n.Reserve("%seed")
	g.nest(func(idx []*ir.Expr, lin *ir.Expr) {
		i := e.apply(nopos, lin, "i")
		v := g.value(g.hash(i, "%seed"))
		e.line(nopos, "affine.store %s, %%buf[%s] : %s", v, e.inline(idx), g.t)
	})
	fmt.Fprintf(e.buf, "  func.return\n}\n")
}

// print writes `name(%buf)`, which copies every element, widened to i64
// (floats by their bits), into a 1-D buffer and prints it. Elements are
// loaded as kernels load them, so packed i4 codes are unpacked.
func (g *helperGen) print(name string) {
	e := g.e
	fmt.Fprintf(e.buf, "\nfunc.func private @%s(%%buf: %s) {\n", name, g.t)
	e.n.Reserve("%buf")
	flat := memref([]int64{g.buf.NumElems()}, ir.I64)
	e.line(nopos, "%%flat = memref.alloc() : %s", flat)
	g.nest(func(idx []*ir.Expr, lin *ir.Expr) {
		load := &ir.Op{Code: ir.OpLoad, Buf: g.buf, Index: ir.AffineIndex(idx...), Results: []*ir.Value{{Type: g.elem, Name: "v"}}}
		e.load(load)
		w := g.widen(e.val(load.Result()))
		e.line(nopos, "affine.store %s, %%flat[%s] : %s", w, e.inline([]*ir.Expr{lin}), flat)
	})
	e.line(nopos, "%%unranked = memref.cast %%flat : %s to memref<*xi64>", flat)
	e.line(nopos, "func.call @printMemrefI64(%%unranked) : (memref<*xi64>) -> ()")
	e.line(nopos, "memref.dealloc %%flat : %s", flat)
	fmt.Fprintf(e.buf, "  func.return\n}\n")
}

// widen converts element v to i64: floats by their bits (zero-extended),
// integers sign-extended.
func (g *helperGen) widen(v string) string {
	e := g.e
	if g.elem == ir.I64 {
		return v
	}
	ext, from := "extsi", g.elem
	if g.elem.IsFloat() {
		bits := ir.Type{Kind: ir.KindInt, Bits: g.elem.Bits}
		b := e.tmp("bits")
		e.line(nopos, "%s = arith.bitcast %s : %s to %s", b, v, g.elem, bits)
		v, ext, from = b, "extui", bits
	}
	w := e.tmp("w")
	e.line(nopos, "%s = arith.%s %s : %s to i64", w, ext, v, from)
	return w
}
