package runtime

import "fmt"

// Q35 is a K×N weight matrix in the 3.5-bit format (docs/format.md): along
// K, even positions hold signed 4-bit codes (-8..7) and odd positions
// signed 3-bit codes (-4..3). Each row's 16-weight blocks are packed into
// 7 bytes:
//
//	bytes 0..3  the eight 4-bit codes of the block's even positions, two per
//	            byte, pair j in byte j/2, low nibble for even j
//	bytes 4..5  bits 0-1 of the eight 3-bit codes, four per byte, pair j in
//	            byte 4 + j/4 at bit 2*(j%4)
//	byte  6     bit 2 (the sign bit) of the eight 3-bit codes, pair j at bit j
//
// where pair j of block b is the weights at k = 16b + 2j (4-bit) and
// k + 1 (3-bit). Every group of G weights along K has two f32 scales per
// row: ScaleEven for its 4-bit positions, ScaleOdd for its 3-bit ones.
type Q35 struct {
	K, N, G   int
	Codes     []byte    // N rows of K/16*7 bytes
	ScaleEven []float32 // N rows of K/G scales
	ScaleOdd  []float32 // N rows of K/G scales
}

// Q35BlockBytes is the size of one packed block of 16 weights.
const Q35BlockBytes = 7

// CheckQ35Shape reports why K, N, G cannot form a Q35 matrix, or nil.
func CheckQ35Shape(k, n, g int) error {
	switch {
	case k <= 0 || n <= 0:
		return fmt.Errorf("shape %dx%d: dimensions must be positive", k, n)
	case g <= 0 || g%8 != 0:
		return fmt.Errorf("group size %d: must be a positive multiple of 8", g)
	case k%16 != 0:
		return fmt.Errorf("K = %d is not a multiple of 16 (the weights of a 7-byte block)", k)
	case k%g != 0:
		return fmt.Errorf("K = %d is not a multiple of the group size %d", k, g)
	}
	return nil
}

// NewQ35 allocates a zeroed Q35 matrix.
func NewQ35(k, n, g int) (*Q35, error) {
	if err := CheckQ35Shape(k, n, g); err != nil {
		return nil, err
	}
	return &Q35{K: k, N: n, G: g,
		Codes:     make([]byte, n*k/16*Q35BlockBytes),
		ScaleEven: make([]float32, n*k/g),
		ScaleOdd:  make([]float32, n*k/g),
	}, nil
}

// RowBytes is the number of code bytes per row.
func (q *Q35) RowBytes() int { return q.K / 16 * Q35BlockBytes }

// Code returns the signed code of weight (n, k).
func (q *Q35) Code(n, k int) int8 {
	blk := q.Codes[n*q.RowBytes()+k/16*Q35BlockBytes:]
	j := (k % 16) / 2
	if k%2 == 0 {
		return int8(blk[j/2]<<(4-4*(j%2))) >> 4
	}
	lo := (blk[4+j/4] >> (2 * (j % 4))) & 3
	hi := (blk[6] >> j) & 1
	return int8((hi<<2|lo)<<5) >> 5
}

// SetCode stores code c (which must fit its position: -8..7 at even k,
// -4..3 at odd k) for weight (n, k).
func (q *Q35) SetCode(n, k int, c int8) {
	blk := q.Codes[n*q.RowBytes()+k/16*Q35BlockBytes:]
	j := (k % 16) / 2
	if k%2 == 0 {
		sh := 4 * (j % 2)
		blk[j/2] = blk[j/2]&^(0xF<<sh) | (byte(c)&0xF)<<sh
		return
	}
	sh := 2 * (j % 4)
	blk[4+j/4] = blk[4+j/4]&^(3<<sh) | (byte(c)&3)<<sh
	blk[6] = blk[6]&^(1<<j) | (byte(c)>>2&1)<<j
}

// Scale returns the scale that applies to weight (n, k).
func (q *Q35) Scale(n, k int) float32 {
	i := n*(q.K/q.G) + k/q.G
	if k%2 == 0 {
		return q.ScaleEven[i]
	}
	return q.ScaleOdd[i]
}

// Dequant returns the value weight (n, k) stands for: its scale times its
// code, rounded to f32.
func (q *Q35) Dequant(n, k int) float32 {
	return q.Scale(n, k) * float32(q.Code(n, k))
}

// Bytes returns the storage size: codes plus scales.
func (q *Q35) Bytes() int { return len(q.Codes) + 4*(len(q.ScaleEven)+len(q.ScaleOdd)) }

// Q35BitsPerWeight is the storage cost per weight with f32 scales: 3.5 bits
// of code plus two 32-bit scales per group of g.
func Q35BitsPerWeight(g int) float64 { return 3.5 + 64/float64(g) }
