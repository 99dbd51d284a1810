package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/maruel/safetensors"

	"github.com/q35c/q35c/internal/tensorio"
	"github.com/q35c/q35c/runtime"
)

// testWeights is a 2-D float tensor of a test input and its values.
type testWeights struct {
	name string
	n, k int
	w    []float32 // the values the file holds, as f32
}

// makeModel writes a safetensors file with github.com/maruel/safetensors
// (not our writer): F32, F16 and BF16 weight matrices, a 1-D bias, a 2-D
// integer tensor and a scalar, which are kept as they are.
func makeModel(t *testing.T, dir string) (string, []testWeights, map[string][]byte) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	var ts []safetensors.Tensor
	var ws []testWeights
	add := func(name string, dt safetensors.DType, n, k int, bits func() uint32) {
		tw := testWeights{name: name, n: n, k: k}
		var data []byte
		for range n * k {
			b := bits()
			switch dt {
			case safetensors.F32:
				data = binary.LittleEndian.AppendUint32(data, b)
				tw.w = append(tw.w, math.Float32frombits(b))
			case safetensors.F16:
				data = binary.LittleEndian.AppendUint16(data, uint16(b))
				tw.w = append(tw.w, runtime.F16ToF32([]uint16{uint16(b)})[0])
			case safetensors.BF16:
				data = binary.LittleEndian.AppendUint16(data, uint16(b))
				tw.w = append(tw.w, runtime.BF16ToF32([]uint16{uint16(b)})[0])
			}
		}
		ts = append(ts, safetensors.Tensor{Name: name, DType: dt, Shape: []uint64{uint64(n), uint64(k)}, Data: data})
		ws = append(ws, tw)
	}
	gauss := func() uint32 { return math.Float32bits(float32(0.02 * r.NormFloat64())) }
	// Finite f16: random sign and mantissa, exponents 2^-9..2^1.
	half := func() uint32 { return uint32(r.IntN(2))<<15 | uint32(6+r.IntN(11))<<10 | uint32(r.IntN(1024)) }
	add("layers.0.attn.wq.weight", safetensors.F32, 12, 256, gauss)
	add("layers.0.mlp.w1.weight", safetensors.F16, 10, 384, half)
	add("lm_head.weight", safetensors.BF16, 7, 128, func() uint32 { return gauss() >> 16 })
	kept := map[string][]byte{
		"layers.0.norm.weight": f32Bytes([]float32{1, 0.5, 0.25, 2}),
		"position_ids":         binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 3), 4),
		"step":                 f32Bytes([]float32{42}),
	}
	ts = append(ts,
		safetensors.Tensor{Name: "layers.0.norm.weight", DType: safetensors.F32, Shape: []uint64{4}, Data: kept["layers.0.norm.weight"]},
		safetensors.Tensor{Name: "position_ids", DType: safetensors.I64, Shape: []uint64{1, 2}, Data: kept["position_ids"]},
		safetensors.Tensor{Name: "step", DType: safetensors.F32, Shape: []uint64{}, Data: kept["step"]},
	)
	var b bytes.Buffer
	if err := (&safetensors.File{Tensors: ts, Metadata: map[string]string{"format": "pt"}}).Serialize(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "model.safetensors")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, ws, kept
}

// smallBands makes quantize work in bands of a few rows, so that tests
// cover the assembly of a tensor from several bands.
func smallBands(t *testing.T) {
	old := bandWeights
	bandWeights = 1000
	t.Cleanup(func() { bandWeights = old })
}

func TestQuantizeSafetensors(t *testing.T) {
	smallBands(t)
	for _, scheme := range []string{"q35", "int4", "int8"} {
		t.Run(scheme, func(t *testing.T) {
			dir := t.TempDir()
			in, ws, kept := makeModel(t, dir)
			out := filepath.Join(dir, "out.safetensors")
			code, stdout, stderr := q35c(t, "", "quantize", in, "-o", out, "--scheme", scheme, "--group", "64")
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			f, err := tensorio.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkMetadata(t, f, scheme, "64", "pt")
			for _, w := range ws {
				want := expectQuantized(t, scheme, w, 64)
				got := dequantFromFile(t, f, scheme, w, 64)
				for n := range w.n {
					for k := range w.k {
						if g, e := got(n, k), want(n, k); math.Float32bits(g) != math.Float32bits(e) {
							t.Fatalf("%s[%d,%d] dequantizes to %v, the runtime's quantizer gives %v", w.name, n, k, g, e)
						}
					}
				}
				checkTableLine(t, stdout, scheme, 64, w, runtime.MatrixErrors(w.w, w.k, want))
			}
			for name, data := range kept {
				if got := f.Tensor(name); got == nil || !bytes.Equal(got.Data, data) {
					t.Errorf("tensor %s was not kept as it was: %+v", name, got)
				}
			}
			if len(f.Tensors) != len(kept)+len(ws)*len(mustScheme(t, scheme).parts) {
				t.Errorf("%d tensors in the output", len(f.Tensors))
			}
			if !strings.Contains(stderr, "q35c: [1/6] ") || !strings.Contains(stdout, "wrote "+out) {
				t.Errorf("progress or summary missing\nstdout: %s\nstderr: %s", stdout, stderr)
			}
		})
	}
}

func mustScheme(t *testing.T, name string) *scheme {
	s, err := findScheme(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkMetadata(t *testing.T, f *tensorio.File, scheme, group, format string) {
	t.Helper()
	if f.Metadata["q35c.scheme"] != scheme || f.Metadata["q35c.group"] != group ||
		!strings.Contains(f.Metadata["q35c.layout"], "docs/format.md") || f.Metadata["format"] != format {
		t.Errorf("metadata %v", f.Metadata)
	}
}

// expectQuantized quantizes w with the runtime directly, as a whole.
func expectQuantized(t *testing.T, scheme string, w testWeights, g int) func(n, k int) float32 {
	t.Helper()
	var dq func(n, k int) float32
	var err error
	switch scheme {
	case "q35":
		var q *runtime.Q35
		q, err = runtime.QuantizeQ35(w.w, w.k, w.n, g)
		if err == nil {
			dq = q.Dequant
		}
	case "int4":
		var q *runtime.Int4
		q, err = runtime.QuantizeInt4(w.w, w.k, w.n, g)
		if err == nil {
			dq = q.Dequant
		}
	case "int8":
		var q *runtime.Int8
		q, err = runtime.QuantizeInt8(w.w, w.k, w.n, g)
		if err == nil {
			dq = q.Dequant
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return dq
}

// dequantFromFile rebuilds the runtime's matrix from the output tensors,
// checking their dtypes and shapes as the package doc specifies them.
func dequantFromFile(t *testing.T, f *tensorio.File, scheme string, w testWeights, g int) func(n, k int) float32 {
	t.Helper()
	get := func(suffix string, dt tensorio.DType, cols int) []byte {
		x := f.Tensor(w.name + suffix)
		if x == nil || x.DType != dt || !slices.Equal(x.Shape, []int{w.n, cols}) {
			t.Fatalf("%s%s: got %+v, want %s [%d %d]", w.name, suffix, x, dt, w.n, cols)
		}
		return x.Data
	}
	floats := func(b []byte) []float32 {
		v := make([]float32, len(b)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return v
	}
	switch scheme {
	case "q35":
		q := &runtime.Q35{K: w.k, N: w.n, G: g, Codes: get(".codes", tensorio.U8, w.k/16*7),
			ScaleEven: floats(get(".scale_even", tensorio.F32, w.k/g)), ScaleOdd: floats(get(".scale_odd", tensorio.F32, w.k/g))}
		return q.Dequant
	case "int4":
		q := &runtime.Int4{K: w.k, N: w.n, G: g, Codes: get(".codes", tensorio.U8, w.k/2), Scales: floats(get(".scales", tensorio.F32, w.k/g))}
		return q.Dequant
	}
	codes := get(".codes", tensorio.I8, w.k)
	q := &runtime.Int8{K: w.k, N: w.n, G: g, Codes: make([]int8, len(codes)), Scales: floats(get(".scales", tensorio.F32, w.k/g))}
	for i, c := range codes {
		q.Codes[i] = int8(c)
	}
	return q.Dequant
}

// checkTableLine finds w's line in the table and checks its numbers:
// name, shape, dtype, bits/weight, before and after (two fields each),
// relative RMSE, max abs error.
func checkTableLine(t *testing.T, stdout, scheme string, g int, w testWeights, st runtime.Stats) {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != w.name {
			continue
		}
		want := []string{w.name, tensorio.ShapeString([]int{w.n, w.k}), f[2],
			fmt.Sprintf("%.3f", mustScheme(t, scheme).bits(g)), f[4], f[5], f[6], f[7],
			percent(st.RelRMSE), fmt.Sprintf("%.4g", st.MaxAbs)}
		if !slices.Equal(f, want) {
			t.Errorf("table line %q, want %q", f, want)
		}
		return
	}
	t.Errorf("no table line for %s:\n%s", w.name, stdout)
}

func TestQuantizeNPY(t *testing.T) {
	smallBands(t)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	w := testWeights{name: "wq", n: 5, k: 256}
	var data []byte
	for range w.n * w.k {
		v := float32(r.NormFloat64())
		w.w = append(w.w, v)
		data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
	}
	h := testWeights{name: "w2", n: 3, k: 128}
	var hdata []byte
	for range h.n * h.k {
		b := uint16(r.IntN(2))<<15 | uint16(10+r.IntN(8))<<10 | uint16(r.IntN(1024))
		h.w = append(h.w, runtime.F16ToF32([]uint16{b})[0])
		hdata = binary.LittleEndian.AppendUint16(hdata, b)
	}
	for _, tc := range []struct {
		w    testWeights
		file []byte
	}{
		{w, npyBytes(1, "<f4", "(5, 256)", data)},
		{h, npyBytes(2, "<f2", "(3, 128)", hdata)},
	} {
		in := filepath.Join(dir, tc.w.name+".npy")
		if err := os.WriteFile(in, tc.file, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, tc.w.name+".safetensors")
		code, stdout, stderr := q35c(t, "", "quantize", in, "-o", out, "-q")
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		f, err := tensorio.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		checkMetadata(t, f, "q35", "128", "")
		got, want := dequantFromFile(t, f, "q35", tc.w, 128), expectQuantized(t, "q35", tc.w, 128)
		for i := range tc.w.w {
			if got(i/tc.w.k, i%tc.w.k) != want(i/tc.w.k, i%tc.w.k) {
				t.Fatalf("%s: weight %d differs", tc.w.name, i)
			}
		}
		checkTableLine(t, stdout, "q35", 128, tc.w, runtime.MatrixErrors(tc.w.w, tc.w.k, want))
		f.Close()
	}
}

// npyBytes makes a .npy file as NumPy writes one.
func npyBytes(major byte, descr, shape string, data []byte) []byte {
	hdr := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	pre := 10
	if major > 1 {
		pre = 12
	}
	for (pre+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	b := append([]byte("\x93NUMPY"), major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	return append(append(b, hdr...), data...)
}
