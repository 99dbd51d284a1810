package tensorio

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// npyFile assembles a .npy file of the given format version around a
// header dictionary, padded as NumPy pads it (to a multiple of 64 bytes,
// ending in a newline).
func npyFile(major byte, dict string, data []byte) []byte {
	lenBytes := 2
	if major >= 2 {
		lenBytes = 4
	}
	pre := len(npyMagic) + 2 + lenBytes
	hdr := dict
	for (pre+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	b := append(append([]byte{}, npyMagic...), major, 0)
	if lenBytes == 2 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	return append(append(b, hdr...), data...)
}

func TestParseNPY(t *testing.T) {
	tests := []struct {
		major byte
		dict  string
		data  []byte
		dtype DType
		shape []int
	}{
		{1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Data(1, 2, 3, 4, 5, 6), F32, []int{2, 3}},
		{2, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", []byte{0, 0x3c, 0, 0x40, 0, 0}, F16, []int{3}},
		{3, `{"descr": "<f4", "shape": (), "fortran_order": False}`, f32Data(7), F32, []int{}},
		{1, "{'descr':'<f4','fortran_order':False,'shape':(1L, 0L)}", nil, F32, []int{1, 0}},
	}
	for _, tt := range tests {
		data := npyFile(tt.major, tt.dict, tt.data)
		f, err := Parse("dir/wq.npy", data)
		if err != nil {
			t.Errorf("%s: %v", tt.dict, err)
			continue
		}
		got := f.Tensors[0]
		if f.Format != NPY || len(f.Tensors) != 1 || got.Name != "wq" || got.DType != tt.dtype || !slices.Equal(got.Shape, tt.shape) {
			t.Errorf("%s: got %+v", tt.dict, f)
		}
		if !bytes.Equal(got.Data, tt.data) || !bytes.Equal(data[got.Offset:], tt.data) {
			t.Errorf("%s: data %v at %d, want %v", tt.dict, got.Data, got.Offset, tt.data)
		}
	}
}

func TestParseNPYErrors(t *testing.T) {
	hdr := func(descr, fortran, shape string) string {
		return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }"
	}
	good := hdr("'<f4'", "False", "(2,)")
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"fortran order", npyFile(1, hdr("'<f4'", "True", "(2, 2)"), make([]byte, 16)), "the .npy array is in Fortran order"},
		{"big-endian", npyFile(1, hdr("'>f4'", "False", "(2,)"), make([]byte, 8)), `unsupported .npy dtype ">f4"`},
		{"float64", npyFile(1, hdr("'<f8'", "False", "(2,)"), make([]byte, 16)), `unsupported .npy dtype "<f8": q35c reads little-endian float32 ('<f4') and float16 ('<f2')`},
		{"bytes", npyFile(1, hdr("'|u1'", "False", "(2,)"), make([]byte, 2)), `unsupported .npy dtype "|u1"`},
		{"structured", npyFile(1, hdr("[('a', '<f4')]", "False", "(2,)"), make([]byte, 8)), "structured dtypes are not supported (descr is [('a', '<f4')])"},
		{"truncated data", npyFile(1, good, make([]byte, 7)), "truncated .npy file: shape 2 of <f4 needs 8 bytes of data but the file has 7"},
		{"trailing data", npyFile(1, good, make([]byte, 9)), "(trailing data)"},
		{"truncated header", npyFile(1, good, nil)[:40], "truncated .npy file: the header is 118 bytes long but only 30 bytes follow"},
		{"magic only", npyMagic, "truncated .npy file: 6 bytes"},
		{"v2 truncated", append(append([]byte{}, npyMagic...), 2, 0, 0xff), "truncated .npy file"},
		{"v2 huge header", append(append([]byte{}, npyMagic...), 2, 0, 0xff, 0xff, 0xff, 0xff), "the header is 4294967295 bytes long"},
		{"version", npyFile(4, good, make([]byte, 8)), "unsupported .npy format version 4.0"},
		{"missing key", npyFile(1, "{'descr': '<f4', 'shape': (2,)}", make([]byte, 8)), "corrupt .npy header: the header has no 'fortran_order'"},
		{"extra key", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", make([]byte, 8)), "unexpected key 'x'"},
		{"duplicate key", npyFile(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", make([]byte, 8)), "key 'descr' appears twice"},
		{"negative dimension", npyFile(1, hdr("'<f4'", "False", "(-2,)"), nil), "shape (-2) has an invalid dimension"},
		{"shape not a tuple", npyFile(1, hdr("'<f4'", "False", "[2]"), make([]byte, 8)), "shape is [2], not a tuple"},
		{"fortran_order not bool", npyFile(1, hdr("'<f4'", "0", "(2,)"), make([]byte, 8)), "fortran_order is 0, not True or False"},
		{"shape too large", npyFile(1, hdr("'<f4'", "False", "(1099511627776, 1099511627776)"), nil), "is too large"},
		{"unterminated", npyFile(1, "{'descr: '<f4'", nil), "corrupt .npy header"},
		{"not a dict", npyFile(1, "('<f4', False, (2,))", make([]byte, 8)), "the header is not a dictionary"},
		{"junk after", npyFile(1, good+" x", make([]byte, 8)), `unexpected "x`},
		{"nesting", npyFile(1, "{'descr': "+strings.Repeat("[", 100)+"}", nil), "nested deeper than 8"},
		{"bad integer", npyFile(1, hdr("'<f4'", "False", "(99999999999999999999,)"), nil), "bad integer"},
		{"missing colon", npyFile(1, "{'descr' '<f4'}", nil), "want ':' after key 'descr'"},
		{"missing comma", npyFile(1, "{'descr': '<f4' 'shape': (2,)}", nil), "want ',' or '}'"},
		{"ends early", npyFile(1, "{'descr': '<f4', 'shape': (2,", nil), "the header ends early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("a.npy", tt.data)
			if err == nil {
				t.Fatalf("no error; parsed %+v", f.Tensors)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "a.npy: ") {
				t.Errorf("error %q, want it to start with \"a.npy: \" and contain %q", err, tt.want)
			}
		})
	}
}
