package tensorio

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is the kind of a tensor file.
type Format int

// The formats Open reads.
const (
	Safetensors Format = iota
	NPY
)

func (f Format) String() string {
	if f == NPY {
		return "npy"
	}
	return "safetensors"
}

// File is an open tensor file. Its tensors are in the order of their data
// in the file, so that visiting them in turn reads the file sequentially.
type File struct {
	Path     string
	Format   Format
	Size     int64
	Metadata map[string]string // safetensors __metadata__ (nil for .npy)
	Tensors  []Tensor
	m        *mapping
}

// Open memory-maps a safetensors or .npy file (told apart by the .npy
// magic string) and parses and validates its header. The tensor data is not
// read until used.
func Open(path string) (*File, error) {
	m, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parse(path, m.data)
	if err != nil {
		m.close()
		return nil, err
	}
	f.m = m
	return f, nil
}

// Parse parses a whole safetensors or .npy file held in memory; name is
// used in errors (and, for .npy, to name the tensor). The tensors' Data
// alias data.
func Parse(name string, data []byte) (*File, error) { return parse(name, data) }

func parse(name string, data []byte) (*File, error) {
	var (
		f   *File
		err error
	)
	if bytes.HasPrefix(data, npyMagic) {
		f, err = parseNPY(tensorNameFromPath(name), data)
	} else {
		f, err = parseSafetensors(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.Path, f.Size = name, int64(len(data))
	return f, nil
}

// tensorNameFromPath names a .npy file's single tensor after the file:
// dir/wq.npy holds tensor "wq".
func tensorNameFromPath(path string) string {
	base := filepath.Base(path)
	if name := strings.TrimSuffix(base, filepath.Ext(base)); name != "" {
		return name
	}
	return base
}

// Tensor returns the tensor called name, or nil.
func (f *File) Tensor(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// Release tells the kernel that t's pages will not be needed again, so the
// resident memory does not grow with every tensor visited. t's Data stays
// readable (it is read from the file again if touched).
func (f *File) Release(t *Tensor) {
	if f.m != nil {
		f.m.release(t.Offset, int64(len(t.Data)))
	}
}

// ReleaseRange is Release for t.Data[start:end] only: a reader that is done
// with the first rows of a large tensor can give back their pages while it
// reads the next, so the resident memory stays at a band, not a tensor.
func (f *File) ReleaseRange(t *Tensor, start, end int) {
	if f.m != nil && 0 <= start && start <= end && end <= len(t.Data) {
		f.m.release(t.Offset+int64(start), int64(end-start))
	}
}

// Close unmaps the file; no tensor's Data may be used afterwards.
func (f *File) Close() error {
	if f.m == nil {
		return nil
	}
	err := f.m.close()
	f.m = nil
	return err
}
