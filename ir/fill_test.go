package ir

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

func TestHash32(t *testing.T) {
	// Computed independently from the specification.
	tests := []struct {
		i     uint32
		param int
		want  uint32
	}{
		{0, 0, 0x01fce552},
		{1, 0, 0xe577f3aa},
		{0, 1, 0x04f8d29e},
		{12345, 2, 0xb99a99be},
		{0xffffffff, 7, 0x4f9c0090},
	}
	for _, tc := range tests {
		if got := Hash32(tc.i, tc.param); got != tc.want {
			t.Errorf("Hash32(%d, %d) = %#08x, want %#08x", tc.i, tc.param, got, tc.want)
		}
	}
}

// TestFillInput decodes every element of a buffer of each type and checks
// it against the specification, and that OutputWords reads it back.
func TestFillInput(t *testing.T) {
	tests := []struct {
		elem  Type
		bytes int
		want  func(x uint32) int64 // the element's word from its hash
	}{
		{I8, 1, func(x uint32) int64 { return int64(int8(x)) }},
		{I16, 2, func(x uint32) int64 { return int64(int16(x)) }},
		{I32, 4, func(x uint32) int64 { return int64(int32(x)) }},
		{I64, 8, func(x uint32) int64 { return int64(int32(x)) }},
		{F32, 4, func(x uint32) int64 {
			return int64(math.Float32bits(float32(float64(int64(x>>16)-32768) / 32768)))
		}},
		{F16, 2, func(x uint32) int64 { return int64(f64ToF16(float64(int64(x>>24)-128) / 128)) }},
	}
	for _, tc := range tests {
		t.Run(tc.elem.String(), func(t *testing.T) {
			b := param("b", In, tc.elem, 3, 7)
			data := FillInput(b, 2)
			if len(data) != 21*tc.bytes {
				t.Fatalf("FillInput gave %d bytes, want %d", len(data), 21*tc.bytes)
			}
			words := OutputWords(b, data)
			for i, w := range words {
				if want := tc.want(Hash32(uint32(i), 2)); w != want {
					t.Fatalf("element %d = %#x, want %#x", i, w, want)
				}
			}
		})
	}
}

func TestFillInputRanges(t *testing.T) {
	f := FillInput(param("f", In, F32, 1000), 0)
	h := FillInput(param("h", In, F16, 1000), 0)
	for i := range 1000 {
		x := math.Float32frombits(binary.LittleEndian.Uint32(f[4*i:]))
		y := F16ToF32(binary.LittleEndian.Uint16(h[2*i:]))
		if x < -1 || x >= 1 || y < -1 || y >= 1 {
			t.Fatalf("element %d: f32 %v, f16 %v, want both in [-1, 1)", i, x, y)
		}
	}
}

func TestFillPacked(t *testing.T) {
	b := param("q", In, I4, 3, 3) // 9 codes in 5 bytes
	data := FillInput(b, 0)
	if len(data) != 5 {
		t.Fatalf("got %d bytes, want 5", len(data))
	}
	for i, c := range data {
		if want := byte(Hash32(uint32(i), 0)); c != want {
			t.Errorf("byte %d = %#02x, want %#02x", i, c, want)
		}
	}
	words := OutputWords(b, data)
	for e, w := range words {
		nib := data[e/2] >> (4 * (e % 2)) & 0xf
		if want := int64(nib) - int64(nib&8)*2; w != want {
			t.Errorf("code %d = %d, want %d", e, w, want)
		}
	}
}

func TestOutputWordsFloatBits(t *testing.T) {
	f := param("f", Out, F32, 2)
	data := make([]byte, 8)
	binary.LittleEndian.PutUint32(data, math.Float32bits(-1))
	binary.LittleEndian.PutUint32(data[4:], 0x7fc00000)
	if got := OutputWords(f, data); got[0] != 0xbf800000 || got[1] != 0x7fc00000 {
		t.Errorf("f32 words %#x, want zero-extended bits", got)
	}
	h := param("h", Out, F16, 1)
	if got := OutputWords(h, []byte{0x00, 0xbc}); got[0] != 0xbc00 {
		t.Errorf("f16 word %#x, want 0xbc00", got[0])
	}
}

// ExecGenerated feeds FillInput's inputs to the function and returns its
// outputs as OutputWords: a copy kernel returns the input's words.
func TestExecGeneratedCopies(t *testing.T) {
	in := &Buffer{Name: "X", Kind: In, Elem: I16, Shape: []int64{3, 5}}
	out := &Buffer{Name: "Y", Kind: Out, Elem: I16, Shape: []int64{3, 5}}
	f := &Func{Name: "copy", Params: []*Buffer{in, out}}
	b := NewBuilder(f)
	li := b.For("i", []*Expr{Const(0)}, []*Expr{Const(3)}, 1, nil, nil)
	b.Block = li.Loop.Body
	lj := b.For("j", []*Expr{Const(0)}, []*Expr{Const(5)}, 1, nil, nil)
	b.Block = lj.Loop.Body
	idx := AffineIndex(Dim(li.Loop.IV), Dim(lj.Loop.IV))
	b.Store(b.Load(in, idx), out, idx)
	b.Yield(nil)
	b.Block = li.Loop.Body
	b.Yield(nil)
	got, err := ExecGenerated(f)
	if err != nil {
		t.Fatal(err)
	}
	want := OutputWords(in, FillInput(in, 0))
	if len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
