package ir

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// bits appends a constant of type t with raw bits b.
func (k *kernel) bits(t Type, b uint64) *Value {
	return k.Append(&Op{Code: OpConst, Bits: b, Results: []*Value{k.f.NewValue(t, "")}}).Result()
}

// scalar runs a kernel computing one value with build and returns it as
// OutputWords prints it: i1 as 0 or 1, i3 and i4 sign-extended, index as
// i64, floats as their bits.
func scalar(build func(k *kernel) *Value) (int64, error) {
	k := newKernel()
	v := build(k)
	switch v.Type {
	case I1, I3, I4:
		v = k.Cast(v, I8)
	case Index:
		v = k.Cast(v, I64)
	}
	o := param("o", Out, v.Type, 1)
	k.f.Params = []*Buffer{o}
	k.Store(v, o, d(0))
	mem := NewMemory(k.f)
	if err := Exec(k.f, mem); err != nil {
		return 0, err
	}
	return OutputWords(o, mem[0])[0], nil
}

// checkScalar compares a scalar result with want, or its error with wantErr.
func checkScalar(t *testing.T, got int64, err error, want int64, wantErr string) {
	t.Helper()
	switch {
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("got %d, %v; want error containing %q", got, err, wantErr)
	case wantErr == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case wantErr == "" && got != want:
		t.Errorf("got %d (%#x), want %d (%#x)", got, got, want, want)
	}
}

type intCase struct {
	t       Type
	code    Opcode
	x, y    int64
	want    int64
	wantErr string
}

var intCases = []intCase{
	// i1: true is -1 as a signed number, 1 when widened.
	{I1, OpAdd, 1, 1, 0, ""},
	{I1, OpSub, 0, 1, 1, ""},
	{I1, OpMul, 1, 1, 1, ""},
	{I1, OpDiv, 0, 1, 0, ""},
	{I1, OpDiv, 1, 1, 0, "signed division overflow"},
	{I1, OpMin, 0, 1, 1, ""},
	{I1, OpMax, 0, 1, 0, ""},
	{I1, OpXor, 1, 1, 0, ""},
	{I1, OpShl, 1, 1, 0, "shift amount -1 out of range [0, 1) for i1"},
	// i3 and i4 wrap at their width.
	{I3, OpAdd, 3, 1, -4, ""},
	{I3, OpSub, -4, 1, 3, ""},
	{I3, OpMul, 3, 3, 1, ""},
	{I3, OpDiv, 3, -2, -1, ""},
	{I3, OpDiv, -4, -1, 0, "signed division overflow: -4 / -1 in i3"},
	{I3, OpRem, -3, 2, -1, ""},
	{I3, OpShl, 1, 2, -4, ""},
	{I3, OpShrS, -4, 1, -2, ""},
	{I3, OpShrU, -1, 1, 3, ""},
	{I3, OpShl, 1, 3, 0, "shift amount 3 out of range [0, 3) for i3"},
	{I4, OpAdd, 7, 1, -8, ""},
	{I4, OpMul, -8, -1, -8, ""},
	{I4, OpNeg, -8, 0, -8, ""},
	{I4, OpShrU, -8, 3, 1, ""},
	{I4, OpMin, -8, 7, -8, ""},
	{I4, OpMax, -8, 7, 7, ""},
	// i8
	{I8, OpAdd, 127, 1, -128, ""},
	{I8, OpSub, -128, 1, 127, ""},
	{I8, OpMul, 16, 16, 0, ""},
	{I8, OpMul, -7, 19, 123, ""},
	{I8, OpNeg, -128, 0, -128, ""},
	{I8, OpDiv, -7, 2, -3, ""},
	{I8, OpRem, -7, 2, -1, ""},
	{I8, OpRem, 7, -2, 1, ""},
	{I8, OpDiv, -128, -1, 0, "signed division overflow"},
	{I8, OpRem, -128, -1, 0, "signed division overflow"},
	{I8, OpShl, 1, 7, -128, ""},
	{I8, OpShl, 3, 7, -128, ""},
	{I8, OpShrS, -128, 7, -1, ""},
	{I8, OpShrU, -128, 7, 1, ""},
	{I8, OpShrU, -1, 0, -1, ""},
	{I8, OpShl, 1, 8, 0, "shift amount 8 out of range [0, 8) for i8"},
	{I8, OpShrS, 1, -1, 0, "shift amount -1 out of range"},
	{I8, OpAnd, -16, 0x3c, 0x30, ""},
	{I8, OpOr, -128, 1, -127, ""},
	{I8, OpXor, -1, 0x0f, -16, ""},
	{I8, OpMin, -1, 1, -1, ""},
	{I8, OpMax, -1, 1, 1, ""},
	// i16, i32, i64, index
	{I16, OpAdd, 32767, 1, -32768, ""},
	{I16, OpShrU, -1, 15, 1, ""},
	{I16, OpMul, 300, 300, 24464, ""},
	{I32, OpAdd, math.MaxInt32, 1, math.MinInt32, ""},
	{I32, OpMul, 65536, 65536, 0, ""},
	{I32, OpDiv, math.MinInt32, -1, 0, "signed division overflow"},
	{I32, OpDiv, 1, 0, 0, "integer division by zero"},
	{I32, OpRem, 1, 0, 0, "integer division by zero"},
	{I32, OpShrU, -1, 31, 1, ""},
	{I32, OpShl, 1, 32, 0, "shift amount 32 out of range"},
	{I64, OpAdd, math.MaxInt64, 1, math.MinInt64, ""},
	{I64, OpDiv, math.MinInt64, -1, 0, "signed division overflow"},
	{I64, OpRem, math.MinInt64, 3, -2, ""},
	{I64, OpShrU, -1, 63, 1, ""},
	{I64, OpShl, 1, 64, 0, "shift amount 64 out of range [0, 64) for i64"},
	{Index, OpSub, math.MinInt64, 1, math.MaxInt64, ""},
	{Index, OpMul, -3, 5, -15, ""},
}

func TestExecIntOps(t *testing.T) {
	for _, tc := range intCases {
		t.Run(fmt.Sprintf("%s %s %d %d", tc.code, tc.t, tc.x, tc.y), func(t *testing.T) {
			got, err := scalar(func(k *kernel) *Value {
				x, y := k.i(tc.t, tc.x), k.i(tc.t, tc.y)
				if tc.code == OpNeg {
					return k.Neg(x)
				}
				return k.Bin(tc.code, x, y)
			})
			checkScalar(t, got, err, tc.want, tc.wantErr)
		})
	}
}

// Float operands and results are given as bits.
func b32(f float32) uint64 { return uint64(math.Float32bits(f)) }
func h16(f float64) uint64 { return uint64(f64ToF16(f)) }

const (
	negZero32 = 0x80000000
	qnan32    = 0x7fc00000
	negZero16 = 0x8000
	qnan16    = 0x7e00
	inf16     = 0x7c00
)

type floatCase struct {
	t          Type
	code       Opcode
	x, y, want uint64
}

var floatCases = []floatCase{
	{F32, OpAdd, b32(0.1), b32(0.2), b32(float32(float32(0.1) + float32(0.2)))},
	{F32, OpSub, b32(1), b32(1e-8), b32(1)},
	{F32, OpMul, b32(1.0000001), b32(1.0000001), b32(1.0000002)},
	{F32, OpDiv, b32(1), b32(3), b32(float32(1) / 3)},
	{F32, OpDiv, b32(1), 0, b32(float32(math.Inf(1)))},
	{F32, OpDiv, b32(-1), 0, b32(float32(math.Inf(-1)))},
	{F32, OpMin, qnan32, b32(1), qnan32},
	{F32, OpMin, b32(1), 0x7f800001, qnan32},
	{F32, OpMax, b32(1), qnan32, qnan32},
	{F32, OpMin, negZero32, 0, negZero32},
	{F32, OpMin, 0, negZero32, negZero32},
	{F32, OpMax, negZero32, 0, 0},
	{F32, OpMax, 0, negZero32, 0},
	{F32, OpMin, b32(-2), b32(1), b32(-2)},
	{F32, OpMax, b32(float32(math.Inf(-1))), b32(3), b32(3)},
	{F32, OpNeg, 0, 0, negZero32},
	{F32, OpNeg, qnan32, 0, 0xffc00000},
	// f16: computed in float32, rounded to nearest even.
	{F16, OpAdd, h16(1), h16(0x1p-11), 0x3c00},         // tie, to even
	{F16, OpAdd, 0x3c01, h16(0x1p-11), 0x3c02},         // tie, to even
	{F16, OpAdd, h16(1), h16(0x1.8p-11), 0x3c01},       // above the tie
	{F16, OpAdd, h16(65504), h16(16), inf16},           // tie at the top rounds to Inf
	{F16, OpAdd, h16(65504), h16(8), 0x7bff},           // below the tie
	{F16, OpMul, h16(0x1p-14), h16(0x1p-11), 0},        // 2^-25: tie between 0 and 2^-24
	{F16, OpMul, h16(0x1p-14), h16(0x1.8p-11), 0x0001}, // subnormal result
	{F16, OpMul, 0x3555, h16(3), 0x3c00},               // f16(1/3)*3 = 1-2^-12: tie, to 1
	{F16, OpDiv, h16(1), h16(3), 0x3555},
	{F16, OpSub, h16(1), h16(1), 0},
	{F16, OpMin, qnan16, h16(1), qnan16},
	{F16, OpMax, h16(-1), 0x7c01, qnan16},
	{F16, OpMin, 0, negZero16, negZero16},
	{F16, OpMax, negZero16, 0, 0},
	{F16, OpMax, h16(-3), h16(2), h16(2)},
	{F16, OpNeg, h16(1.5), 0, h16(-1.5)},
}

func TestExecFloatOps(t *testing.T) {
	for _, tc := range floatCases {
		t.Run(fmt.Sprintf("%s %s %#x %#x", tc.code, tc.t, tc.x, tc.y), func(t *testing.T) {
			got, err := scalar(func(k *kernel) *Value {
				x, y := k.bits(tc.t, tc.x), k.bits(tc.t, tc.y)
				if tc.code == OpNeg {
					return k.Neg(x)
				}
				return k.Bin(tc.code, x, y)
			})
			checkScalar(t, got, err, int64(tc.want), "")
		})
	}
}

func TestExecCmpSelect(t *testing.T) {
	tests := []struct {
		t    Type
		p    Pred
		x, y uint64
		want int64
	}{
		{I32, PredLt, ^uint64(0), 1, 1}, // -1 < 1, signed
		{I32, PredGe, ^uint64(0), 1, 0},
		{I1, PredLt, 1, 0, 1}, // true is -1
		{I64, PredNe, 3, 3, 0},
		{Index, PredLe, 3, 3, 1},
		{F32, PredEq, qnan32, qnan32, 0},
		{F32, PredNe, qnan32, b32(1), 1},
		{F32, PredLt, qnan32, b32(1), 0},
		{F32, PredGe, b32(1), qnan32, 0},
		{F32, PredEq, negZero32, 0, 1},
		{F32, PredGt, b32(2), b32(1), 1},
		{F16, PredNe, qnan16, qnan16, 1},
		{F16, PredLe, h16(-1), h16(-1), 1},
		{F16, PredLt, h16(1), h16(0x1.004p0), 1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s %#x %#x", tc.p, tc.t, tc.x, tc.y), func(t *testing.T) {
			got, err := scalar(func(k *kernel) *Value {
				c := k.Cmp(tc.p, k.bits(tc.t, tc.x), k.bits(tc.t, tc.y))
				return k.Select(c, k.i(I32, 10), k.i(I32, 20))
			})
			checkScalar(t, got, err, 20-10*tc.want, "")
		})
	}
}
