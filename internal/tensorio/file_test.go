package tensorio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMapsTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	data := rawSafetensors(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32Data(1.5, -2))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w := f.Tensor("w")
	if f.Path != path || f.Size != int64(len(data)) || string(w.Data) != string(f32Data(1.5, -2)) {
		t.Fatalf("got %+v", f)
	}
	f.Release(w)
	if string(w.Data) != string(f32Data(1.5, -2)) {
		t.Error("released data no longer reads back")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	npy := filepath.Join(dir, "wq.npy")
	if err := os.WriteFile(npy, npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f32Data(3, 4)), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := Open(npy)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Format != NPY || g.Tensors[0].Name != "wq" || string(g.Tensors[0].Data) != string(f32Data(3, 4)) {
		t.Errorf("got %+v", g)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.safetensors")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "model.bin")
	if err := os.WriteFile(garbage, []byte("PK\x03\x04 this is a zip archive, not a tensor file"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing"): "no such file or directory",
		dir:                           "is a directory, not a tensor file",
		empty:                         "empty.safetensors: empty file",
		garbage:                       "model.bin: not a safetensors file (or corrupt): header length",
		"/dev/null":                   "is not a regular file",
	} {
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s): %v, want %q", path, err, want)
		}
	}
}

// TestGuardTurnsFaultsIntoErrors truncates a mapped file, so that reading
// its data faults (SIGBUS), and checks that Guard reports it.
func TestGuardTurnsFaultsIntoErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.npy")
	data := make([]byte, 1<<16)
	if err := os.WriteFile(path, npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (16384,), }", data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	w := f.Tensors[0]
	var sum byte
	err = Guard(func() error {
		for _, b := range w.Data {
			sum += b
		}
		return nil
	})
	if !errors.Is(err, ErrFault) {
		t.Errorf("Guard returned %v, want ErrFault", err)
	}
	if err := Guard(func() error { return os.ErrClosed }); err != os.ErrClosed {
		t.Errorf("Guard changed fn's error: %v", err)
	}
	defer func() {
		if r := recover(); r != "not a fault" {
			t.Errorf("Guard swallowed a panic that was not a fault: %v", r)
		}
	}()
	Guard(func() error { panic("not a fault") })
}
