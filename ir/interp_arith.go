package ir

import "math"

// binary compiles a two-operand arithmetic op for its operand type.
func (c *compiler) binary(op *Op) step {
	switch t := op.Args[0].Type; t {
	case F32:
		return c.f32Binary(op)
	case F16:
		return c.f16Binary(op)
	default:
		return c.intBinary(op, t)
	}
}

// operands returns the frame and the slots of op's result and first two operands.
func (c *compiler) operands(op *Op) (s []int64, d, a, b int) {
	s, d, a = c.s, c.slot(op.Results[0]), c.slot(op.Args[0])
	if len(op.Args) > 1 {
		b = c.slot(op.Args[1])
	}
	return s, d, a, b
}

// intBinary compiles integer arithmetic; results wrap to the width of t
// (sh is the shift that sign-extends from it).
func (c *compiler) intBinary(op *Op, t Type) step {
	s, d, a, b := c.operands(op)
	sh := 64 - uint(t.Bits)
	switch op.Code {
	case OpAdd:
		return func() error { s[d] = (s[a] + s[b]) << sh >> sh; return nil }
	case OpSub:
		return func() error { s[d] = (s[a] - s[b]) << sh >> sh; return nil }
	case OpMul:
		return func() error { s[d] = (s[a] * s[b]) << sh >> sh; return nil }
	case OpAnd: // bitwise ops keep sign-extended operands sign-extended
		return func() error { s[d] = s[a] & s[b]; return nil }
	case OpOr:
		return func() error { s[d] = s[a] | s[b]; return nil }
	case OpXor:
		return func() error { s[d] = s[a] ^ s[b]; return nil }
	case OpMin:
		return func() error { s[d] = min(s[a], s[b]); return nil }
	case OpMax:
		return func() error { s[d] = max(s[a], s[b]); return nil }
	case OpDiv, OpRem:
		return c.intDiv(op, t)
	}
	return c.intShift(op, t)
}

// intDiv compiles arith.divsi / arith.remsi. Division by zero and MinInt
// divided by -1 are undefined in LLVM (and trap on x86), for the remainder
// too, so both are runtime errors.
func (c *compiler) intDiv(op *Op, t Type) step {
	s, d, a, b := c.operands(op)
	lo := t.MinInt()
	check := func(x, y int64) error {
		if y == 0 {
			return c.fail(op, "integer division by zero")
		}
		return c.fail(op, "signed division overflow: %d / -1 in %s", x, t)
	}
	if op.Code == OpDiv {
		return func() error {
			x, y := s[a], s[b]
			if y == 0 || y == -1 && x == lo {
				return check(x, y)
			}
			s[d] = x / y
			return nil
		}
	}
	return func() error {
		x, y := s[a], s[b]
		if y == 0 || y == -1 && x == lo {
			return check(x, y)
		}
		s[d] = x % y
		return nil
	}
}

// intShift compiles shl, shrs and shru. The amount is read as an unsigned
// number of the type's width; LLVM gives poison from amount >= width, so it
// is a runtime error (which covers negative amounts).
func (c *compiler) intShift(op *Op, t Type) step {
	s, d, a, b := c.operands(op)
	w, sh := uint64(t.Bits), 64-uint(t.Bits)
	bad := func(n int64) error {
		return c.fail(op, "shift amount %d out of range [0, %d) for %s", n, w, t)
	}
	switch op.Code {
	case OpShl:
		return func() error {
			n := uint64(s[b])
			if n >= w {
				return bad(s[b])
			}
			s[d] = s[a] << n << sh >> sh
			return nil
		}
	case OpShrS:
		return func() error {
			n := uint64(s[b])
			if n >= w {
				return bad(s[b])
			}
			s[d] = s[a] >> n
			return nil
		}
	}
	return func() error { // OpShrU: shift the zero-extended value
		n := uint64(s[b])
		if n >= w {
			return bad(s[b])
		}
		s[d] = int64(uint64(s[a])<<sh>>sh>>n<<sh) >> sh
		return nil
	}
}

// f32Binary compiles float32 arithmetic. Every result is converted to
// float32 explicitly so that Go rounds after each op and never fuses.
func (c *compiler) f32Binary(op *Op) step {
	s, d, a, b := c.operands(op)
	switch op.Code {
	case OpAdd:
		return func() error { s[d] = f32v(float32(f32(s[a]) + f32(s[b]))); return nil }
	case OpSub:
		return func() error { s[d] = f32v(float32(f32(s[a]) - f32(s[b]))); return nil }
	case OpMul:
		return func() error { s[d] = f32v(float32(f32(s[a]) * f32(s[b]))); return nil }
	case OpDiv:
		return func() error { s[d] = f32v(float32(f32(s[a]) / f32(s[b]))); return nil }
	case OpMin:
		return func() error { s[d] = f32v(minimum(f32(s[a]), f32(s[b]), nan32)); return nil }
	}
	return func() error { s[d] = f32v(maximum(f32(s[a]), f32(s[b]), nan32)); return nil }
}

// f16Binary compiles binary16 arithmetic as LLVM lowers it without native
// half support: widen both operands to float32, compute, round back. The
// float32 result is exact enough (24 >= 2*11+2 bits) that the double
// rounding is innocuous.
func (c *compiler) f16Binary(op *Op) step {
	s, d, a, b := c.operands(op)
	switch op.Code {
	case OpAdd:
		return func() error { s[d] = f16v(float32(f16(s[a]) + f16(s[b]))); return nil }
	case OpSub:
		return func() error { s[d] = f16v(float32(f16(s[a]) - f16(s[b]))); return nil }
	case OpMul:
		return func() error { s[d] = f16v(float32(f16(s[a]) * f16(s[b]))); return nil }
	case OpDiv:
		return func() error { s[d] = f16v(float32(f16(s[a]) / f16(s[b]))); return nil }
	case OpMin:
		return func() error { s[d] = f16v(minimum(f16(s[a]), f16(s[b]), nan16)); return nil }
	}
	return func() error { s[d] = f16v(maximum(f16(s[a]), f16(s[b]), nan16)); return nil }
}

// The NaNs that minimum and maximum return: LLVM's generic expansion of
// llvm.minimum/maximum produces the default quiet NaN whatever the inputs.
var (
	nan32 = math.Float32frombits(0x7fc00000)
	nan16 = F16ToF32(0x7e00)
)

// minimum is IEEE 754-2019 minimum (arith.minimumf): NaN if either operand
// is NaN, and -0 below +0.
func minimum(x, y, nan float32) float32 {
	switch {
	case x != x || y != y:
		return nan
	case x < y, x == y && math.Signbit(float64(x)):
		return x
	}
	return y
}

// maximum is IEEE 754-2019 maximum (arith.maximumf).
func maximum(x, y, nan float32) float32 {
	switch {
	case x != x || y != y:
		return nan
	case x > y, x == y && !math.Signbit(float64(x)):
		return x
	}
	return y
}

// neg compiles negation: integers wrap, floats flip their sign bit.
func (c *compiler) neg(op *Op) step {
	s, d, a, _ := c.operands(op)
	switch t := op.Args[0].Type; t {
	case F32:
		return func() error { s[d] = s[a] ^ 1<<31; return nil }
	case F16:
		return func() error { s[d] = s[a] ^ 1<<15; return nil }
	default:
		sh := 64 - uint(t.Bits)
		return func() error { s[d] = (-s[a]) << sh >> sh; return nil }
	}
}

// sel compiles Select; the condition is an i1 (0 or -1 in the frame).
func (c *compiler) sel(op *Op) step {
	s, d, cond, x := c.operands(op)
	y := c.slot(op.Args[2])
	return func() error {
		if s[cond] != 0 {
			s[d] = s[x]
		} else {
			s[d] = s[y]
		}
		return nil
	}
}
