package runtime

import (
	"math"
	"testing"
)

// Every one of the 65536 binary16 patterns converts to the value the
// format defines: (-1)^s · 2^(e-15) · (1 + m/1024), subnormals
// 2^-14 · m/1024, e = 31 for Inf and NaN.
func TestF16Exhaustive(t *testing.T) {
	src := make([]uint16, 1<<16)
	for i := range src {
		src[i] = uint16(i)
	}
	got := F16ToF32(src)
	for i, h := range src {
		s, e, m := h>>15, int(h>>10&0x1F), float64(h&0x3FF)
		var want float64
		switch {
		case e == 31 && m == 0:
			want = math.Inf(1)
		case e == 31:
			want = math.NaN()
		case e == 0:
			want = math.Ldexp(m/1024, -14)
		default:
			want = math.Ldexp(1+m/1024, e-15)
		}
		if s == 1 {
			want = -want
		}
		g := float64(got[i])
		if math.IsNaN(want) {
			// A NaN keeps its sign, quiet bit and payload.
			if b := math.Float32bits(got[i]); !math.IsNaN(g) || b>>31 != uint32(s) || b>>13&0x3FF != uint32(h&0x3FF) {
				t.Fatalf("F16(%#04x) = %#08x, want a NaN with the same sign and payload", h, b)
			}
			continue
		}
		if g != want || math.Signbit(g) != (s == 1) {
			t.Fatalf("F16(%#04x) = %g, want %g", h, g, want)
		}
	}
}

func TestBF16(t *testing.T) {
	for _, tc := range []struct {
		h    uint16
		want float32
	}{
		{0x3F80, 1}, {0xC000, -2}, {0x0000, 0}, {0x7F80, float32(math.Inf(1))},
		{0x0001, math.Float32frombits(0x00010000)}, {0x7F7F, math.Float32frombits(0x7F7F0000)},
	} {
		if got := BF16ToF32([]uint16{tc.h})[0]; got != tc.want {
			t.Errorf("BF16(%#04x) = %g, want %g", tc.h, got, tc.want)
		}
	}
	if v := BF16(0x7FC1); !math.IsNaN(float64(v)) {
		t.Errorf("BF16(0x7FC1) = %g, want NaN", v)
	}
	if v := F16(0x3C00); v != 1 {
		t.Errorf("F16(0x3C00) = %g, want 1", v)
	}
}
