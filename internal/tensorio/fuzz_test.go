package tensorio

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadSafetensors feeds arbitrary bytes to the parser (safetensors and,
// by its magic, .npy). It must return an error or tensors that lie inside
// the data, of the size their shape says, with unique names; and what it
// accepts must survive a write and a second parse unchanged. The committed
// corpus is in testdata/fuzz/FuzzReadSafetensors.
func FuzzReadSafetensors(f *testing.F) {
	f.Add(rawSafetensors(`{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32Data(1, 2)))
	f.Add(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f32Data(1, 2)))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkTensors(t, file, data)
		if file.Format == Safetensors {
			checkRewrite(t, file)
		}
	})
}

func checkTensors(t *testing.T, file *File, data []byte) {
	names := map[string]bool{}
	for _, tt := range file.Tensors {
		if names[tt.Name] {
			t.Fatalf("tensor %q twice", tt.Name)
		}
		names[tt.Name] = true
		end := tt.Offset + int64(len(tt.Data))
		if tt.Offset < 0 || end > int64(len(data)) || !bytes.Equal(data[tt.Offset:end], tt.Data) {
			t.Fatalf("tensor %q: Offset %d, %d bytes: not where its data is", tt.Name, tt.Offset, len(tt.Data))
		}
		if size, err := byteSize(tt.Shape, tt.DType); err != nil || size != int64(len(tt.Data)) {
			t.Fatalf("tensor %q: %s %v has %d bytes (%v)", tt.Name, tt.DType, tt.Shape, len(tt.Data), err)
		}
	}
}

// checkRewrite writes file with Writer and parses the result again.
func checkRewrite(t *testing.T, file *File) {
	specs := make([]Spec, len(file.Tensors))
	for i, tt := range file.Tensors {
		specs[i] = Spec{tt.Name, tt.DType, tt.Shape}
	}
	var b bytes.Buffer
	w, err := NewWriter(&b, file.Metadata, specs)
	if err != nil {
		t.Fatalf("cannot rewrite a file we accepted: %v", err)
	}
	for _, tt := range file.Tensors {
		if err := w.WriteTensor(tt.Name, tt.Data); err != nil {
			t.Fatal(err)
		}
	}
	again, err := Parse("rewritten", b.Bytes())
	if err != nil {
		t.Fatalf("cannot parse what we wrote: %v", err)
	}
	if len(again.Tensors) != len(file.Tensors) || len(again.Metadata) != len(file.Metadata) {
		t.Fatalf("rewrite changed the file: %d tensors, %d metadata", len(again.Tensors), len(again.Metadata))
	}
	for i, tt := range again.Tensors {
		orig := file.Tensors[i]
		if tt.Name != orig.Name || tt.DType != orig.DType || ShapeString(tt.Shape) != ShapeString(orig.Shape) || !bytes.Equal(tt.Data, orig.Data) {
			t.Fatalf("rewrite changed tensor %q", orig.Name)
		}
	}
	for k, v := range file.Metadata {
		if again.Metadata[k] != v {
			t.Fatalf("rewrite changed metadata %q", k)
		}
	}
}
