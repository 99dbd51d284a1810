package runtime

import (
	"math"
	"testing"
)

func TestInt32SafeTermsConstants(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cmin, cmax int
		got, want  int
	}{
		{"4-bit", -8, 7, MaxTerms4Bit, 2097151},
		{"3-bit", -4, 3, MaxTerms3Bit, 4194303},
		{"8-bit", -127, 127, MaxTerms8Bit, 132104},
	} {
		if f := Int32SafeTerms(tc.cmin, tc.cmax); tc.got != f || tc.got != tc.want {
			t.Errorf("%s: constant %d, Int32SafeTerms %d, want %d", tc.name, tc.got, f, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"MaxGroupQ35", MaxGroupQ35, 4194296},
		{"MaxGroupInt4", MaxGroupInt4, 2097150},
		{"MaxGroupInt3", MaxGroupInt3, 4194303},
		{"MaxGroupInt8", MaxGroupInt8, 132104},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	if MaxGroupQ35%8 != 0 || MaxGroupQ35/2 > MaxTerms4Bit || (MaxGroupQ35+8)/2 <= MaxTerms4Bit {
		t.Errorf("MaxGroupQ35 = %d is not the largest multiple of 8 with G/2 <= %d", MaxGroupQ35, MaxTerms4Bit)
	}
}

// At the edge: the bound's number of worst-case products fits int32, one
// more does not. Sums are computed both in int64 (the truth) and in a
// wrapping int32 accumulator (what the kernels do), for the four extreme
// products a·c, a in {-128, 127}, c in {lo, hi}.
func TestInt32SafeTermsEdge(t *testing.T) {
	for _, cr := range []codeRange{range3, range4, range8, {-128, 127}, {-5, 0}} {
		terms := Int32SafeTerms(cr.lo, cr.hi)
		overflows := false
		for _, a := range []int{-128, 127} {
			for _, c := range []int{cr.lo, cr.hi} {
				if !qtAccumulates(a, c, terms) {
					t.Errorf("%v: %d products %d×%d overflow int32", cr, terms, a, c)
				}
				overflows = overflows || !qtAccumulates(a, c, terms+1)
			}
		}
		if !overflows {
			t.Errorf("%v: %d products fit int32 whatever the inputs; the bound %d is not the largest", cr, terms+1, terms)
		}
	}
}

// The group bounds at their edge, in the kernels' terms: a Q35 group of
// MaxGroupQ35 puts G/2 products in acc4 and G/2 in acc3, and the next
// legal group size (+16) overflows acc4; INT4 and INT8 groups put G
// products in one accumulator.
func TestMaxGroupEdge(t *testing.T) {
	for _, tc := range []struct {
		name        string
		a, c        int
		fits, fails int
	}{
		{"q35 acc4", -128, -8, MaxGroupQ35 / 2, (MaxGroupQ35 + 8) / 2},
		{"q35 acc3", -128, -4, MaxGroupQ35 / 2, 0}, // acc3 is not the binding one
		{"int4", -128, -8, MaxGroupInt4, MaxGroupInt4 + 2},
		{"int3", -128, -4, MaxGroupInt3, MaxGroupInt3 + 1},
		{"int8", -128, -127, MaxGroupInt8, MaxGroupInt8 + 1},
	} {
		if !qtAccumulates(tc.a, tc.c, tc.fits) {
			t.Errorf("%s: %d products %d×%d overflow int32", tc.name, tc.fits, tc.a, tc.c)
		}
		if tc.fails > 0 && qtAccumulates(tc.a, tc.c, tc.fails) {
			t.Errorf("%s: %d products %d×%d fit int32", tc.name, tc.fails, tc.a, tc.c)
		}
	}
}

// qtAccumulates reports whether n products a·c sum without leaving int32,
// checking that the wrapping int32 accumulator and int64 agree.
func qtAccumulates(a, c, n int) bool {
	var acc32 int32
	var acc64 int64
	for range n {
		acc32 += int32(a) * int32(c)
		acc64 += int64(a) * int64(c)
	}
	fits := acc64 >= math.MinInt32 && acc64 <= math.MaxInt32
	if fits != (int64(acc32) == acc64) {
		panic("int32 wraparound disagrees with the int64 range check")
	}
	return fits
}
