package tensorio

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DType is an element type, spelled as in safetensors headers.
type DType string

// The element types q35c names. Any other safetensors dtype the parser
// knows (I16, U16, U32, U64, F8_E4M3, F8_E5M2) is carried through as read.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	F64  DType = "F64"
	U8   DType = "U8"
	I8   DType = "I8"
	I32  DType = "I32"
	I64  DType = "I64"
	BOOL DType = "BOOL"
)

var dtypeSizes = map[DType]int{
	BOOL: 1, U8: 1, I8: 1, "F8_E4M3": 1, "F8_E5M2": 1,
	"I16": 2, "U16": 2, F16: 2, BF16: 2,
	I32: 4, "U32": 4, F32: 4,
	F64: 8, I64: 8, "U64": 8,
}

// Size returns the size of one element in bytes, or 0 for an unknown dtype.
func (d DType) Size() int { return dtypeSizes[d] }

// IsFloat reports whether d is one of the float types q35c quantizes.
func (d DType) IsFloat() bool { return d == F32 || d == F16 || d == BF16 }

// Tensor is one tensor of a file: little-endian elements in C (row-major)
// order.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	// Data is a view of the file's mapping, valid until the File is closed.
	Data []byte
	// Offset is the position of Data in the file.
	Offset int64
}

// NumElements returns the product of the shape (1 for a scalar).
func (t *Tensor) NumElements() int { return numElements(t.Shape) }

// ShapeString renders the shape as "4096x11008" ("scalar" for rank 0).
func (t *Tensor) ShapeString() string { return ShapeString(t.Shape) }

// ShapeString renders a shape as "4096x11008" ("scalar" for rank 0).
func ShapeString(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// byteSize returns the byte size of a tensor of this shape and dtype, or an
// error if a dimension is negative or the size does not fit an int64.
func byteSize(shape []int, d DType) (int64, error) {
	size := int64(d.Size())
	if size == 0 {
		return 0, fmt.Errorf("unknown dtype %q", string(d))
	}
	for _, dim := range shape {
		if dim < 0 {
			return 0, fmt.Errorf("negative dimension %d", dim)
		}
		if dim != 0 && size > math.MaxInt64/int64(dim) {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		size *= int64(dim)
	}
	return size, nil
}
