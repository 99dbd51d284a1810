package ir

import (
	"encoding/binary"
	"math"
)

// Hash32 is the hash behind FillInput: element i of parameter param. The
// MLIR test harness computes the same function, so the constants and the
// order of operations are part of the contract.
func Hash32(i uint32, param int) uint32 {
	seed := uint32(param+1) * 0x9E3779B9
	x := i*0x85EBCA6B + seed
	x ^= x >> 16
	x *= 0x7FEB352D
	x ^= x >> 15
	x *= 0x846CA68B
	x ^= x >> 16
	return x
}

// FillInput returns deterministic storage for buffer b, parameter number
// param (from 0) of its function. Storage element i (the byte index for
// packed i4 buffers) is derived from x = Hash32(i, param): i8 and packed
// bytes take its low 8 bits, i16 its low 16, i32 all of it, i64 its
// sign extension; f32 holds (int32(x>>16) - 32768) * 2^-15 and f16
// (int32(x>>24) - 128) * 2^-7, both exact.
func FillInput(b *Buffer, param int) []byte {
	data := make([]byte, b.StorageBytes())
	_, st := StorageElem(b.Elem)
	size := int(st.Bits / 8)
	for i := 0; i*size < len(data); i++ {
		putWord(data[i*size:], st, fillWord(st, Hash32(uint32(i), param)))
	}
	return data
}

func fillWord(t Type, x uint32) uint64 {
	switch t {
	case I64:
		return uint64(int64(int32(x)))
	case F32:
		return uint64(math.Float32bits(float32(int32(x>>16)-32768) / (1 << 15)))
	case F16:
		return uint64(F32ToF16(float32(int32(x>>24)-128) / (1 << 7)))
	}
	return uint64(x) // truncated to the width by putWord
}

// putWord stores the low bits of w as one little-endian element of type t.
func putWord(dst []byte, t Type, w uint64) {
	switch t.Bits {
	case 8:
		dst[0] = byte(w)
	case 16:
		binary.LittleEndian.PutUint16(dst, uint16(w))
	case 32:
		binary.LittleEndian.PutUint32(dst, uint32(w))
	default:
		binary.LittleEndian.PutUint64(dst, w)
	}
}

// OutputWords returns the elements of buffer b, stored in data (of
// b.StorageBytes() bytes), in row-major order as the MLIR harness prints
// them: integers sign-extended (packed i4 codes too), f32 and f16 as their
// IEEE bits zero-extended.
func OutputWords(b *Buffer, data []byte) []int64 {
	n := b.NumElems()
	out := make([]int64, n)
	for e := range n {
		out[e] = elemWord(b.Elem, data, e)
	}
	return out
}

func elemWord(t Type, data []byte, e int64) int64 {
	le := binary.LittleEndian
	switch t {
	case I4:
		return int64(int8(data[e/2]>>(4*(e%2))<<4) >> 4)
	case I8:
		return int64(int8(data[e]))
	case I16:
		return int64(int16(le.Uint16(data[2*e:])))
	case I32:
		return int64(int32(le.Uint32(data[4*e:])))
	case I64:
		return int64(le.Uint64(data[8*e:]))
	case F16:
		return int64(le.Uint16(data[2*e:]))
	}
	return int64(le.Uint32(data[4*e:])) // F32
}

// GeneratedMemory returns storage for every parameter of f as the MLIR
// harness makes it: inputs filled by FillInput, outputs zeroed.
func GeneratedMemory(f *Func) [][]byte {
	mem := NewMemory(f)
	for i, b := range f.Params {
		if b.Kind == In {
			mem[i] = FillInput(b, i)
		}
	}
	return mem
}

// ExecGenerated runs f the way the MLIR harness does: every input buffer
// filled by FillInput, outputs zeroed, and returns each output buffer's
// OutputWords in parameter order. Executors are compared on exactly this.
func ExecGenerated(f *Func) ([][]int64, error) {
	mem := GeneratedMemory(f)
	if err := Exec(f, mem); err != nil {
		return nil, err
	}
	var words [][]int64
	for i, b := range f.Params {
		if b.Kind == Out {
			words = append(words, OutputWords(b, mem[i]))
		}
	}
	return words, nil
}
