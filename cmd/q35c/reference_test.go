package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/runtime"
)

// reference computes, with the runtime package's hand-written reference
// kernel, what kernel f of the examples computes on the harness's inputs,
// as output words. ok is false for kernels without a reference.
func reference(f *ir.Func) (words [][]int64, ok bool, err error) {
	in := make([][]byte, len(f.Params))
	for i, b := range f.Params {
		if b.Kind == ir.In {
			in[i] = ir.FillInput(b, i)
		}
	}
	var out []float32
	switch {
	case strings.HasPrefix(f.Name, "matmul_f32"):
		a, b := f.Params[0], f.Params[1]
		out = runtime.MatmulF32(f32s(in[0]), f32s(in[1]), int(a.Shape[0]), int(a.Shape[1]), int(b.Shape[1]))
	case strings.HasPrefix(f.Name, "matmul_i8_i4"):
		w, err := int4Of(f.Params[1], f.Params[2], in[1], in[2])
		if err != nil {
			return nil, true, err
		}
		out = runtime.MatmulI8I4(i8s(in[0]), int(f.Params[0].Shape[0]), w)
	case strings.HasPrefix(f.Name, "matmul_q35"):
		w, err := q35Of(f.Params[1:4], in[1:4])
		if err != nil {
			return nil, true, err
		}
		out = runtime.MatmulQ35(i8s(in[0]), int(f.Params[0].Shape[0]), w)
	case strings.HasPrefix(f.Name, "dequant_lut"):
		q, err := int4Of(f.Params[0], f.Params[2], in[0], in[2])
		if err != nil {
			return nil, true, err
		}
		var lut [16]float32
		copy(lut[:], f32s(in[1]))
		out = runtime.DequantLUT(q, lut)
	default:
		return nil, false, nil
	}
	ws := make([]int64, len(out))
	for i, v := range out {
		ws[i] = int64(math.Float32bits(v))
	}
	return [][]int64{ws}, true, nil
}

// int4Of views packed i4 codes [N, K] and scales [N, K/G] as a runtime.Int4.
func int4Of(codes, scales *ir.Buffer, cb, sb []byte) (*runtime.Int4, error) {
	n, k := int(codes.Shape[0]), int(codes.Shape[1])
	w, err := runtime.NewInt4(k, n, k/int(scales.Shape[1]))
	if err != nil {
		return nil, err
	}
	copy(w.Codes, cb)
	copy(w.Scales, f32s(sb))
	return w, nil
}

// q35Of views codes [N, K/16*7] and the even/odd scales as a runtime.Q35.
func q35Of(bufs []*ir.Buffer, data [][]byte) (*runtime.Q35, error) {
	n, groups := int(bufs[1].Shape[0]), int(bufs[1].Shape[1])
	k := int(bufs[0].Shape[1]) / runtime.Q35BlockBytes * 16
	w, err := runtime.NewQ35(k, n, k/groups)
	if err != nil {
		return nil, err
	}
	if len(w.Codes) != len(data[0]) {
		return nil, fmt.Errorf("codes hold %d bytes, the format wants %d", len(data[0]), len(w.Codes))
	}
	copy(w.Codes, data[0])
	copy(w.ScaleEven, f32s(data[1]))
	copy(w.ScaleOdd, f32s(data[2]))
	return w, nil
}

func f32s(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func i8s(b []byte) []int8 {
	v := make([]int8, len(b))
	for i, x := range b {
		v[i] = int8(x)
	}
	return v
}
