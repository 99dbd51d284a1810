package tensorio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// npyMagic starts every .npy file.
var npyMagic = []byte("\x93NUMPY")

// npyDTypes maps the .npy descr strings q35c reads to dtypes.
var npyDTypes = map[string]DType{"<f4": F32, "<f2": F16}

// parseNPY parses a .npy file (format versions 1, 2 and 3) holding one
// little-endian float32 or float16 array in C order.
func parseNPY(name string, data []byte) (*File, error) {
	hdr, start, err := npyHeaderText(data)
	if err != nil {
		return nil, err
	}
	h, err := parseNPYHeader(hdr)
	if err != nil {
		return nil, fmt.Errorf("corrupt .npy header: %v", err)
	}
	dt, err := npyDType(h.descr)
	if err != nil {
		return nil, err
	}
	if h.fortran {
		return nil, errors.New("the .npy array is in Fortran order; q35c reads C-order arrays (save np.ascontiguousarray(a))")
	}
	size, err := byteSize(h.shape, dt)
	if err != nil {
		return nil, fmt.Errorf("corrupt .npy header: %v", err)
	}
	have := int64(len(data) - start)
	switch {
	case size > have:
		return nil, fmt.Errorf("truncated .npy file: shape %s of %s needs %d bytes of data but the file has %d", ShapeString(h.shape), h.descr, size, have)
	case size < have:
		return nil, fmt.Errorf("corrupt .npy file: shape %s of %s needs %d bytes of data but the file has %d (trailing data)", ShapeString(h.shape), h.descr, size, have)
	}
	t := Tensor{Name: name, DType: dt, Shape: h.shape, Data: data[start:], Offset: int64(start)}
	return &File{Format: NPY, Tensors: []Tensor{t}}, nil
}

// npyHeaderText returns the header dictionary text and where the data
// starts, after checking the magic, the version and the header length.
func npyHeaderText(data []byte) (string, int, error) {
	if len(data) < 10 {
		return "", 0, fmt.Errorf("truncated .npy file: %d bytes", len(data))
	}
	major, minor := data[6], data[7]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(data[8:])), 10
	case 2, 3:
		if len(data) < 12 {
			return "", 0, fmt.Errorf("truncated .npy file: %d bytes", len(data))
		}
		n := binary.LittleEndian.Uint32(data[8:])
		if int64(n) > int64(len(data)) {
			return "", 0, fmt.Errorf("truncated .npy file: the header is %d bytes long but the file has %d", n, len(data))
		}
		hlen, start = int(n), 12
	default:
		return "", 0, fmt.Errorf("unsupported .npy format version %d.%d (q35c reads 1.0, 2.0 and 3.0)", major, minor)
	}
	if start+hlen > len(data) {
		return "", 0, fmt.Errorf("truncated .npy file: the header is %d bytes long but only %d bytes follow", hlen, len(data)-start)
	}
	return string(data[start : start+hlen]), start + hlen, nil
}

// npyDType accepts the descr strings q35c reads and explains the others.
func npyDType(descr string) (DType, error) {
	if dt, ok := npyDTypes[descr]; ok {
		return dt, nil
	}
	hint := "save it as float32 with a.astype('<f4') or as float16"
	if len(descr) == 3 && descr[0] == '>' {
		hint = "it is big-endian; save a.astype('<" + descr[1:] + "')"
	}
	return "", fmt.Errorf("unsupported .npy dtype %q: q35c reads little-endian float32 ('<f4') and float16 ('<f2'); %s", descr, hint)
}
