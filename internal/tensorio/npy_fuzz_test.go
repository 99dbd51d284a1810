package tensorio

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzReadNPY fuzzes the .npy reader behind a well-formed envelope (the
// magic, format version major, the header length), so mutations go to the
// header dictionary and the data; FuzzReadSafetensors covers the envelope
// itself. Parse must return an error naming the file or one tensor named
// after it whose data is exactly the bytes after the header, of the size
// its shape says; and the dtype and shape, written back as NumPy writes
// them, must parse to the same tensor. Seeds are the .npy files of
// testdata/fuzz/FuzzReadSafetensors split into their parts; the committed
// corpus is in testdata/fuzz/FuzzReadNPY.
func FuzzReadNPY(f *testing.F) {
	seeds, err := npySeeds("testdata/fuzz/FuzzReadSafetensors")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add(s.major, s.header, s.data)
	}
	f.Fuzz(func(t *testing.T, major byte, header string, data []byte) {
		if len(header) > 60000 {
			return // npyFile's version-1 length field would wrap
		}
		file := npyFile(major, header, data)
		got, err := Parse("dir/x.npy", file)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "dir/x.npy: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if got.Format != NPY || len(got.Tensors) != 1 || got.Tensors[0].Name != "x" {
			t.Fatalf("want one .npy tensor named x, got %s with %d tensors", got.Format, len(got.Tensors))
		}
		checkTensors(t, got, file)
		tt := got.Tensors[0]
		if !bytes.Equal(tt.Data, data) {
			t.Fatalf("tensor data is %d bytes, not the %d after the header", len(tt.Data), len(data))
		}
		checkNPYRewrite(t, tt)
	})
}

// checkNPYRewrite writes tt's dtype and shape as a canonical NumPy header
// and parses the file again.
func checkNPYRewrite(t *testing.T, tt Tensor) {
	t.Helper()
	descr := map[DType]string{F32: "<f4", F16: "<f2"}[tt.DType]
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, pyShape(tt.Shape))
	again, err := Parse("x.npy", npyFile(1, hdr, tt.Data))
	if err != nil {
		t.Fatalf("cannot parse the canonical header %s: %v", hdr, err)
	}
	a := again.Tensors[0]
	if a.DType != tt.DType || !slices.Equal(a.Shape, tt.Shape) || !bytes.Equal(a.Data, tt.Data) {
		t.Fatalf("canonical header %s gives %s %v, want %s %v", hdr, a.DType, a.Shape, tt.DType, tt.Shape)
	}
}

// pyShape prints a shape as a Python tuple: (), (4,), (2, 3).
func pyShape(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	if len(s) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

type npySeed struct {
	major  byte
	header string
	data   []byte
}

// npySeeds reads the corpus files in dir (each one []byte value in the
// "go test fuzz v1" format) and splits those that are .npy files with a
// readable header into version, header text and data.
func npySeeds(dir string) ([]npySeed, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return nil, err
	}
	var seeds []npySeed
	for _, p := range paths {
		b, err := readCorpusBytes(p)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(b, npyMagic) {
			continue
		}
		if hdr, start, err := npyHeaderText(b); err == nil {
			seeds = append(seeds, npySeed{b[6], strings.TrimRight(hdr, " \n"), b[start:]})
		}
	}
	return seeds, nil
}

// readCorpusBytes reads a corpus file holding one []byte("...") value.
func readCorpusBytes(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	if !sc.Scan() || sc.Text() != "go test fuzz v1" || !sc.Scan() {
		return nil, fmt.Errorf("%s: not a go test fuzz v1 file", path)
	}
	line := sc.Text()
	if !strings.HasPrefix(line, "[]byte(") || !strings.HasSuffix(line, ")") {
		return nil, fmt.Errorf("%s: want one []byte value, got %.40s", path, line)
	}
	s, err := strconv.Unquote(line[len("[]byte(") : len(line)-1])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return []byte(s), nil
}
