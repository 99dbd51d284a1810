package runtime

import "math"

// F16ToF32 converts IEEE 754 binary16 values (as their bit patterns) to
// float32. Every binary16 value, subnormals included, is exactly
// representable in float32, so the conversion is exact; NaNs stay NaNs with
// their sign and payload (shifted into the top of the f32 mantissa).
func F16ToF32(src []uint16) []float32 {
	dst := make([]float32, len(src))
	for i, h := range src {
		dst[i] = F16(h)
	}
	return dst
}

// BF16ToF32 converts bfloat16 values (as their bit patterns) to float32. A
// bfloat16 is the top half of a float32, so the conversion is exact.
func BF16ToF32(src []uint16) []float32 {
	dst := make([]float32, len(src))
	for i, h := range src {
		dst[i] = BF16(h)
	}
	return dst
}

// F16 returns the float32 value of the binary16 bit pattern h: 1 sign bit,
// 5 exponent bits (bias 15), 10 mantissa bits.
func F16(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1F
	man := uint32(h) & 0x3FF
	switch {
	case exp == 0x1F: // ±Inf, NaN
		return math.Float32frombits(sign | 0xFF<<23 | man<<13)
	case exp == 0 && man == 0: // ±0
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: man·2^-24; normalize the mantissa
		exp = 1
		for man&0x400 == 0 {
			man <<= 1
			exp--
		}
		man &= 0x3FF
	}
	// Rebias the exponent from 15 to 127; it stays positive (at least
	// -9+112) even for the smallest subnormal.
	return math.Float32frombits(sign | uint32(exp+127-15)<<23 | man<<13)
}

// BF16 returns the float32 value of the bfloat16 bit pattern h.
func BF16(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
