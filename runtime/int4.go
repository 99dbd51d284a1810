package runtime

import "fmt"

// Int4 is a K×N weight matrix of signed 4-bit codes (-8..7) with one f32
// scale per group of G weights along K per row. Codes are packed two per
// byte along K, the even k in the low nibble: weight (n, k) is in byte
// n*K/2 + k/2. This is q35c's `i4[N, K]` buffer layout.
type Int4 struct {
	K, N, G int
	Codes   []byte    // N rows of K/2 bytes
	Scales  []float32 // N rows of K/G scales
}

// CheckGroupedShape reports why K, N, G cannot form a grouped matrix whose
// groups are a multiple of mult, or nil.
func CheckGroupedShape(k, n, g, mult int) error {
	switch {
	case k <= 0 || n <= 0:
		return fmt.Errorf("shape %dx%d: dimensions must be positive", k, n)
	case g <= 0 || g%mult != 0:
		return fmt.Errorf("group size %d: must be a positive multiple of %d", g, mult)
	case k%g != 0:
		return fmt.Errorf("K = %d is not a multiple of the group size %d", k, g)
	}
	return nil
}

// NewInt4 allocates a zeroed Int4 matrix.
func NewInt4(k, n, g int) (*Int4, error) {
	if err := CheckGroupedShape(k, n, g, 2); err != nil {
		return nil, err
	}
	return &Int4{K: k, N: n, G: g, Codes: make([]byte, n*k/2), Scales: make([]float32, n*k/g)}, nil
}

// Code returns the signed code of weight (n, k).
func (q *Int4) Code(n, k int) int8 {
	b := q.Codes[(n*q.K+k)/2]
	return int8(b<<(4-4*(k%2))) >> 4
}

// SetCode stores code c (-8..7) for weight (n, k).
func (q *Int4) SetCode(n, k int, c int8) {
	i, sh := (n*q.K+k)/2, 4*(k%2)
	q.Codes[i] = q.Codes[i]&^(0xF<<sh) | (byte(c)&0xF)<<sh
}

// Scale returns the scale of weight (n, k).
func (q *Int4) Scale(n, k int) float32 { return q.Scales[n*(q.K/q.G)+k/q.G] }

// Dequant returns scale × code for weight (n, k).
func (q *Int4) Dequant(n, k int) float32 { return q.Scale(n, k) * float32(q.Code(n, k)) }

// Bytes returns the storage size: codes plus scales.
func (q *Int4) Bytes() int { return len(q.Codes) + 4*len(q.Scales) }

// Int8 is a K×N weight matrix of signed 8-bit codes with one f32 scale per
// group of G along K per row; weight (n, k) is byte n*K + k.
type Int8 struct {
	K, N, G int
	Codes   []int8
	Scales  []float32
}

// NewInt8 allocates a zeroed Int8 matrix.
func NewInt8(k, n, g int) (*Int8, error) {
	if err := CheckGroupedShape(k, n, g, 1); err != nil {
		return nil, err
	}
	return &Int8{K: k, N: n, G: g, Codes: make([]int8, n*k), Scales: make([]float32, n*k/g)}, nil
}

// Dequant returns scale × code for weight (n, k).
func (q *Int8) Dequant(n, k int) float32 {
	return q.Scales[n*(q.K/q.G)+k/q.G] * float32(q.Codes[n*q.K+k])
}

// Bytes returns the storage size: codes plus scales.
func (q *Int8) Bytes() int { return len(q.Codes) + 4*len(q.Scales) }
