package emit

import (
	"github.com/q35c/q35c/ir"
)

// The input generator, which mirrors ir.FillInput: storage element i of
// parameter p (for packed buffers, byte i) is derived from
// hash(i, seed(p)) with 32-bit wrapping arithmetic.
const (
	seedMul = 0x9E3779B9
	hashM0  = 0x85EBCA6B
	hashM1  = 0x7FEB352D
	hashM2  = 0x846CA68B
)

// seed returns the generator seed of 0-based parameter param.
func seed(param int) uint32 { return uint32(param+1) * seedMul }

// i32 spells a 32-bit pattern as an i32 constant.
func i32(x uint32) string { return ir.FormatConst(ir.I32, uint64(int64(int32(x)))) + " : i32" }

// hash writes x = i*M0 + seed, then the xorshift-multiply finalizer:
// x ^= x>>16; x *= M1; x ^= x>>15; x *= M2; x ^= x>>16 (logical shifts).
// i is an index value; the result is an i32 value.
func (g *helperGen) hash(i, seedVal string) string {
	e := g.e
	x := e.tmp("x")
	e.line(nopos, "%s = arith.index_cast %s : index to i32", x, i)
	x = g.binConst("muli", x, hashM0)
	x = g.bin("addi", x, seedVal)
	x = g.xorShift(x, 16)
	x = g.binConst("muli", x, hashM1)
	x = g.xorShift(x, 15)
	x = g.binConst("muli", x, hashM2)
	return g.xorShift(x, 16)
}

// xorShift writes x ^ (x >> s) (logical shift) on i32.
func (g *helperGen) xorShift(x string, s uint32) string {
	return g.bin("xori", x, g.binConst("shrui", x, s))
}

// bin writes an i32 arith op and returns its result.
func (g *helperGen) bin(op, x, y string) string {
	r := g.e.tmp("x")
	g.e.line(nopos, "%s = arith.%s %s, %s : i32", r, op, x, y)
	return r
}

// binConst writes an i32 arith op with a constant right operand.
func (g *helperGen) binConst(op, x string, c uint32) string {
	k := g.e.tmp("c")
	g.e.line(nopos, "%s = arith.constant %s", k, i32(c))
	return g.bin(op, x, k)
}

// value converts hash x to the storage element type: integers take its
// low bits (i64 sign-extends); f32 is (int32(x>>16) - 32768) * 2^-15;
// f16 is (int32(x>>24) - 128) * 2^-7. Both are exact.
func (g *helperGen) value(x string) string {
	e := g.e
	switch g.elem {
	case ir.I32:
		return x
	case ir.F32:
		return g.scaled(x, 16, 32768, ir.F32, 0x38000000) // 2^-15
	case ir.F16:
		return g.scaled(x, 24, 128, ir.F16, 0x2000) // 2^-7
	}
	op := "trunci"
	if g.elem.Bits > 32 {
		op = "extsi"
	}
	v := e.tmp("v")
	e.line(nopos, "%s = arith.%s %s : i32 to %s", v, op, x, g.elem)
	return v
}

// scaled writes sitofp((x >> shift) - bias) * scale in type t; scale is
// given by its bits.
func (g *helperGen) scaled(x string, shift, bias uint32, t ir.Type, scale uint64) string {
	e := g.e
	c := g.binConst("subi", g.binConst("shrui", x, shift), bias)
	f, k, v := e.tmp("f"), e.tmp("scale"), e.tmp("v")
	e.line(nopos, "%s = arith.sitofp %s : i32 to %s", f, c, t)
	e.line(nopos, "%s = arith.constant %s", k, constLit(t, scale))
	e.line(nopos, "%s = arith.mulf %s, %s : %s", v, f, k, t)
	return v
}
