package main

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// st1 is a safetensors file with one tensor, assembled by hand so that it
// can be wrong in any way.
func st1(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestQuantizeBadInput(t *testing.T) {
	smallBands(t)
	nan := make([]float32, 12*128)
	nan[10*128+7] = float32(math.NaN()) // in the second band of 7 rows
	tests := []struct {
		name   string
		file   string // input name in the test's directory; "" for none
		data   []byte
		out    string // -o relative to the directory, default out.safetensors
		stderr string
	}{
		{"missing file", "", nil, "", "q35c: error: open DIR/missing.safetensors: no such file or directory"},
		{"empty file", "in.safetensors", []byte{}, "", "q35c: error: DIR/in.safetensors: empty file"},
		{"truncated", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[2,128],"data_offsets":[0,1024]}}`, make([]byte, 1000)),
			"", "q35c: error: DIR/in.safetensors: truncated safetensors file: the header describes 1093 bytes but the file has 1069"},
		{"corrupt header", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[2,128],"data_offsets":[0,`, make([]byte, 1024)),
			"", "q35c: error: DIR/in.safetensors: corrupt safetensors header"},
		{"absurd header length", "in.safetensors", append(binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "{}"...),
			"", "header length 18446744073709551615 is absurd"},
		{"not a tensor file", "model.bin", []byte("\x80\x02}q\x00(X\x06\x00\x00\x00weightq\x01ctorch._utils"),
			"", "not a safetensors file"},
		{"unknown dtype", "in.safetensors", st1(`{"w":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}`, make([]byte, 1)),
			"", `unsupported safetensors dtype: "F4" is not a valid DType`},
		{"npy float64", "w.npy", npyBytes(1, "<f8", "(2, 128)", make([]byte, 2048)),
			"", `q35c: error: DIR/w.npy: unsupported .npy dtype "<f8"`},
		{"npy fortran order", "w.npy", []byte(strings.Replace(string(npyBytes(1, "<f4", "(2, 128)", make([]byte, 1024))), "False", "True ", 1)),
			"", "the .npy array is in Fortran order"},
		{"npy truncated", "w.npy", npyBytes(1, "<f4", "(2, 128)", make([]byte, 1000)),
			"", "truncated .npy file: shape 2x128 of <f4 needs 1024 bytes of data but the file has 1000"},
		{"K not a multiple of the group", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[2,100],"data_offsets":[0,800]}}`, make([]byte, 800)),
			"", `q35c: error: DIR/in.safetensors: tensor "w" (2x100): K = 100 is not a multiple of the group size 128`},
		{"NaN weight", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[12,128],"data_offsets":[0,6144]}}`, f32Bytes(nan)),
			"", `q35c: error: DIR/in.safetensors: tensor "w": weight at row 10, column 7 is NaN: only finite values can be quantized`},
		{"name clash", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[1,128],"data_offsets":[0,512]},"w.codes":{"dtype":"U8","shape":[1],"data_offsets":[512,513]}}`, make([]byte, 513)),
			"", `tensors "w" and "w.codes" would both be written as "w.codes"`},
		{"output directory missing", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[1,128],"data_offsets":[0,512]}}`, make([]byte, 512)),
			"no/such/dir/out.safetensors", "q35c: error: cannot write DIR/no/such/dir/out.safetensors: no such file or directory"},
		{"output is a directory", "in.safetensors", st1(`{"w":{"dtype":"F32","shape":[1,128],"data_offsets":[0,512]}}`, make([]byte, 512)),
			".", "q35c: error: cannot write DIR/.: it is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "missing.safetensors")
			if tt.file != "" {
				in = filepath.Join(dir, tt.file)
				if err := os.WriteFile(in, tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "out.safetensors")
			if tt.out != "" {
				out = filepath.Join(dir, tt.out)
				if tt.out == "." {
					out = dir + "/."
				}
			}
			code, _, stderr := q35c(t, "", "quantize", in, "-o", out)
			want := strings.ReplaceAll(tt.stderr, "DIR", dir)
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stack trace on stderr:\n%s", stderr)
			}
			expectOnly(t, dir, tt.file)
		})
	}
}

// expectOnly checks that dir holds only the input file: no output, no
// temporary file.
func expectOnly(t *testing.T, dir, input string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{}
	if input != "" {
		want = []string{input}
	}
	if !slices.Equal(names, want) {
		t.Errorf("directory holds %v, want %v", names, want)
	}
}

func TestQuantizeFailureKeepsOldOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.safetensors")
	out := filepath.Join(dir, "out.safetensors")
	if err := os.WriteFile(in, st1(`{"w":{"dtype":"F32","shape":[2,100],"data_offsets":[0,800]}}`, make([]byte, 800)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := q35c(t, "", "quantize", in, "-o", out); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if data, _ := os.ReadFile(out); string(data) != "previous" {
		t.Errorf("a failed quantize changed the output file: %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d entries, want 2", len(entries))
	}
}

func TestQuantizeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.safetensors")
	if err := os.WriteFile(in, st1(`{"w":{"dtype":"F32","shape":[1,128],"data_offsets":[0,512]}}`, make([]byte, 512)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.safetensors")
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"quantize"}, "quantize needs an input file (or --synthetic ROWSxCOLS)"},
		{[]string{"quantize", in}, "quantize needs -o FILE"},
		{[]string{"quantize", in, "-o", "-"}, "quantize needs -o FILE: the output is a binary safetensors file"},
		{[]string{"quantize", in, in, "-o", out}, "accepts at most 1 arg(s), received 2"},
		{[]string{"quantize", in, "-o", in}, "is the input file: write the quantized weights elsewhere"},
		{[]string{"quantize", in, "-o", out, "--scheme", "int2"}, `invalid --scheme "int2": want one of q35, int4, int8`},
		{[]string{"quantize", in, "-o", out, "--group", "100"}, "invalid --group 100 for q35: want a positive multiple of 8, at most 4194296"},
		{[]string{"quantize", in, "-o", out, "--scheme", "int4", "--group", "0"}, "invalid --group 0 for int4"},
		{[]string{"quantize", in, "-o", out, "--group", "x"}, `invalid argument "x" for "--group"`},
		{[]string{"quantize", in, "-o", out, "--seed", "3"}, "--seed needs --synthetic"},
		{[]string{"quantize", in, "-o", out, "--dist", "laplace"}, "--dist needs --synthetic"},
		{[]string{"quantize", "--synthetic", "64x64", in}, "--synthetic takes no input file"},
		{[]string{"quantize", "--synthetic", "64x64", "-o", out}, "--synthetic writes no file"},
		{[]string{"quantize", "--synthetic", "64x64", "--scheme", "int4"}, "--synthetic compares every scheme: drop --scheme"},
		{[]string{"quantize", "--synthetic", "64"}, `invalid --synthetic "64": want ROWSxCOLS`},
		{[]string{"quantize", "--synthetic", "0x128"}, `invalid --synthetic "0x128"`},
		{[]string{"quantize", "--synthetic", "64x100"}, "--synthetic 64x100: 100 columns are not a multiple of --group 128"},
		{[]string{"quantize", "--synthetic", "64x128", "--group", "12"}, "invalid --group 12 for q35"},
		{[]string{"quantize", "--synthetic", "64x128", "--dist", "cauchy"}, `invalid --dist "cauchy": want one of gaussian, laplace, student-t`},
	}
	for _, tt := range tests {
		code, stdout, stderr := q35c(t, "", tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, stderr, tt.stderr)
		}
	}
	expectOnly(t, dir, "in.safetensors")
}

func TestQuantizeSyntheticDeterministic(t *testing.T) {
	args := []string{"quantize", "--synthetic", "256x256", "--group", "64", "--seed", "7", "--dist", "student-t"}
	code, first, stderr := q35c(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	old := bandWeights
	bandWeights = 3000 // other bands: the same weights, the same table
	_, second, _ := q35c(t, "", args...)
	bandWeights = old
	if first != second {
		t.Errorf("two runs differ:\n%s\n%s", first, second)
	}
	_, other, _ := q35c(t, "", "quantize", "--synthetic", "256x256", "--group", "64", "--seed", "8", "--dist", "student-t")
	if other == first {
		t.Error("another seed gives the same table")
	}
	if !strings.Contains(first, "256 x 256 synthetic weights: Student's t (5 degrees of freedom), mean 0, variance 1, seed 7; groups of 64 along the 256 columns") {
		t.Errorf("title:\n%s", first)
	}
	// One line per scheme of the runtime's table, each with its own bits
	// per weight and the size of a 70B model at that rate.
	want := map[string]string{"q35, two mse scales (q35c)": "4.500", "int4, mse": "4.500", "int3, mse": "3.500", "int8, mse": "8.500", "f16 (unquantized)": "16.000"}
	for _, line := range strings.Split(first, "\n") {
		scheme, rest, _ := strings.Cut(line, "  ")
		f := strings.Fields(rest)
		if bits, ok := want[scheme]; ok && len(f) == 5 && f[0] == bits && strings.HasSuffix(line, " GB") {
			delete(want, scheme)
		}
	}
	if len(want) != 0 {
		t.Errorf("no line for %v in:\n%s", want, first)
	}
	for _, dist := range []string{"gaussian", "laplace"} {
		if code, out, errs := q35c(t, "", "quantize", "--synthetic", "32x128", "--dist", dist); code != 0 || !strings.Contains(out, "int3, mse") {
			t.Errorf("--dist %s: exit %d\n%s%s", dist, code, out, errs)
		}
	}
}

func TestQuantizeHelp(t *testing.T) {
	code, out, _ := q35c(t, "", "quantize", "--help")
	for _, want := range []string{"peak memory is about the largest single tensor", "--synthetic ROWSxCOLS", "--scheme string", "no file is left"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("quantize --help lacks %q (exit %d):\n%s", want, code, out)
		}
	}
}

// TestQuantizeInterrupted runs quantize with a context already cancelled,
// as an interrupt cancels it: an error, and no file left.
func TestQuantizeInterrupted(t *testing.T) {
	dir := t.TempDir()
	in, _, _ := makeModel(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	root := newRootCmd(strings.NewReader(""), &out, &errb)
	root.SetArgs([]string{"quantize", in, "-o", filepath.Join(dir, "out.safetensors"), "-q"})
	code := exitCode(root.ExecuteContext(ctx), &errb)
	if code != 1 || !strings.Contains(errb.String(), "q35c: error: interrupted; "+filepath.Join(dir, "out.safetensors")+" was not written") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	expectOnly(t, dir, "model.safetensors")
	root = newRootCmd(strings.NewReader(""), &out, &errb)
	root.SetArgs([]string{"quantize", "--synthetic", "64x128"})
	if code := exitCode(root.ExecuteContext(ctx), &errb); code != 1 || !strings.Contains(errb.String(), "q35c: error: interrupted") {
		t.Errorf("--synthetic: exit %d, stderr %q", code, errb.String())
	}
}
