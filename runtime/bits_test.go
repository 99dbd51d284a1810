package runtime

import "testing"

// Bits per weight agree with what the types actually store.
func TestBitsPerWeight(t *testing.T) {
	for _, g := range []int{16, 32, 128, 256} {
		k, n := 2*g, 3
		weights := float64(k * n)
		q35, _ := NewQ35(k, n, g)
		i4, _ := NewInt4(k, n, g)
		i8, _ := NewInt8(k, n, g)
		for _, tc := range []struct {
			name      string
			got, want float64
		}{
			{"q35", Q35BitsPerWeight(g), 8 * float64(q35.Bytes()) / weights},
			{"int4", Int4BitsPerWeight(g), 8 * float64(i4.Bytes()) / weights},
			{"int8", Int8BitsPerWeight(g), 8 * float64(i8.Bytes()) / weights},
			{"int3", Int3BitsPerWeight(g), 3 + 32/float64(g)},
		} {
			if tc.got != tc.want {
				t.Errorf("G=%d %s: %g bits per weight, storage says %g", g, tc.name, tc.got, tc.want)
			}
		}
	}
	if b := Q35BitsPerWeight(128); b != 4 {
		t.Errorf("Q35 at G=128: %g bits per weight, want 4", b)
	}
}
