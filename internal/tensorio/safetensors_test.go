package tensorio

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/maruel/safetensors"

	_ "github.com/q35c/q35c/internal/golden" // accepts -update
)

// rawSafetensors assembles a file from a header text and data, as a
// corrupt file might be.
func rawSafetensors(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func f32Data(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// serialize writes a file with github.com/maruel/safetensors, a writer
// independent of ours.
func serialize(t *testing.T, meta map[string]string, ts ...safetensors.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (&safetensors.File{Tensors: ts, Metadata: meta}).Serialize(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseSafetensors(t *testing.T) {
	w := f32Data(1, 2, 3, 4, 5, 6)
	data := serialize(t, map[string]string{"format": "pt"},
		safetensors.Tensor{Name: "w", DType: safetensors.F32, Shape: []uint64{2, 3}, Data: w},
		safetensors.Tensor{Name: "h", DType: safetensors.F16, Shape: []uint64{3}, Data: []byte{0, 0x3c, 0, 0x40, 0, 0xc0}},
		safetensors.Tensor{Name: "b", DType: safetensors.BF16, Shape: []uint64{1, 2}, Data: []byte{0x80, 0x3f, 0, 0}},
		safetensors.Tensor{Name: "ids", DType: safetensors.I64, Shape: []uint64{}, Data: make([]byte, 8)},
	)
	f, err := Parse("m.safetensors", data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != Safetensors || f.Metadata["format"] != "pt" || len(f.Tensors) != 4 {
		t.Fatalf("got %+v", f)
	}
	want := []struct {
		name  string
		dtype DType
		shape []int
	}{{"w", F32, []int{2, 3}}, {"h", F16, []int{3}}, {"b", BF16, []int{1, 2}}, {"ids", I64, []int{}}}
	for i, wt := range want {
		got := f.Tensors[i]
		if got.Name != wt.name || got.DType != wt.dtype || !slices.Equal(got.Shape, wt.shape) {
			t.Errorf("tensor %d: got %s %s %v, want %s %s %v", i, got.Name, got.DType, got.Shape, wt.name, wt.dtype, wt.shape)
		}
		if !bytes.Equal(got.Data, data[got.Offset:got.Offset+int64(len(got.Data))]) {
			t.Errorf("tensor %s: Offset %d does not locate its data", got.Name, got.Offset)
		}
		if len(got.Data) != got.NumElements()*got.DType.Size() {
			t.Errorf("tensor %s: %d bytes for %d elements", got.Name, len(got.Data), got.NumElements())
		}
	}
	if !bytes.Equal(f.Tensor("w").Data, w) || f.Tensor("nope") != nil {
		t.Error("Tensor lookup")
	}
}

// TestParseSafetensorsFileOrder checks that tensors come in the order of
// their data, whatever the order of the header's keys.
func TestParseSafetensorsFileOrder(t *testing.T) {
	hdr := `{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	f, err := Parse("x", rawSafetensors(hdr, f32Data(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors[0].Name != "a" || f.Tensors[1].Name != "b" || f.Tensors[1].Offset != int64(8+len(hdr)+4) {
		t.Errorf("got %+v", f.Tensors)
	}
}

func TestParseSafetensorsErrors(t *testing.T) {
	ok := `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	huge := binary.LittleEndian.AppendUint64(nil, 1<<40)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"too short", []byte{1, 2, 3}, "m: not a safetensors file: 3 bytes is too short"},
		{"absurd header length", append(huge, "{}"...), "header length 1099511627776 is absurd"},
		{"header beyond the file", rawSafetensors(ok, nil)[:20], "truncated safetensors file: its header is 54 bytes long but only 12 bytes follow the length"},
		{"truncated data", rawSafetensors(ok, f32Data(1)), "truncated safetensors file: the header describes 70 bytes but the file has 66"},
		{"trailing data", rawSafetensors(ok, f32Data(1, 2, 3)), "(trailing data)"},
		{"not an object", rawSafetensors(`[1, 2]`, nil), "the header is not a JSON object"},
		{"pickle", append([]byte("\x80\x02\x8a\x0alz\xfc\x9cF\xf9 j\xa8P\x19."), make([]byte, 64)...), "not a safetensors file"},
		{"empty header", rawSafetensors(``, nil), "the header is not a JSON object"},
		{"bad JSON", rawSafetensors(`{"w":{"dtype":"F32",`, nil), "corrupt safetensors header"},
		{"no tensors", rawSafetensors(`{"__metadata__":{"a":"b"}}`, nil), "m: the safetensors file holds no tensors"},
		{"unknown dtype", rawSafetensors(`{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `unsupported safetensors dtype: "C64" is not a valid DType`},
		{"shape and size disagree", rawSafetensors(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8)), "corrupt safetensors header"},
		{"overlap", rawSafetensors(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)), "invalid offset start"},
		{"gap", rawSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12)), "invalid offset start"},
		{"end before start", rawSafetensors(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}`, make([]byte, 8)), "corrupt safetensors header"},
		{"offset beyond the file", rawSafetensors(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}`, make([]byte, 8)), "corrupt safetensors header"},
		{"shape overflows", rawSafetensors(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, make([]byte, 8)), "overflow"},
		{"negative dimension", rawSafetensors(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)), "corrupt safetensors header"},
		{"huge empty dimension", rawSafetensors(`{"w":{"dtype":"F32","shape":[0,9223372036854775808],"data_offsets":[0,0]}}`, nil), "has dimension 9223372036854775808"},
		{"duplicate name", rawSafetensors(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), `tensor "w" appears twice`},
		{"metadata not strings", rawSafetensors(`{"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "corrupt safetensors header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("m", tt.data)
			if err == nil {
				t.Fatalf("no error; parsed %+v", f.Tensors)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "m: ") {
				t.Errorf("error %q, want it to start with \"m: \" and contain %q", err, tt.want)
			}
		})
	}
}
