package tensorio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Spec declares a tensor that a Writer will write.
type Spec struct {
	Name  string
	DType DType
	Shape []int
}

// Writer streams a safetensors file: NewWriter writes the header, which
// needs only the tensors' names, dtypes and shapes; then WriteTensor writes
// each tensor's bytes, in the declared order, as they are produced.
//
// It is ours rather than github.com/maruel/safetensors' File.Serialize,
// because Serialize takes every tensor's data at once: quantizing a 70B
// model that way would hold the whole quantized model in memory.
type Writer struct {
	w     io.Writer
	specs []Spec
	sizes []int64
	next  int
}

// NewWriter validates the specs (names unique and non-empty, dtypes known,
// sizes that fit) and writes the header: metadata (may be nil) and the
// tensors in order, their data back to back. The header is padded with
// spaces to a multiple of 8 bytes, so the data section starts 8-byte
// aligned (the tensors in it are packed without padding, as the format
// has them).
func NewWriter(w io.Writer, metadata map[string]string, specs []Spec) (*Writer, error) {
	sw := &Writer{w: w, specs: specs, sizes: make([]int64, len(specs))}
	hdr, err := sw.header(metadata)
	if err != nil {
		return nil, err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return nil, err
	}
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	return sw, nil
}

func (sw *Writer) header(metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(metadata) > 0 {
		meta, err := json.Marshal(metadata) // keys sorted: deterministic
		if err != nil {
			return nil, err
		}
		b.WriteString(`"__metadata__":`)
		b.Write(meta)
	}
	seen := map[string]bool{"__metadata__": true}
	var off int64
	for i, s := range sw.specs {
		size, err := byteSize(s.Shape, s.DType)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %v", s.Name, err)
		}
		if s.Name == "" || seen[s.Name] {
			return nil, fmt.Errorf("tensor name %q is empty, reserved or used twice", s.Name)
		}
		seen[s.Name] = true
		sw.sizes[i] = size
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeTensorHeader(&b, s, off, off+size)
		off += size
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

func writeTensorHeader(b *bytes.Buffer, s Spec, start, end int64) {
	name, _ := json.Marshal(s.Name) // a string always marshals
	b.Write(name)
	b.WriteString(`:{"dtype":"`)
	b.WriteString(string(s.DType))
	b.WriteString(`","shape":[`)
	for i, d := range s.Shape {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	fmt.Fprintf(b, `],"data_offsets":[%d,%d]}`, start, end)
}

// WriteTensor writes the data of the next declared tensor, which must be
// called name and have exactly its declared size.
func (sw *Writer) WriteTensor(name string, data []byte) error {
	if sw.next == len(sw.specs) {
		return fmt.Errorf("tensor %q was not declared", name)
	}
	s, size := sw.specs[sw.next], sw.sizes[sw.next]
	if name != s.Name {
		return fmt.Errorf("tensor %q written out of order: %q comes next", name, s.Name)
	}
	if int64(len(data)) != size {
		return fmt.Errorf("tensor %q: %d bytes of data, want %d for %s %s", name, len(data), size, s.DType, ShapeString(s.Shape))
	}
	sw.next++
	_, err := sw.w.Write(data)
	return err
}

// Close checks that every declared tensor was written. It does not close
// the underlying writer.
func (sw *Writer) Close() error {
	if sw.next != len(sw.specs) {
		return fmt.Errorf("only %d of %d tensors were written", sw.next, len(sw.specs))
	}
	return nil
}
