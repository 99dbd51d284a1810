package runtime

import "math"

// The kernels multiply INT8 activations (-128..127) by weight codes and sum
// the products of a group in an int32 accumulator, reset per group
// (examples/matmul_i8_i4.q35: acc; examples/matmul_q35.q35: acc4 for the
// group's G/2 even positions and acc3 for its G/2 odd ones). These bounds
// say how many products such a sum may hold before some choice of inputs
// overflows int32. The largest product magnitude decides them: -128 × -8 =
// 1024 for 4-bit codes, -128 × -4 = 512 for 3-bit codes, -128 × -127 =
// 16256 for INT8 weight codes (-127..127); the most negative products
// (127 × -8 = -1016, 127 × -4 = -508, -128 × 127 = -16256) allow as many or
// more terms, since int32 reaches down to -2^31. Int32SafeTerms computes
// both sides; the tests check these constants against it at the edge.
const (
	MaxTerms4Bit = math.MaxInt32 / (128 * 8)   // 2,097,151 products of 4-bit codes
	MaxTerms3Bit = math.MaxInt32 / (128 * 4)   // 4,194,303 products of 3-bit codes
	MaxTerms8Bit = math.MaxInt32 / (128 * 127) // 132,104 products of INT8 codes

	// MaxGroupQ35 is the largest Q35 group size (a multiple of 8) whose
	// G/2 even and G/2 odd products each fit their int32 accumulator:
	// 4,194,296.
	MaxGroupQ35 = 2 * min(MaxTerms4Bit, MaxTerms3Bit) / 8 * 8
	// MaxGroupInt4 is the largest (even) Int4 group size: 2,097,150.
	MaxGroupInt4 = MaxTerms4Bit / 2 * 2
	// MaxGroupInt3 is the largest INT3 group size: 4,194,303.
	MaxGroupInt3 = MaxTerms3Bit
	// MaxGroupInt8 is the largest Int8 group size: 132,104.
	MaxGroupInt8 = MaxTerms8Bit
)

// Int32SafeTerms returns the largest T such that every sum of T products
// a·c, a in -128..127 and c in cmin..cmax (cmin <= 0 <= cmax), lies in the
// int32 range. The same bound applies to K when a kernel accumulates a
// whole row without groups.
func Int32SafeTerms(cmin, cmax int) int {
	hi := max(-128*cmin, 127*cmax) // largest product
	lo := min(-128*cmax, 127*cmin) // smallest product
	t := math.MaxInt32 / max(hi, 1)
	if lo < 0 {
		t = min(t, -math.MinInt32/-lo)
	}
	return t
}
