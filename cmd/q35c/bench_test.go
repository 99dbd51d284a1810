package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/toolchain"
)

// bench builds, runs and reports; its JSON holds consistent figures. The
// multiplies are the 4×16×256 integer products and, per group, the two
// scalings of the f32 sum.
func TestBenchReport(t *testing.T) {
	toolchain.Require(t, "clang", "mlir-opt", "mlir-translate")
	out := filepath.Join(t.TempDir(), "b.json")
	code, stdout, errs := q35c(t, "", "bench", "examples/matmul_q35.q35", "--reps", "3", "--warmup", "1", "--bw-mib", "16", "--threads", "2", "--compare", "--json", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"llvm (q35c LLVM IR)", "mlir (mlir-opt, mlir-translate)", "go fast kernel", "go reference", "streaming read bandwidth"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r benchReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.MACs != 4*16*256+4*16*2*2 || r.WeightBuf != "W" || r.WeightBytes != 16*112 || r.Threads != 2 || len(r.Rows) != 4 {
		t.Errorf("report: %d MACs (want %d), weights %s %d bytes, %d threads, %d rows", r.MACs, 4*16*256+4*16*2*2, r.WeightBuf, r.WeightBytes, r.Threads, len(r.Rows))
	}
	for _, row := range r.Rows {
		if len(row.TimesNs) == 0 || row.MinNs > row.MedianNs || row.MedianNs > row.MaxNs || row.GMACPerS <= 0 {
			t.Errorf("%s: inconsistent figures %+v", row.Name, row)
		}
	}
	if r.StreamGBs <= 0 || r.Rows[0].VsLLVM != 1 {
		t.Errorf("stream %v GB/s, first row ratio %v", r.StreamGBs, r.Rows[0].VsLLVM)
	}
}

func TestBenchErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"bench", "examples/llama70b.q35"}, 2, "choose one with --kernel (matmul_q35_m1, "},
		{[]string{"bench", "examples/matmul_q35.q35", "--kernel", "nope"}, 2, `has no kernel "nope"`},
		{[]string{"bench", "examples/matmul_q35.q35", "--reps", "0"}, 2, "--reps and --threads must be at least 1"},
		{[]string{"bench", "examples/matmul_q35.q35", "--weights", "Q"}, 2, `has no input buffer "Q"`},
		{[]string{"bench", "examples/matmul_q35.q35", "--weights", "W,C"}, 2, `has no input buffer "C"`},
		{[]string{"bench", "examples/matmul_q35.q35", "--weights", "W,W"}, 2, `"W" is listed twice`},
		{[]string{"bench", "testdata/errors/does-not-exist.q35"}, 1, "does-not-exist.q35"},
	} {
		code, _, errs := q35c(t, "", c.args...)
		if code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.err)
		}
	}
}

// bench reads its kernel from standard input once, like compile, and counts
// the multiplies on the IR before the passes.
func TestBenchStdin(t *testing.T) {
	toolchain.Require(t, "clang")
	src, err := os.ReadFile("examples/matmul_q35.q35")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := q35c(t, string(src), "bench", "-", "--reps", "1", "--warmup", "0", "--bw-mib", "0")
	if code != 0 || !strings.Contains(stdout, "1.66e+04 MACs") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
}

// --weights W,Se,So counts a 3.5-bit matrix's scales with its codes.
func TestBenchWeightsList(t *testing.T) {
	toolchain.Require(t, "clang")
	out := filepath.Join(t.TempDir(), "b.json")
	code, stdout, errs := q35c(t, "", "bench", "examples/matmul_q35.q35", "--reps", "1", "--warmup", "0", "--bw-mib", "1", "--weights", "W,Se,So", "--json", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r benchReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if want := int64(16*112 + 2*16*2*4); r.WeightBuf != "W+Se+So" || r.WeightBytes != want {
		t.Errorf("weights %q, %d bytes; want W+Se+So, %d", r.WeightBuf, r.WeightBytes, want)
	}
	if !strings.Contains(stdout, "weights %W+%Se+%So 0.0 MB") {
		t.Errorf("the report does not name the weights:\n%s", stdout)
	}
	if r.FlushBytes < 64<<20 || !strings.Contains(stdout, "caches evicted before each call") {
		t.Errorf("calls are not cold by default: flush %d bytes\n%s", r.FlushBytes, stdout)
	}
	code, stdout, errs = q35c(t, "", "bench", "examples/matmul_q35.q35", "--reps", "1", "--warmup", "0", "--bw-mib", "0", "--warm", "--json", out)
	if code != 0 {
		t.Fatalf("--warm: exit %d: %s", code, errs)
	}
	if data, err = os.ReadFile(out); err != nil {
		t.Fatal(err)
	}
	r = benchReport{}
	if err := json.Unmarshal(data, &r); err != nil || r.FlushBytes != 0 || !strings.Contains(stdout, "warm calls") {
		t.Errorf("--warm: flush %d bytes (%v)\n%s", r.FlushBytes, err, stdout)
	}
}
