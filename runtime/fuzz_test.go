package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

// FuzzQ35RoundTrip quantizes fuzzed bytes read as f32 weights. The first
// byte picks the shape (G 16 or 32, K = G or 2G, 1 to 3 rows) and the
// options; the rest are the weights, little-endian, zero-padded. A NaN or
// ±Inf must give an error naming the first one; anything else must
// quantize, keep every in-range weight within scale/2 (qtCheckCode), give
// scale 0 exactly to all-zero slots, and the MSE search must not lose to
// absmax.
func FuzzQ35RoundTrip(f *testing.F) {
	f.Add([]byte{0x00, 0x00, 0x00, 0x80, 0x3F})
	f.Add(append([]byte{0x05}, qtF32Bytes(1, -2, 3.5, 1e-41, 3e38, -0.1, 0, 7)...))
	f.Add(append([]byte{0x22}, qtF32Bytes(0, 0, float32(math.NaN()), 1)...))
	f.Fuzz(qtCheckRoundTrip)
}

// qtCheckRoundTrip is FuzzQ35RoundTrip's check of one input.
func qtCheckRoundTrip(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	hdr := data[0]
	g := 16 << (hdr & 1)
	k, n := g*(1+int(hdr>>1&1)), 1+int(hdr>>2&3)%3
	var opts []Option
	if hdr&0x20 != 0 {
		opts = append(opts, WithSharedScale())
	}
	w := qtF32s(data[1:], k*n)
	q, err := QuantizeQ35(w, k, n, g, opts...)
	if i := qtFirstNonFinite(w); i >= 0 {
		if want := fmt.Sprintf("row %d, column %d is", i/k, i%k); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("non-finite weight at %d: error %v, want %q", i, err, want)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	qtCheckQ35(t, "fuzz", q, w)
	qtCheckZeroSlots(t, q, w, hdr&0x20 != 0)
	abs, err := QuantizeQ35(w, k, n, g, append(opts, WithScaleMethod(Absmax))...)
	if err != nil {
		t.Fatal(err)
	}
	mse, ref := qtExactGroupErrors(w, q), qtExactGroupErrors(w, abs)
	for i := range mse {
		if mse[i] > ref[i]*(1+1e-9) {
			t.Fatalf("group %d: squared error %g with the search, %g with absmax", i, mse[i], ref[i])
		}
	}
}

// qtExactGroupErrors is the squared error of each group of q against w
// with scale × code exact in float64, the error the MSE search minimizes.
// Dequant rounds the product to f32, and measured after that rounding the
// search can lose to absmax by a few parts in 10^9
// (TestQ35RoundTripRegressionF32Rounding).
func qtExactGroupErrors(w []float32, q *Q35) []float64 {
	var out []float64
	for i := 0; i < len(w); i += q.G {
		var e float64
		for j := i; j < i+q.G; j++ {
			n, k := j/q.K, j%q.K
			d := float64(w[j]) - float64(q.Scale(n, k))*float64(q.Code(n, k))
			e += d * d
		}
		out = append(out, e)
	}
	return out
}

// FuzzPackUnpack applies fuzzed SetCode calls to a Q35 and an Int4 matrix
// and checks every position against a model: the first byte picks the
// shape (K 16 to 64, 1 to 3 rows), then each 3 bytes are a position (two
// bytes, modulo the size) and a code (its low 4 bits, or 3 bits at odd K
// in Q35, sign-extended). Q35 blocks are also decoded independently,
// following docs/format.md bit by bit.
func FuzzPackUnpack(f *testing.F) {
	f.Add([]byte{0x00, 0, 0, 0x08, 1, 0, 0x04})
	f.Add([]byte{0x07, 0xFF, 0xFF, 0xFF, 0x11, 0, 0x03, 0x12, 0, 0x7C})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		k, n := 16*(1+int(data[0]&3)), 1+int(data[0]>>2&3)%3
		q35, _ := NewQ35(k, n, 16)
		i4, _ := NewInt4(k, n, 2)
		m35, m4 := make([]int8, k*n), make([]int8, k*n)
		for ops := data[1:]; len(ops) >= 3; ops = ops[3:] {
			i := int(binary.LittleEndian.Uint16(ops)) % (k * n)
			c4 := int8(ops[2]<<4) >> 4
			c := c4
			if i%k%2 == 1 {
				c = int8(ops[2]<<5) >> 5
			}
			q35.SetCode(i/k, i%k, c)
			m35[i] = c
			i4.SetCode(i/k, i%k, c4)
			m4[i] = c4
		}
		for i := range m35 {
			if got := q35.Code(i/k, i%k); got != m35[i] {
				t.Fatalf("q35 (%d, %d): Code %d, want %d", i/k, i%k, got, m35[i])
			}
			if got := i4.Code(i/k, i%k); got != m4[i] {
				t.Fatalf("int4 (%d, %d): Code %d, want %d", i/k, i%k, got, m4[i])
			}
		}
		for b := 0; b < len(q35.Codes); b += 7 {
			got := qtDecodeBlock([7]byte(q35.Codes[b : b+7]))
			first := b / 7 * 16
			if want := [16]int8(m35[first : first+16]); got != want {
				t.Fatalf("block %d (% X) decodes to %v, want %v", b/7, q35.Codes[b:b+7], got, want)
			}
		}
	})
}

// qtDecodeBlock decodes 7 bytes as docs/format.md describes, without
// (*Q35).Code: pair j has its 4-bit code in nibble j%2 of byte j/2, the
// low two bits of its 3-bit code at bit 2(j%4) of byte 4+j/4, the high
// bit at bit j of byte 6.
func qtDecodeBlock(blk [7]byte) [16]int8 {
	var out [16]int8
	for j := range 8 {
		nib := int(blk[j/2]>>(4*(j%2))) & 0xF
		c3 := int(blk[4+j/4]>>(2*(j%4)))&3 | int(blk[6]>>j&1)<<2
		if nib >= 8 {
			nib -= 16
		}
		if c3 >= 4 {
			c3 -= 8
		}
		out[2*j], out[2*j+1] = int8(nib), int8(c3)
	}
	return out
}

// qtCheckZeroSlots checks that a scale is 0 exactly when the weights it
// scales (one parity of a group, or the whole group if shared) are all 0.
func qtCheckZeroSlots(t *testing.T, q *Q35, w []float32, shared bool) {
	t.Helper()
	for r := range q.N {
		for gi := range q.K / q.G {
			grp := w[r*q.K+gi*q.G : r*q.K+gi*q.G+q.G]
			i := r*(q.K/q.G) + gi
			even, odd := qtAbsmax(qtParity(grp, 0)), qtAbsmax(qtParity(grp, 1))
			if shared {
				even = max(even, odd)
				odd = even
			}
			if (even == 0) != (q.ScaleEven[i] == 0) || (odd == 0) != (q.ScaleOdd[i] == 0) {
				t.Fatalf("row %d group %d: max|w| %g even, %g odd; scales %g, %g", r, gi, even, odd, q.ScaleEven[i], q.ScaleOdd[i])
			}
		}
	}
}

// qtF32s reads n little-endian f32 values from b, zero-padded.
func qtF32s(b []byte, n int) []float32 {
	w := make([]float32, n)
	var buf [4]byte
	for i := range w {
		clear(buf[:])
		if 4*i < len(b) {
			copy(buf[:], b[4*i:])
		}
		w[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[:]))
	}
	return w
}

func qtF32Bytes(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func qtFirstNonFinite(w []float32) int {
	for i, v := range w {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// FuzzQ35RoundTrip found weights (testdata/fuzz/FuzzQ35RoundTrip/
// search_loses_after_f32_rounding) where the searched scale's squared
// error, measured through Dequant (scale × code rounded to f32), was
// 1.8394618139640115e-4 against absmax's 1.8394618075859883e-4: 3.5 parts
// in 10^9 worse, beyond the check's 10^-9. The search minimizes the error
// with scale × code exact, and in that measure it does not lose; the
// check now uses it. This test keeps both facts.
func TestQ35RoundTripRegressionF32Rounding(t *testing.T) {
	data := []byte("10x\xe5\xbc0 \xfe<00000\xe2\x9b<00\x98;7¤\xbc02\a<0\xd1?\xbcAxn<xCT\xbcX1\xfc<000002\xf1;0\xf1\xf4\xbc7\xda\xfd<00p\xbb0\xa7{\xbc07\x94<B\x1eQ=00000ٳ\xbc0\xb9\x98\xbc01\x9d\xbb0\xfa\xb0\xbc00000A\\<0\xeaλ01?<0zh<00000000 \xcb'<")
	qtCheckRoundTrip(t, data)
	// data[0] = '1': G = K = 32, one row, a shared scale.
	w := qtF32s(data[1:], 32)
	q, err := QuantizeQ35(w, 32, 1, 32, WithSharedScale())
	if err != nil {
		t.Fatal(err)
	}
	abs, err := QuantizeQ35(w, 32, 1, 32, WithSharedScale(), WithScaleMethod(Absmax))
	if err != nil {
		t.Fatal(err)
	}
	mse, ref := qtGroupErrors(w, 32, 32, q.Dequant)[0], qtGroupErrors(w, 32, 32, abs.Dequant)[0]
	if mse <= ref {
		t.Errorf("through Dequant the search no longer loses (%.17g, absmax %.17g): the f32 rounding case is gone", mse, ref)
	}
	t.Logf("through Dequant: %.17g with the search, %.17g with absmax", mse, ref)
}
