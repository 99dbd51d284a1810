package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/q35c/q35c/internal/tensorio"
	"github.com/q35c/q35c/runtime"
)

// A scheme is one storage format q35c quantize can write. Quantizing is
// the runtime package's; a scheme only names its output tensors and turns
// the runtime's matrix into their bytes.
type scheme struct {
	name     string
	mult     int // the group size must be a multiple of mult
	maxGroup int // and at most this (int32 accumulation in the kernels)
	bits     func(g int) float64
	layout   string // the q35c.layout metadata
	parts    []part
	quantize func(w []float32, k, n, g int) (*quantized, error)
}

// part is one output tensor of a quantized weight: NAME+suffix, rowBytes
// bytes per weight row.
type part struct {
	suffix   string
	dtype    tensorio.DType
	rowBytes func(k, g int) int
}

// quantized is a band of rows in a scheme's format: how to dequantize it
// and the bytes of each part, rows in order.
type quantized struct {
	dequant func(n, k int) float32
	parts   [][]byte
}

// layoutSpec is where the layouts are specified, for q35c.layout.
const layoutSpec = "; specified in q35c's docs/format.md"

var schemes = []*scheme{
	{
		name: "q35", mult: 8, maxGroup: runtime.MaxGroupQ35,
		bits: runtime.Q35BitsPerWeight,
		layout: "weight NAME [N, K] -> NAME.codes U8 [N, K/16*7] (each 16 weights along K in 7 bytes), " +
			"NAME.scale_even F32 [N, K/G] (4-bit codes, even k), NAME.scale_odd F32 [N, K/G] (3-bit codes, odd k)" + layoutSpec,
		parts: []part{
			{".codes", tensorio.U8, func(k, _ int) int { return k / 16 * runtime.Q35BlockBytes }},
			{".scale_even", tensorio.F32, scaleRowBytes},
			{".scale_odd", tensorio.F32, scaleRowBytes},
		},
		quantize: func(w []float32, k, n, g int) (*quantized, error) {
			q, err := runtime.QuantizeQ35(w, k, n, g)
			if err != nil {
				return nil, err
			}
			return &quantized{q.Dequant, [][]byte{q.Codes, f32Bytes(q.ScaleEven), f32Bytes(q.ScaleOdd)}}, nil
		},
	},
	{
		name: "int4", mult: 2, maxGroup: runtime.MaxGroupInt4,
		bits: runtime.Int4BitsPerWeight,
		layout: "weight NAME [N, K] -> NAME.codes U8 [N, K/2] (signed 4-bit codes, even k in the low nibble), " +
			"NAME.scales F32 [N, K/G]" + layoutSpec,
		parts: []part{
			{".codes", tensorio.U8, func(k, _ int) int { return k / 2 }},
			{".scales", tensorio.F32, scaleRowBytes},
		},
		quantize: func(w []float32, k, n, g int) (*quantized, error) {
			q, err := runtime.QuantizeInt4(w, k, n, g)
			if err != nil {
				return nil, err
			}
			return &quantized{q.Dequant, [][]byte{q.Codes, f32Bytes(q.Scales)}}, nil
		},
	},
	{
		name: "int8", mult: 1, maxGroup: runtime.MaxGroupInt8,
		bits:   runtime.Int8BitsPerWeight,
		layout: "weight NAME [N, K] -> NAME.codes I8 [N, K], NAME.scales F32 [N, K/G]" + layoutSpec,
		parts: []part{
			{".codes", tensorio.I8, func(k, _ int) int { return k }},
			{".scales", tensorio.F32, scaleRowBytes},
		},
		quantize: func(w []float32, k, n, g int) (*quantized, error) {
			q, err := runtime.QuantizeInt8(w, k, n, g)
			if err != nil {
				return nil, err
			}
			return &quantized{q.Dequant, [][]byte{i8Bytes(q.Codes), f32Bytes(q.Scales)}}, nil
		},
	},
}

func scaleRowBytes(k, g int) int { return 4 * (k / g) }

func schemeNames() string {
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

func findScheme(name string) (*scheme, error) {
	for _, s := range schemes {
		if s.name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("invalid --scheme %q: want one of %s", name, schemeNames())
}

// checkGroup rejects a group size the scheme cannot use, before any work.
func (s *scheme) checkGroup(g int) error {
	if g <= 0 || g%s.mult != 0 || g > s.maxGroup {
		return fmt.Errorf("invalid --group %d for %s: want a positive multiple of %d, at most %d", g, s.name, s.mult, s.maxGroup)
	}
	return nil
}

// specs returns the output tensors of weight name, shape [n, k].
func (s *scheme) specs(name string, n, k, g int) []tensorio.Spec {
	out := make([]tensorio.Spec, len(s.parts))
	for i, p := range s.parts {
		out[i] = tensorio.Spec{Name: name + p.suffix, DType: p.dtype, Shape: []int{n, p.rowBytes(k, g) / p.dtype.Size()}}
	}
	return out
}

// f32Bytes encodes float32s little-endian, as safetensors stores them.
func f32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func i8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}
