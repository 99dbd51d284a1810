package ir

import "math"

// cast compiles a conversion (see CastOK for the legal pairs).
//
// i1 is a boolean: it converts to other integers, index and floats as 0 or
// 1 (arith.extui / uitofp). Every other integer is signed, and floats
// convert to every integer type, i1 included, as by fptosi (so only -1.0
// and 0.0 truncate into i1's range, giving true and false).
func (c *compiler) cast(op *Op) step {
	s, d, a, _ := c.operands(op)
	from, to := op.Args[0].Type, op.Results[0].Type
	switch {
	case sameRepr(from, to):
		return nil // the result shares the operand's slot (see newCompiler)
	case from.IsIntLike() && to.IsIntLike():
		return intToInt(s, d, a, from, to)
	case from.IsInt() && to.IsFloat():
		return intToFloat(s, d, a, from, to)
	case from.IsFloat() && to.IsInt():
		return c.floatToInt(op)
	case from == F16: // to f32, exactly
		return func() error { s[d] = f32v(f16(s[a])); return nil }
	}
	return func() error { s[d] = f16v(f32(s[a])); return nil } // f32 to f16, rounded
}

// intToInt sign-extends or truncates (i1 zero-extends).
func intToInt(s []int64, d, a int, from, to Type) step {
	sh := 64 - uint(to.Bits)
	if from == I1 {
		return func() error { s[d] = (s[a] & 1) << sh >> sh; return nil }
	}
	return func() error { s[d] = s[a] << sh >> sh; return nil }
}

// intToFloat rounds to nearest even (sitofp). Go's int64 to float32
// conversion rounds once, correctly. For f16, rounding through float32 is
// also correct: integers below 2^24 convert to float32 exactly, and larger
// ones round to at least 2^24, which overflows f16 to infinity either way.
func intToFloat(s []int64, d, a int, from, to Type) step {
	mask := int64(-1)
	if from == I1 {
		mask = 1
	}
	if to == F16 {
		return func() error { s[d] = f16v(float32(s[a] & mask)); return nil }
	}
	return func() error { s[d] = f32v(float32(s[a] & mask)); return nil }
}

// floatToInt truncates toward zero (fptosi). NaN and values
// whose truncation is out of the target's range are runtime errors (LLVM
// gives poison).
func (c *compiler) floatToInt(op *Op) step {
	s, d, a, _ := c.operands(op)
	from, to := op.Args[0].Type, op.Results[0].Type
	lo, hi := float64(to.MinInt()), -float64(to.MinInt()) // [-2^(w-1), 2^(w-1)), exact
	sh := 64 - uint(to.Bits)
	return func() error {
		x := float64(f32(s[a]))
		if from == F16 {
			x = float64(f16(s[a]))
		}
		t := math.Trunc(x)
		if !(t >= lo && t < hi) { // also false for NaN
			return c.fail(op, "fptosi of %v is out of the range of %s", x, to)
		}
		s[d] = int64(t) << sh >> sh
		return nil
	}
}
