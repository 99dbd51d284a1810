package emit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/q35c/q35c/ir"
)

// storageShape returns the shape and element type of b's storage: its own
// shape and element, except that packed i4 buffers [..., K] are stored as
// i8 [..., K/2], element [.., k] in byte k floordiv 2 (low nibble for even
// k). K must be even.
func storageShape(b *ir.Buffer) ([]int64, ir.Type, error) {
	packed, elem := ir.StorageElem(b.Elem)
	if !packed {
		return b.Shape, elem, nil
	}
	n := len(b.Shape)
	if n == 0 || b.Shape[n-1]%2 != 0 {
		return nil, elem, fmt.Errorf("%s: emit: packed %s buffer %s needs an even last dimension", b.Pos, b.Elem, ir.BufferType(b))
	}
	shape := append([]int64(nil), b.Shape...)
	shape[n-1] /= 2
	return shape, elem, nil
}

// memRefType spells the MLIR type of b's storage, e.g. memref<4x8xi8>.
func memRefType(b *ir.Buffer) (string, error) {
	shape, elem, err := storageShape(b)
	if err != nil {
		return "", err
	}
	return memref(shape, elem), nil
}

// memref spells memref<shape x elem>.
func memref(shape []int64, elem ir.Type) string {
	var s strings.Builder
	s.WriteString("memref<")
	for _, d := range shape {
		s.WriteString(strconv.FormatInt(d, 10))
		s.WriteByte('x')
	}
	s.WriteString(elem.String())
	s.WriteByte('>')
	return s.String()
}
