package tensorio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/maruel/safetensors"
)

// maxHeaderBytes bounds a safetensors header, as the reference
// implementation does (100 MB); a longer one is corrupt, not a model.
const maxHeaderBytes = 100_000_000

// parseSafetensors parses and validates a whole safetensors file.
//
// The JSON header is parsed by github.com/maruel/safetensors, whose Parse
// works on a byte slice (here the mapping) and returns tensors as views of
// it, so nothing is read until used. Parse checks that the tensors' data is
// contiguous from the start of the data section to the end of the file, in
// range, not overlapping, and of the size their shape and dtype say. Around
// it we check what it does not, or reports tersely: the length prefix, the
// header's first byte, duplicate names, an empty header.
func parseSafetensors(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("not a safetensors file: %d bytes is too short to hold the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	switch {
	case n > maxHeaderBytes:
		return nil, fmt.Errorf("not a safetensors file (or corrupt): header length %d is absurd (the limit is %d bytes)", n, maxHeaderBytes)
	case n+8 > uint64(len(data)):
		return nil, fmt.Errorf("truncated safetensors file: its header is %d bytes long but only %d bytes follow the length", n, len(data)-8)
	case n == 0 || data[8] != '{':
		return nil, errors.New("not a safetensors file: the header is not a JSON object (PyTorch .bin/.pt pickles are not read; convert them to safetensors)")
	}
	sf, err := safetensors.Parse(data)
	if err != nil {
		return nil, explainParseError(err)
	}
	if len(sf.Tensors) == 0 {
		return nil, errors.New("the safetensors file holds no tensors")
	}
	f := &File{Format: Safetensors, Metadata: sf.Metadata, Tensors: make([]Tensor, len(sf.Tensors))}
	seen := make(map[string]bool, len(sf.Tensors))
	for i, st := range sf.Tensors {
		if seen[st.Name] {
			return nil, fmt.Errorf("corrupt safetensors header: tensor %q appears twice", st.Name)
		}
		seen[st.Name] = true
		t, err := fromLibTensor(st, data)
		if err != nil {
			return nil, err
		}
		f.Tensors[i] = t
	}
	sort.SliceStable(f.Tensors, func(i, j int) bool { return f.Tensors[i].Offset < f.Tensors[j].Offset })
	return f, nil
}

func fromLibTensor(st safetensors.Tensor, file []byte) (Tensor, error) {
	t := Tensor{Name: st.Name, DType: DType(st.DType), Data: st.Data, Shape: make([]int, len(st.Shape))}
	// Parse checked that the data size is the product of the shape, so the
	// product cannot overflow unless a dimension is 0 and another absurd.
	empty := slices.Contains(st.Shape, 0)
	for i, d := range st.Shape {
		if d > math.MaxInt32 && (empty || d > math.MaxInt) {
			return Tensor{}, fmt.Errorf("corrupt safetensors header: tensor %q has dimension %d", st.Name, d)
		}
		t.Shape[i] = int(d)
	}
	if t.DType.Size() == 0 {
		return Tensor{}, fmt.Errorf("tensor %q has dtype %s, which q35c does not know", st.Name, st.DType)
	}
	// Data is a subslice of file reaching to its end, so their capacities
	// differ by its offset.
	t.Offset = int64(cap(file) - cap(st.Data))
	return t, nil
}

// explainParseError rewords the parser's terse messages for the cases a
// user meets: a truncated download, or an unsupported dtype.
func explainParseError(err error) error {
	msg := err.Error()
	var want, got uint64
	if _, e := fmt.Sscanf(msg, "metadata incomplete buffer: %d != %d", &want, &got); e == nil {
		if want > got {
			return fmt.Errorf("truncated safetensors file: the header describes %d bytes but the file has %d", want, got)
		}
		return fmt.Errorf("corrupt safetensors file: the header describes %d bytes but the file has %d (trailing data)", want, got)
	}
	if strings.HasSuffix(msg, "empty tensors") {
		return errors.New("the safetensors file holds no tensors")
	}
	if strings.Contains(msg, "is not a valid DType") {
		return fmt.Errorf("unsupported safetensors dtype: %s", strings.TrimPrefix(msg, "invalid header: "))
	}
	return fmt.Errorf("corrupt safetensors header: %s", msg)
}
