package tensorio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/maruel/safetensors"
)

func TestWriterRoundTrip(t *testing.T) {
	specs := []Spec{
		{"w.codes", U8, []int{2, 7}},
		{"w.scales", F32, []int{2, 1}},
		{"ids", I64, []int{}},
		{"empty", F16, []int{0, 3}},
	}
	data := [][]byte{bytes.Repeat([]byte{0xab}, 14), f32Data(0.5, 2), make([]byte, 8), nil}
	meta := map[string]string{"q35c.scheme": "q35", "format": "pt"}
	var b bytes.Buffer
	w, err := NewWriter(&b, meta, specs)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		if err := w.WriteTensor(s.Name, data[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := b.Bytes()
	if n := binary.LittleEndian.Uint64(file); (8+n)%8 != 0 {
		t.Errorf("header length %d leaves the data unaligned", n)
	}
	// Read back with the library, a reader independent of our writer.
	lib, err := safetensors.Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	if lib.Metadata["q35c.scheme"] != "q35" || lib.Metadata["format"] != "pt" || len(lib.Tensors) != len(specs) {
		t.Fatalf("library read %+v", lib)
	}
	for i, s := range specs {
		lt := lib.Tensors[i]
		if lt.Name != s.Name || string(lt.DType) != string(s.DType) || len(lt.Shape) != len(s.Shape) || !bytes.Equal(lt.Data, data[i]) {
			t.Errorf("tensor %d: got %s %s %v %x", i, lt.Name, lt.DType, lt.Shape, lt.Data)
		}
	}
	// And with ours.
	f, err := Parse("out", file)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		got := f.Tensors[i]
		if got.Name != s.Name || !slices.Equal(got.Shape, s.Shape) || !bytes.Equal(got.Data, data[i]) {
			t.Errorf("tensor %d: got %+v", i, got)
		}
	}
}

func TestWriterDeterministic(t *testing.T) {
	meta := map[string]string{"b": "2", "a": "1", "c": "3"}
	var first []byte
	for range 5 {
		var b bytes.Buffer
		w, err := NewWriter(&b, meta, []Spec{{"x", F32, []int{1}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteTensor("x", f32Data(1)); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Fatal("two writes of the same file differ")
		}
	}
	if !strings.Contains(string(first), `{"__metadata__":{"a":"1","b":"2","c":"3"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`) {
		t.Errorf("header: %q", first)
	}
}

func TestWriterErrors(t *testing.T) {
	bad := []struct {
		specs []Spec
		want  string
	}{
		{[]Spec{{"a", F32, []int{1}}, {"a", F32, []int{1}}}, `tensor name "a" is empty, reserved or used twice`},
		{[]Spec{{"", F32, []int{1}}}, `tensor name "" is empty`},
		{[]Spec{{"__metadata__", F32, []int{1}}}, "reserved"},
		{[]Spec{{"a", "C64", []int{1}}}, `tensor "a": unknown dtype "C64"`},
		{[]Spec{{"a", F32, []int{-1}}}, "negative dimension"},
		{[]Spec{{"a", F32, []int{1 << 62, 1 << 62}}}, "too large"},
	}
	for _, tt := range bad {
		if _, err := NewWriter(&bytes.Buffer{}, nil, tt.specs); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.specs, err, tt.want)
		}
	}
	w, err := NewWriter(&bytes.Buffer{}, nil, []Spec{{"a", F32, []int{2}}, {"b", U8, []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name string
		data []byte
		want string
	}{
		{"b", []byte{1}, `tensor "b" written out of order: "a" comes next`},
		{"a", f32Data(1), `tensor "a": 4 bytes of data, want 8 for F32 2`},
		{"a", f32Data(1, 2), ""},
	} {
		err := w.WriteTensor(step.name, step.data)
		if (err == nil) != (step.want == "") || err != nil && !strings.Contains(err.Error(), step.want) {
			t.Errorf("WriteTensor(%s): %v, want %q", step.name, err, step.want)
		}
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "only 1 of 2 tensors were written") {
		t.Errorf("Close: %v", err)
	}
	if err := w.WriteTensor("b", []byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTensor("c", nil); err == nil || !strings.Contains(err.Error(), `tensor "c" was not declared`) {
		t.Errorf("extra tensor: %v", err)
	}
	if _, err := NewWriter(failWriter{}, nil, []Spec{{"a", F32, []int{1}}}); err == nil {
		t.Error("a failing writer gave no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
