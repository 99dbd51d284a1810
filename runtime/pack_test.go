package runtime

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// Every code at every position of a block, for several group sizes, rows
// and blocks, over random neighbours: SetCode then Code returns the code,
// the block's other positions keep theirs, and no byte outside the block
// changes. For one block, every pair of (position, code) is also set in
// turn and both read back.
func TestQ35PackExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for _, g := range []int{16, 32, 128} {
		q, _ := NewQ35(2*g, 3, g)
		for i := range q.Codes {
			q.Codes[i] = byte(rng.Uint32())
		}
		for _, r := range []int{0, q.N - 1} {
			for _, b := range []int{0, q.K/16 - 1} {
				qtCheckBlock(t, fmt.Sprintf("G=%d row %d block %d", g, r, b), q, r, b, g == 32 && r == 0 && b == 1)
			}
		}
	}
}

func qtCheckBlock(t *testing.T, what string, q *Q35, r, b int, pairs bool) {
	before := slices.Clone(q.Codes)
	base := q.RowBytes()*r + 7*b
	var bg [16]int8
	for p := range 16 {
		bg[p] = q.Code(r, 16*b+p)
	}
	for p := range 16 {
		for c := qtRange(p).lo; c <= qtRange(p).hi; c++ {
			q.SetCode(r, 16*b+p, int8(c))
			want := bg
			want[p] = int8(c)
			qtExpectBlock(t, what, q, r, b, want)
			if pairs {
				for p2 := range 16 {
					for c2 := qtRange(p2).lo; p2 != p && c2 <= qtRange(p2).hi; c2++ {
						q.SetCode(r, 16*b+p2, int8(c2))
						if q.Code(r, 16*b+p) != int8(c) || q.Code(r, 16*b+p2) != int8(c2) {
							t.Fatalf("%s: set %d at %d then %d at %d: read %d, %d", what, c, p, c2, p2, q.Code(r, 16*b+p), q.Code(r, 16*b+p2))
						}
						q.SetCode(r, 16*b+p2, bg[p2])
					}
				}
			}
			q.SetCode(r, 16*b+p, bg[p])
		}
		for i := range q.Codes {
			if (i < base || i >= base+7) && q.Codes[i] != before[i] {
				t.Fatalf("%s: writing position %d changed byte %d outside the block", what, p, i)
			}
		}
	}
	if !slices.Equal(q.Codes, before) {
		t.Fatalf("%s: restoring every code did not restore the bytes", what)
	}
}

func qtExpectBlock(t *testing.T, what string, q *Q35, r, b int, want [16]int8) {
	t.Helper()
	for p := range 16 {
		if got := q.Code(r, 16*b+p); got != want[p] {
			t.Fatalf("%s: position %d reads %d, want %d (block %v)", what, p, got, want[p], want)
		}
	}
}

// qtRange is the code range of position k along K.
func qtRange(k int) codeRange {
	if k%2 == 1 {
		return range3
	}
	return range4
}

func TestInt4PackExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, g := range []int{2, 16, 128} {
		q, _ := NewInt4(2*g, 3, g)
		for i := range q.Codes {
			q.Codes[i] = byte(rng.Uint32())
		}
		model := make([]int8, q.K*q.N)
		for i := range model {
			model[i] = q.Code(i/q.K, i%q.K)
		}
		for _, i := range []int{0, 1, q.K - 2, q.K - 1, q.K, q.K + 1, len(model) - 2, len(model) - 1} {
			for c := -8; c <= 7; c++ {
				q.SetCode(i/q.K, i%q.K, int8(c))
				model[i] = int8(c)
				for j := range model {
					if got := q.Code(j/q.K, j%q.K); got != model[j] {
						t.Fatalf("G=%d: after code %d at %d, position %d reads %d, want %d", g, c, i, j, got, model[j])
					}
				}
			}
		}
	}
}

// The worked example of docs/format.md, checked: these 16 weights and
// scales give these codes, which pack into these 7 bytes and dequantize to
// these values.
func TestQ35FormatExample(t *testing.T) {
	w := []float32{-2.0, -2.0, 1.75, 1.5, -0.3, -0.6, 0.1, 0.2, 0.8, 0.4, -1.2, -0.9, 0.2, 1.1, 0.5, -1.6}
	se, so := float32(0.25), float32(0.5)
	codes := []int8{-8, -4, 7, 3, -1, -1, 0, 0, 3, 1, -5, -2, 1, 2, 2, -3}
	q, _ := NewQ35(16, 1, 16)
	q.ScaleEven[0], q.ScaleOdd[0] = se, so
	for k, v := range w {
		s, cr := se, range4
		if k%2 == 1 {
			s, cr = so, range3
		}
		if c := quantCode(v, s, cr); c != codes[k] {
			t.Errorf("weight %d (%g): code %d, want %d", k, v, c, codes[k])
		}
		q.SetCode(0, k, codes[k])
	}
	deq := []float32{-2, -2, 1.75, 1.5, -0.25, -0.5, 0, 0, 0.75, 0.5, -1.25, -1, 0.25, 1, 0.5, -1.5}
	for k, want := range deq {
		if got := q.Dequant(0, k); got != want {
			t.Errorf("weight %d dequantizes to %g, want %g", k, got, want)
		}
	}
	hex := fmt.Sprintf("% X", q.Codes)
	if hex != "78 0F B3 21 3C 69 A5" {
		t.Errorf("block bytes %s", hex)
	}
	doc, err := os.ReadFile("../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), hex) {
		t.Errorf("docs/format.md does not show the example block %s", hex)
	}
}
