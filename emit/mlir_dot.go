package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// A dot loop (ir.Loop.Dot) is written as ir.PlanDot lays it out, as the
// LLVM emitter's portable flavor does (llvm_dot.go): no loop at all, but
// per chunk of 64 products one vector.load or vector.maskedload of the
// code bytes and one or two of the activation bytes from a flat i8 view of
// each buffer's storage; the codes unpacked into 64 biased unsigned bytes
// (per piece a vector.shuffle into lane order, a shift right, a mask and a
// shift left, the pieces or-ed together, then the flip xor-ed in); the
// activations shuffled into the same lane order; and the products
// extsi(a)·(extui(u) − bias) added in a vector<64xi32> per accumulator.
// After the last chunk, vector.reduction sums each accumulator's lanes
// onto its initial value. Integer sums do not depend on their order, so
// this gives the scalar body's bits. Chunks that unpack the same codes or
// shuffle the same activations share the work.
//
// The vector ops also keep mlir-opt's super-vectorizer away from the loops
// around a dot loop: it never vectorizes a loop holding an op whose result
// is a vector (see vecguard.go).

const (
	dotBytes = "vector<64xi8>"
	dotWords = "vector<64xi32>"
)

// mlirDot writes the ops of one dot loop. Everything it caches lives in
// the block the loop stood in, so it is shared only within that loop.
type mlirDot struct {
	e      *emitter
	pos    diag.Pos
	views  map[*ir.Buffer]string // flat i8 views of storage
	consts map[string]string     // spelled constant → its name
	codes  map[string]string     // codes key → extui(u) − bias, as i32 lanes
	acts   map[string]string     // activations key → extsi(a), as i32 lanes
}

// dotLoop writes a dot loop's results from its plan.
func (e *emitter) dotLoop(op *ir.Op) {
	plan, err := ir.PlanDot(op)
	if err != nil {
		e.failf(op.Pos, "dot loop %s: %v", e.dim(op.Loop.IV), err)
		return
	}
	d := &mlirDot{e: e, pos: op.Pos, views: map[*ir.Buffer]string{}, consts: map[string]string{},
		codes: map[string]string{}, acts: map[string]string{}}
	accs := make([]string, len(op.Args))
	for _, c := range plan.Chunks {
		prod := e.tmp("prod")
		e.line(op.Pos, "%s = arith.muli %s, %s : %s", prod, d.activations(c), d.unpack(c), dotWords)
		if accs[c.Acc] == "" {
			accs[c.Acc] = prod
			continue
		}
		sum := e.tmp("vacc")
		e.line(op.Pos, "%s = arith.addi %s, %s : %s", sum, accs[c.Acc], prod, dotWords)
		accs[c.Acc] = sum
	}
	for i, r := range op.Results {
		if accs[i] == "" { // PlanDot gives every accumulator products; kept for safety
			e.alias[r] = e.val(op.Args[i])
			continue
		}
		red := e.tmp(op.Loop.IterArgs[i].Name)
		e.line(op.Pos, "%s = vector.reduction <add>, %s : %s into i32", red, accs[i], dotWords)
		e.line(op.Pos, "%s = arith.addi %s, %s : i32", e.def(r), e.val(op.Args[i]), red)
	}
}

// activations returns the chunk's activations in lane order, sign-extended
// to i32: one or two window loads and a two-source shuffle.
func (d *mlirDot) activations(c *ir.DotChunk) string {
	key := actsKey(c)
	if v, ok := d.acts[key]; ok {
		return v
	}
	e := d.e
	lo := d.window(c.Acts, 0, min(c.Acts.Len, ir.DotLanes))
	hi := lo
	if c.Acts.Len > ir.DotLanes {
		hi = d.window(c.Acts, ir.DotLanes, c.Acts.Len-ir.DotLanes)
	}
	a, wide := e.tmp("acts"), e.tmp("acts32")
	e.line(d.pos, "%s = vector.shuffle %s, %s [%s] : %s, %s", a, lo, hi, ints(c.Act), dotBytes, dotBytes)
	e.line(d.pos, "%s = arith.extsi %s : %s to %s", wide, a, dotBytes, dotWords)
	d.acts[key] = wide
	return wide
}

// unpack returns the chunk's codes, one per i32 lane: each piece shuffled
// into lane order, shifted and masked into place, the pieces or-ed, the
// flip xor-ed in (giving the biased unsigned code), zero-extended and
// unbiased.
func (d *mlirDot) unpack(c *ir.DotChunk) string {
	key := fmt.Sprint(codesKey(c), c.Bias)
	if v, ok := d.codes[key]; ok {
		return v
	}
	e := d.e
	w := d.window(c.Codes, 0, c.Codes.Len)
	u := ""
	for _, ps := range c.Pieces {
		src, shr, keep, shl := make([]int64, ir.DotLanes), make([]int64, ir.DotLanes), make([]int64, ir.DotLanes), make([]int64, ir.DotLanes)
		for l, pc := range ps {
			src[l], shr[l], keep[l], shl[l] = pc.Byte, int64(pc.Shift), int64(int8(1<<pc.Len-1)), int64(pc.Dst)
		}
		x, y, z, s := e.tmp("lanes"), e.tmp("shr"), e.tmp("bits"), e.tmp("piece")
		e.line(d.pos, "%s = vector.shuffle %s, %s [%s] : %s, %s", x, w, w, ints(src), dotBytes, dotBytes)
		e.line(d.pos, "%s = arith.shrui %s, %s : %s", y, x, d.vec("i8", shr), dotBytes)
		e.line(d.pos, "%s = arith.andi %s, %s : %s", z, y, d.vec("i8", keep), dotBytes)
		e.line(d.pos, "%s = arith.shli %s, %s : %s", s, z, d.vec("i8", shl), dotBytes)
		if u == "" {
			u = s
			continue
		}
		or := e.tmp("code")
		e.line(d.pos, "%s = arith.ori %s, %s : %s", or, u, s, dotBytes)
		u = or
	}
	if u == "" {
		u = d.vec("i8", make([]int64, ir.DotLanes))
	}
	flip, bias := make([]int64, ir.DotLanes), make([]int64, ir.DotLanes)
	for l := range flip {
		flip[l], bias[l] = int64(int8(c.Flip[l])), int64(c.Bias[l])
	}
	biased, wide := e.tmp("biased"), e.tmp("codes32")
	e.line(d.pos, "%s = arith.xori %s, %s : %s", biased, u, d.vec("i8", flip), dotBytes)
	e.line(d.pos, "%s = arith.extui %s : %s to %s", wide, biased, dotBytes, dotWords)
	if hasBias(c) {
		code := e.tmp("codes32")
		e.line(d.pos, "%s = arith.subi %s, %s : %s", code, wide, d.vec("i32", bias), dotWords)
		wide = code
	}
	d.codes[key] = wide
	return wide
}

// window loads n ≤ 64 storage bytes of w's buffer, from byte off past the
// window's base, into the low lanes of a vector<64xi8>: a plain load when
// n is 64, else a masked load that touches nothing past them.
func (d *mlirDot) window(w ir.DotWindow, off, n int64) string {
	e := d.e
	view, mt := d.view(w.Buf)
	base := w.Base
	if off != 0 {
		base = ir.Add(base, ir.Const(off))
	}
	at := e.apply(d.pos, base, "at")
	v := e.tmp("window")
	if n == ir.DotLanes {
		e.line(d.pos, "%s = vector.load %s[%s] : %s, %s", v, view, at, mt, dotBytes)
		return v
	}
	mask := d.constant(fmt.Sprintf("vector.constant_mask [%d] : vector<64xi1>", n), "mask")
	pass := d.vec("i8", make([]int64, ir.DotLanes))
	e.line(d.pos, "%s = vector.maskedload %s[%s], %s, %s : %s, vector<64xi1>, %s into %s", v, view, at, mask, pass, mt, dotBytes, dotBytes)
	return v
}

// view returns a 1-D i8 view of b's storage bytes, so that a window's
// flat byte offset indexes it directly, and the view's type.
func (d *mlirDot) view(b *ir.Buffer) (string, string) {
	e := d.e
	bt, err := memRefType(b)
	if err != nil {
		e.err = err
		return "%" + b.Name, bt
	}
	flat := memref([]int64{b.StorageBytes()}, ir.I8)
	rank := len(b.Shape)
	if rank == 1 {
		return "%" + b.Name, bt
	}
	if v, ok := d.views[b]; ok {
		return v, flat
	}
	v := e.tmp(b.Name + "_bytes")
	if rank == 0 {
		e.line(d.pos, "%s = memref.reinterpret_cast %%%s to offset: [0], sizes: [1], strides: [1] : %s to %s", v, b.Name, bt, flat)
	} else {
		dims := make([]int64, rank)
		for i := range dims {
			dims[i] = int64(i)
		}
		e.line(d.pos, "%s = memref.collapse_shape %%%s [[%s]] : %s into %s", v, b.Name, ints(dims), bt, flat)
	}
	d.views[b] = v
	return v, flat
}

// vec returns a constant vector<64 x elem> with lanes xs (one value when
// all lanes are equal).
func (d *mlirDot) vec(elem string, xs []int64) string {
	lit := ints(xs)
	if same(xs) {
		lit = fmt.Sprint(xs[0])
	} else {
		lit = "[" + lit + "]"
	}
	return d.constant(fmt.Sprintf("arith.constant dense<%s> : vector<64x%s>", lit, elem), "cst")
}

// constant defines the constant op spelled def once per dot loop.
func (d *mlirDot) constant(def, hint string) string {
	if v, ok := d.consts[def]; ok {
		return v
	}
	v := d.e.tmp(hint)
	d.e.line(d.pos, "%s = %s", v, def)
	d.consts[def] = v
	return v
}

func same(xs []int64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// ints spells xs comma-separated.
func ints(xs []int64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
