package ir

import "fmt"

// TypeKind classifies a Type.
type TypeKind uint8

const (
	KindInvalid TypeKind = iota
	KindInt              // signed two's complement integer of Bits bits (i1 is the boolean)
	KindFloat            // IEEE binary16 or binary32
	KindIndex            // loop induction variables and index arithmetic (64-bit)
)

// Type is a scalar type. It is a small comparable value.
type Type struct {
	Kind TypeKind
	Bits uint8
}

// The scalar types of q35c.
var (
	Invalid = Type{}
	I1      = Type{KindInt, 1}
	I3      = Type{KindInt, 3}
	I4      = Type{KindInt, 4}
	I8      = Type{KindInt, 8}
	I16     = Type{KindInt, 16}
	I32     = Type{KindInt, 32}
	I64     = Type{KindInt, 64}
	F16     = Type{KindFloat, 16}
	F32     = Type{KindFloat, 32}
	Index   = Type{KindIndex, 64}
)

// IsInt reports whether t is an integer type (including i1).
func (t Type) IsInt() bool { return t.Kind == KindInt }

// IsFloat reports whether t is a floating-point type.
func (t Type) IsFloat() bool { return t.Kind == KindFloat }

// IsIndex reports whether t is the index type.
func (t Type) IsIndex() bool { return t.Kind == KindIndex }

// IsIntLike reports whether t is an integer or index type.
func (t Type) IsIntLike() bool { return t.Kind == KindInt || t.Kind == KindIndex }

// String returns the type's spelling, which is the same in q35c and MLIR.
func (t Type) String() string {
	switch t.Kind {
	case KindInt:
		return fmt.Sprintf("i%d", t.Bits)
	case KindFloat:
		return fmt.Sprintf("f%d", t.Bits)
	case KindIndex:
		return "index"
	}
	return "invalid"
}

// MinInt and MaxInt return the range of a signed integer type (index is 64-bit).
func (t Type) MinInt() int64 { return -1 << (t.Bits - 1) }

// MaxInt returns the largest value of a signed integer type.
func (t Type) MaxInt() int64 { return 1<<(t.Bits-1) - 1 }

// ParseType returns the scalar type spelled s.
func ParseType(s string) (Type, bool) {
	for _, t := range []Type{I1, I3, I4, I8, I16, I32, I64, F16, F32, Index} {
		if t.String() == s {
			return t, true
		}
	}
	return Invalid, false
}

// StorageElem returns whether buffers of element type t are stored packed
// (two i4 codes per byte) and the storage element type. Only i8, i16, i32,
// i64, f16, f32 and packed i4 buffers exist.
func StorageElem(t Type) (packed bool, storage Type) {
	if t == I4 {
		return true, I8
	}
	return false, t
}

// BufferElemOK reports whether t may be a buffer element type.
func BufferElemOK(t Type) bool {
	switch t {
	case I4, I8, I16, I32, I64, F16, F32:
		return true
	}
	return false
}
