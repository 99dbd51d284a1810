package ir

import (
	"fmt"
	"math"
	"testing"
)

// i64b returns the constant bits of integer v.
func i64b(v int64) uint64 { return uint64(v) }

var castCases = []struct {
	from, to Type
	in       uint64 // constant bits of type from
	want     int64  // as scalar returns it
	wantErr  string
}{
	// i1 widens as 0 or 1.
	{I1, I32, 1, 1, ""},
	{I1, I8, 0, 0, ""},
	{I1, I64, 1, 1, ""},
	{I1, Index, 1, 1, ""},
	{I1, F32, 1, int64(b32(1)), ""},
	{I1, F16, 1, int64(h16(1)), ""},
	// Other integers sign-extend and truncate.
	{I8, I32, i64b(-1), -1, ""},
	{I4, I16, i64b(-8), -8, ""},
	{I3, I64, i64b(-4), -4, ""},
	{I32, I8, 511, -1, ""},
	{I32, I8, 200, -56, ""},
	{I32, I4, 9, -7, ""},
	{I32, I3, 5, -3, ""},
	{I32, I1, 3, 1, ""},
	{I32, I1, 2, 0, ""},
	{I64, Index, i64b(math.MinInt64), math.MinInt64, ""},
	{Index, I16, 70000, 4464, ""},
	{Index, I32, i64b(-5), -5, ""},
	{I32, I32, 7, 7, ""},
	// Integers to floats round to nearest even, once.
	{I32, F32, 16777217, int64(b32(16777216)), ""},
	{I32, F32, 16777219, int64(b32(16777220)), ""},
	{I64, F32, 1<<62 + 1<<38 + 1, int64(b32(0x1p62 + 0x1p39)), ""}, // through float64 would give 2^62
	{I8, F32, i64b(-128), int64(b32(-128)), ""},
	{I32, F16, 2049, 0x6800, ""}, // 2048: tie, to even
	{I32, F16, 2051, 0x6802, ""}, // 2052: tie, to even
	{I32, F16, 65519, 0x7bff, ""},
	{I32, F16, 65520, inf16, ""},
	{I32, F16, i64b(-70000), 0xfc00, ""},
	{I64, F16, 1<<62 + 1, inf16, ""},
	// Floats to integers truncate toward zero; NaN and out of range fail.
	{F32, I32, b32(2.9), 2, ""},
	{F32, I32, b32(-2.9), -2, ""},
	{F32, I32, b32(-0x1p31), math.MinInt32, ""},
	{F32, I32, b32(0x1p31), 0, "fptosi of 2.147483648e+09 is out of the range of i32"},
	{F32, I32, qnan32, 0, "fptosi of NaN"},
	{F32, I8, b32(127.9), 127, ""},
	{F32, I8, b32(-128.9), -128, ""},
	{F32, I8, b32(128), 0, "out of the range of i8"},
	{F32, I8, b32(-129), 0, "out of the range of i8"},
	{F32, I64, b32(-0x1p63), math.MinInt64, ""},
	{F32, I64, b32(0x1p63), 0, "out of the range of i64"},
	{F32, I1, b32(-1), 1, ""}, // fptosi to i1: -1 is true
	{F32, I1, b32(0.5), 0, ""},
	{F32, I1, b32(1), 0, "out of the range of i1"},
	{F32, I4, b32(-8.5), -8, ""},
	{F16, I32, 0x7bff, 65504, ""},
	{F16, I32, 0xfc00, 0, "fptosi of -Inf"},
	{F16, I16, 0x7e00, 0, "fptosi of NaN"},
	// Between floats.
	{F16, F32, 0x3555, int64(b32(0.333251953125)), ""},
	{F16, F32, 0x0001, int64(b32(0x1p-24)), ""},
	{F32, F16, b32(1 + 0x1p-11), 0x3c00, ""},
	{F32, F16, b32(1 + 0x1.8p-11), 0x3c01, ""},
	{F32, F16, b32(1 + 0x1.8p-10), 0x3c02, ""}, // tie, to even
	{F32, F16, b32(1e6), inf16, ""},
	{F32, F16, 0x7fc00001, 0x7e00, ""},
}

func TestExecCast(t *testing.T) {
	for _, tc := range castCases {
		t.Run(fmt.Sprintf("%s to %s %#x", tc.from, tc.to, tc.in), func(t *testing.T) {
			got, err := scalar(func(k *kernel) *Value { return k.Cast(k.bits(tc.from, tc.in), tc.to) })
			checkScalar(t, got, err, tc.want, tc.wantErr)
		})
	}
}
