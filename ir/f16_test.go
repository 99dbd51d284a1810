package ir

import (
	"math"
	"testing"
)

// TestF16Rounding checks F32ToF16 and f64ToF16 on every binary16 value,
// every midpoint between neighbours (ties go to the even one) and the
// nearest numbers on either side of each midpoint.
func TestF16Rounding(t *testing.T) {
	for h := uint16(0); h <= 0x7bff; h++ {
		lo := F16ToF32(h)
		hi := float32(65536) // where the next value would be, past 0x7bff
		if h < 0x7bff {
			hi = F16ToF32(h + 1)
		}
		mid := (lo + hi) / 2 // exact: 12 significant bits at most
		even := h + h&1
		for _, sign := range []uint16{0, 0x8000} {
			s := float32(1)
			if sign != 0 {
				s = -1
			}
			checkF16(t, s*lo, sign|h)
			checkF16(t, s*mid, sign|even)
			checkF16(t, s*math.Nextafter32(mid, 0), sign|h)
			checkF16(t, s*math.Nextafter32(mid, float32(math.Inf(1))), sign|(h+1))
			checkF16From64(t, float64(s)*math.Nextafter(float64(mid), 0), sign|h)
			checkF16From64(t, float64(s)*math.Nextafter(float64(mid), math.Inf(1)), sign|(h+1))
		}
	}
}

func checkF16(t *testing.T, f float32, want uint16) {
	t.Helper()
	if got := F32ToF16(f); got != want {
		t.Fatalf("F32ToF16(%g) = %#04x, want %#04x", f, got, want)
	}
	if got := f64ToF16(float64(f)); got != want {
		t.Fatalf("f64ToF16(%g) = %#04x, want %#04x", f, got, want)
	}
}

func checkF16From64(t *testing.T, f float64, want uint16) {
	t.Helper()
	if got := f64ToF16(f); got != want {
		t.Fatalf("f64ToF16(%g) = %#04x, want %#04x", f, got, want)
	}
}

func TestF16Specials(t *testing.T) {
	tests := []struct {
		in   float64
		want uint16
	}{
		{math.Inf(1), 0x7c00},
		{math.Inf(-1), 0xfc00},
		{1e300, 0x7c00},
		{0x1p-26, 0},
		{-0x1p-300, 0x8000},
		{1 + 0x1p-11 + 0x1p-40, 0x3c01}, // rounding through float32 first gives 0x3c00
	}
	for _, tc := range tests {
		if got := f64ToF16(tc.in); got != tc.want {
			t.Errorf("f64ToF16(%g) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	if h := f64ToF16(math.NaN()); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("f64ToF16(NaN) = %#04x, not a NaN", h)
	}
	k := newKernel()
	if got := k.ConstFloat(F16, 1+0x1p-11+0x1p-40).Def.Bits; got != 0x3c01 {
		t.Errorf("ConstFloat(F16, 1+2^-11+2^-40) has bits %#x, want 0x3c01", got)
	}
}
