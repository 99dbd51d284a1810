package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/lpusim"
	"github.com/q35c/q35c/passes"
	q35rt "github.com/q35c/q35c/runtime"
)

// sim --model llama-70b prints the target, the assumptions, the bytes,
// the chips, the partition and the speed; the figures are lpusim's
// (worked out by hand in lpusim's tests) and do not change between runs.
func TestSimModelReport(t *testing.T) {
	code, out, errs := q35c(t, "", "sim", "--model", "llama-70b")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"llama-70b at 3.5 bits (q35, groups of 128) on tsp-like chips (the built-in target), batch 1 and 32",
		"not a measurement",
		"4 planes of 320×320, 8-bit operands, 32-bit accumulators: 737.3 TOPS (stated: 750)",
		"link latency 500 ns per hop: an ASSUMPTION",
		"assumptions\n  - weights: q35 at 4.000 bits per weight",
		"no tensor parallelism",
		"lm_head     8192 × 128256      1        4.000    525336576     525336576",
		"total      69501714432 weights               4.000                34750857216",
		"= 34.75 GB (32.4 GiB)",
		"needed: 151; ceil(34750857216 bytes / 230686720 usable bytes per chip = 150.64) = 151",
		"  1             L0.q_proj[0]      L0.up_proj[9083]   230141952",
		"151         lm_head[72128]       lm_head[128256]",
		"batch 1: 200.5 ms per token (199.8 ms on the matrix units + 0.79 ms over 150 hops) = 4.99 tokens/s",
		"batch 32: 32 micro-batches of 1; each sequence gets a token every 200.5 ms = 159.6 tokens/s in all",
		"limited by the round trip: 32 micro-batches keep only 32 of 151 chips busy",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
	_, again, _ := q35c(t, "", "sim", "--model", "llama-70b")
	if again != out {
		t.Error("two runs print different reports")
	}
}

// --json writes the projection, which parses back with consistent
// figures; --json - writes only the JSON to standard output.
func TestSimJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	code, out, errs := q35c(t, "", "sim", "--model", "llama-70b", "--bits", "4", "--batch", "1024", "--json", path)
	if code != 0 || !strings.Contains(out, "needed: 161") {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p lpusim.Projection
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if p.Chips != 161 || int64(len(p.Stages)) != p.Chips || p.Options.Scheme.Name != "int4" || p.WeightBytes != 69501714432/2+69501714432/128*4 {
		t.Errorf("projection: %d chips, %d stages, %s, %d bytes", p.Chips, len(p.Stages), p.Options.Scheme.Name, p.WeightBytes)
	}
	if b := p.BatchB; b.Batch != 1024 || b.MicroBatches != 161 || b.MicroBatchSize != 7 || b.TokensPerSecond != 1024/b.PeriodSeconds {
		t.Errorf("batch 1024: %+v", b)
	}
	if p.Target == nil || p.Target.Name != "tsp-like" || len(p.Assumptions) == 0 {
		t.Errorf("target %+v, %d assumptions", p.Target, len(p.Assumptions))
	}
	code, out, errs = q35c(t, "", "sim", "--model", "llama-70b", "--json", "-")
	if code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, `"chips_needed": 151`) {
		t.Errorf("--json -: exit %d, stderr %s, stdout is not only JSON:\n%.300s", code, errs, out)
	}
}

// The example target file is the built-in target: the same projection.
func TestSimTargetFileIsDefault(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if code, _, errs := q35c(t, "", "sim", "--model", "llama-70b", "--json", a); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := q35c(t, "", "sim", "--model", "llama-70b", "--target-file", "testdata/targets/tsp.json", "--json", b)
	if code != 0 || !strings.Contains(out, "on tsp-like chips (testdata/targets/tsp.json)") {
		t.Fatalf("exit %d: %s\n%.200s", code, errs, out)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if string(da) != string(db) || len(da) == 0 {
		t.Error("the projection with testdata/targets/tsp.json differs from the built-in target's")
	}
}

// targetWith writes testdata/targets/tsp.json with field set to value to
// a temporary file and returns its path.
func targetWith(t *testing.T, field string, value any) string {
	t.Helper()
	data, err := os.ReadFile("testdata/targets/tsp.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m[field] = value
	data, _ = json.Marshal(m)
	path := filepath.Join(t.TempDir(), field+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Bad flags exit 2, a model too large for the chips and bad target files
// exit 1, each with a message that says what is wrong.
func TestSimErrors(t *testing.T) {
	noLinks := targetWith(t, "links", map[string]any{"count": 0, "bandwidth_bytes_per_s": 0, "latency_ns": 0})
	llama := []string{"sim", "--model", "llama-70b"}
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{append(llama, "--chips", "8"), 1, "q35c: error: llama-70b at 3.5 bits needs 151 chips of 220.0 MiB of SRAM (34750857216 bytes of weights, 230686720 usable bytes per chip); --chips 8 is too few"},
		{append(llama, "--bits", "8", "--chips", "200"), 1, "llama-70b at 8 bits needs 311 chips"},
		{append(llama, "--target-file", "testdata/targets/bad_peak.json"), 1,
			"q35c: error: testdata/targets/bad_peak.json: peak_int8_tops: 4 planes × 320×320 MACs × 2 × 900 MHz = 737.3 TOPS, not the stated 1000 (more than 5% apart)"},
		{append(llama, "--target-file", "testdata/targets/bad_unknown.json"), 1, "testdata/targets/bad_unknown.json: matrix.row: unknown field"},
		{append(llama, "--target-file", "testdata/targets/bad_several.json"), 1,
			"bad_several.json: clock_mhz: must be a positive number, got 0\ntestdata/targets/bad_several.json: vector.lanes: must be positive, got 0\n"},
		{append(llama, "--target-file", "testdata/targets/none.json"), 1, "cannot read testdata/targets/none.json: no such file or directory"},
		{append(llama, "--target-file", noLinks), 1, "links.json: links.count: the pipeline needs 1 link(s) between neighbouring chips, the target has 0"},
		{append(llama, "--bits", "5"), 2, `--bits: unknown bits "5": want 3.5, 4, 8`},
		{append(llama, "--chips", "0"), 2, `--chips "0": want auto or a number from 1 to 100000`},
		{append(llama, "--chips", "many"), 2, `--chips "many": want auto or a number from 1 to 100000`},
		{append(llama, "--chips", "100001"), 2, `--chips "100001": want auto or a number from 1 to 100000`},
		{append(llama, "--batch", "0"), 2, "--batch 0: must be at least 1"},
		{append(llama, "--group", "96"), 2, "--group 96 at --bits 3.5: q_proj (8192×8192): K = 8192 is not a multiple of the group size 96"},
		{append(llama, "--bits", "3.5", "--group", "4"), 2, "group size 4: q35 needs a positive multiple of 8"},
		{append(llama, "--sram-reserve", "1"), 2, "--sram-reserve 1: must be at least 0 and below 1"},
		{[]string{"sim", "--model", "gpt-5"}, 2, `--model: unknown model "gpt-5": want llama-70b`},
		{[]string{"sim"}, 2, "sim needs a kernel file or --model (llama-70b)"},
		{[]string{"sim", "examples/matmul_q35.q35", "--model", "llama-70b"}, 2, "--model is for --model, not a kernel file"},
		{[]string{"sim", "examples/matmul_q35.q35", "--bits", "4"}, 2, "--bits is for --model, not a kernel file"},
		{append(llama, "--report", "r.json"), 2, "--report needs a kernel file"},
		{[]string{"sim", "examples/matmul_q35.q35", "--timing-only", "--check"}, 2, "--check needs the kernels executed; --timing-only does not execute them"},
		{[]string{"sim", "a.q35", "b.q35"}, 2, "accepts at most 1 arg(s), received 2"},
	}
	for _, tt := range tests {
		code, out, errs := q35c(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errs, tt.code, tt.err)
		}
		if out != "" {
			t.Errorf("%v: unexpected stdout %.200q", tt.args, out)
		}
		if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine ") {
			t.Errorf("%v: stack trace:\n%s", tt.args, errs)
		}
	}
}

// lpusim counts the bytes of each format as the runtime package stores
// them (lpusim may not import runtime; this test ties the two).
func TestSimModelBytesMatchRuntime(t *testing.T) {
	for _, c := range []struct{ k, n, g int }{{8192, 3, 128}, {28672, 2, 128}, {640, 5, 320}, {8192, 1, 4096}} {
		q, err := q35rt.NewQ35(c.k, c.n, c.g)
		if err != nil {
			t.Fatal(err)
		}
		i4, _ := q35rt.NewInt4(c.k, c.n, c.g)
		i8, _ := q35rt.NewInt8(c.k, c.n, c.g)
		for _, f := range []struct {
			bits  string
			bytes int
		}{{"3.5", q.Bytes()}, {"4", i4.Bytes()}, {"8", i8.Bytes()}} {
			s, err := lpusim.SchemeForBits(f.bits)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.ColumnBytes(int64(c.k), int64(c.g)) * int64(c.n); got != int64(f.bytes) {
				t.Errorf("%s %dx%d G=%d: lpusim counts %d bytes, runtime stores %d", s.Name, c.k, c.n, c.g, got, f.bytes)
			}
		}
	}
}

// The excerpts of `q35c sim --model llama-70b` in README.md and
// docs/lpusim.md, and of `q35c sim examples/matmul_q35.q35` in
// docs/lpusim.md, are lines they print (a line ending in "..." is a prefix).
func TestSimDocExcerpts(t *testing.T) {
	checkSimExcerpt(t, []string{"README.md", "docs/lpusim.md"}, "sim", "--model", "llama-70b")
	checkSimExcerpt(t, []string{"docs/lpusim.md"}, "sim", "examples/matmul_q35.q35")
}

func checkSimExcerpt(t *testing.T, docs []string, args ...string) {
	t.Helper()
	_, out, _ := q35c(t, "", args...)
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		lines[l] = true
	}
	command := "$ q35c " + strings.Join(args, " ")
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(data), "$ ./q35c ", "$ q35c ")
		_, block, ok := strings.Cut(text, "\n"+command)
		if !ok {
			t.Fatalf("%s has no excerpt of %s", doc, command)
		}
		_, block, _ = strings.Cut(block, "\n")
		block, _, _ = strings.Cut(block, "```")
		checked := 0
		for _, l := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
			if l == "..." {
				continue
			}
			checked++
			if prefix, cut := strings.CutSuffix(l, "..."); cut {
				if !strings.Contains(out, "\n"+prefix) {
					t.Errorf("%s: no line of the output starts with %q", doc, prefix)
				}
			} else if !lines[l] {
				t.Errorf("%s: the output has no line %q", doc, l)
			}
		}
		if checked < 3 {
			t.Errorf("%s: only %d lines of the excerpt checked", doc, checked)
		}
	}
}

// Every example kernel and every kernel the dot pass accepts simulates on
// the built-in chip bit-identical to the interpreter (--check is on by
// default), twice with the same report. examples/llama70b.q35 is left out:
// its 8192×8192 layers take minutes in the interpreter (5.5 on the
// machine this was written on), and lpusim's own tests cover the same
// dot loop forms at small sizes.
func TestSimKernelsMatchInterpreter(t *testing.T) {
	for _, tc := range []struct {
		path    string
		kernels int
	}{
		{"examples/matmul_q35.q35", 1},
		{"examples/matmul_i8_i4.q35", 1},
		{"examples/matmul_f32.q35", 1},
		{"examples/dequant_lut.q35", 1},
		{"testdata/dot/accept.q35", 9},
	} {
		code, out, errs := q35c(t, "", "sim", tc.path)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", tc.path, code, errs)
			continue
		}
		if n := strings.Count(out, ": bit-identical to the interpreter"); n != tc.kernels {
			t.Errorf("%s: %d kernels bit-identical, want %d:\n%s", tc.path, n, tc.kernels, out)
		}
		if _, again, _ := q35c(t, "", "sim", tc.path); again != out {
			t.Errorf("%s: two runs print different reports", tc.path)
		}
	}
}

// The report of matmul_q35 holds the figures lpusim's tests work out by
// hand, as a table and as JSON (--report -: only the JSON); --timeline
// draws every kernel; sim - reads the kernels from standard input.
func TestSimKernelReport(t *testing.T) {
	simReport(t, []string{"sim", "examples/matmul_q35.q35"},
		"examples/matmul_q35.q35 on tsp-like (the built-in target)",
		"kernel matmul_q35: bit-identical to the interpreter",
		"  cycles                                 532\n",
		"  matrix unit busy          532 cycles (100.0%)",
		"  MACs                                 16384\n",
		"  SRAM read                           3840 B",
		"  peak SRAM                           4096 B",
		"dot loop at examples/matmul_q35.q35:26:9: K 256 (2 groups of 128) × N 16, M 4: 1×1 tiles, 532 cycles",
	)
	path := filepath.Join(t.TempDir(), "r.json")
	if code, _, errs := q35c(t, "", "sim", "testdata/dot/accept.q35", "--kernel", "q35_batch", "--report", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rs []lpusim.KernelReport
	if err := json.Unmarshal(data, &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Kernel != "q35_batch" || len(rs[0].Jobs) != 1 || rs[0].Jobs[0].Dots[0].Shape.M != 32 || rs[0].Cycles <= 0 {
		t.Errorf("report: %s", data)
	}
	svg := filepath.Join(t.TempDir(), "t.svg")
	if code, _, errs := q35c(t, "", "sim", "testdata/dot/accept.q35", "--timeline", svg); code != 0 {
		t.Fatalf("--timeline: exit %d: %s", code, errs)
	}
	if data, err := os.ReadFile(svg); err != nil || !strings.HasPrefix(string(data), "<svg ") || strings.Count(string(data), "kernel ") != 9 {
		t.Errorf("--timeline: %v\n%.300s", err, data)
	}
	src, err := os.ReadFile("examples/matmul_q35.q35")
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := q35c(t, string(src), "sim", "-"); code != 0 || !strings.Contains(out, "<stdin> on tsp-like") || !strings.Contains(out, "kernel matmul_q35: bit-identical") {
		t.Errorf("sim -: exit %d, %s\n%s", code, errs, out)
	}
	code, out, _ := q35c(t, "", "sim", "examples/matmul_q35.q35", "--check=false", "--report", "-")
	if code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, `"cycles": 532`) {
		t.Errorf("--report -: exit %d, not only JSON:\n%.300s", code, out)
	}
}

// A kernel whose buffers exceed the target's SRAM exits 1 with the bytes
// needed and available and the chips it would take; an unknown --kernel
// and a file that does not compile exit 1 too.
func TestSimKernelErrors(t *testing.T) {
	small := targetWith(t, "sram", map[string]any{"bytes": 1024, "banks": 1, "bandwidth_bytes_per_s": 80e12})
	bad := filepath.Join(t.TempDir(), "bad.q35")
	if err := os.WriteFile(bad, []byte("kernel k(A: in i8[4]) { oops }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Seven nested loops of 1000: 10^21 stores, more than int64 counts.
	deep := filepath.Join(t.TempDir(), "deep.q35")
	loops := strings.Repeat("for a in 0..1000 { ", 1)
	for _, v := range "bcdefg" {
		loops += "for " + string(v) + " in 0..1000 { "
	}
	if err := os.WriteFile(deep, []byte("kernel deep(A: in i32[4], B: out i32[4]) {\n  for i in 0..4 {\n    "+loops+"\n      B[i] = A[i]\n    "+strings.Repeat("} ", 7)+"\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"sim", "examples/matmul_q35.q35", "--target-file", small},
			"q35c: error: kernel matmul_q35 needs 4096 bytes of SRAM (weights, activations and outputs), the target has 1024: it would need 4 chips"},
		{[]string{"sim", "examples/matmul_q35.q35", "--kernel", "nope"}, `examples/matmul_q35.q35 has no kernel "nope"`},
		{[]string{"sim", bad}, "bad.q35:1:"},
		{[]string{"sim", "examples/none.q35"}, "no such file or directory"},
		{[]string{"sim", deep}, "kernel deep would execute 9223372036854775807 vector operations and 0 MACs, more than q35c sim executes (68719476736); --timing-only times it without executing"},
	} {
		code, _, errs := q35c(t, "", tt.args...)
		if code != 1 || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, errs, tt.err)
		}
	}
}

// A simulated output that differs from the interpreter's is named by its
// first differing element (sim then exits 1).
func TestSimFirstDifference(t *testing.T) {
	f := &ir.Func{Name: "k", Params: []*ir.Buffer{
		{Name: "A", Kind: ir.In, Elem: ir.I8, Shape: []int64{4}},
		{Name: "C", Kind: ir.Out, Elem: ir.I32, Shape: []int64{3}},
	}}
	want := ir.GeneratedMemory(f)
	got := ir.GeneratedMemory(f)
	got[0][1] = 9 // inputs do not count
	if err := firstDifference(f, got, want); err != nil {
		t.Fatal(err)
	}
	got[1][4] = 0xff
	got[1][8] = 1
	err := firstDifference(f, got, want)
	if err == nil || err.Error() != "kernel k: the simulated %C differs from the interpreter's at element 1: 0xff, want 0x0" {
		t.Errorf("err = %v", err)
	}
}

// The simulated example kernels write what the runtime's hand-written
// reference kernels compute, word for word: the reference of issue 6,
// checked directly rather than through the interpreter. llama70b.q35 is
// left out: simulating its four 8192×8192 layers takes about 40 s of CPU.
// Both dataflows.
func TestSimMatchesReferenceKernels(t *testing.T) {
	for _, path := range []string{"examples/matmul_q35.q35", "examples/matmul_i8_i4.q35", "examples/matmul_f32.q35", "examples/dequant_lut.q35"} {
		for _, dataflow := range []string{"ws", "os"} {
			m := transformed(t, path, passes.LPUPipeline(ir.DefaultLPU(), dataflow))
			for _, f := range m.Funcs {
				want, ok, err := reference(f)
				if err != nil || !ok {
					t.Fatalf("%s: no reference (%v)", f.Name, err)
				}
				p, err := passes.LowerLPU(f, ir.DefaultLPU(), dataflow)
				if err != nil {
					t.Fatal(err)
				}
				mem := ir.GeneratedMemory(f)
				if err := lpusim.Run(p, mem); err != nil {
					t.Fatal(err)
				}
				out := f.Params[len(f.Params)-1]
				if got := ir.OutputWords(out, mem[len(mem)-1]); !slices.Equal(got, want[0]) {
					t.Errorf("%s (%s): the simulated %%%s differs from the runtime's reference kernel", f.Name, dataflow, out.Name)
				}
			}
		}
	}
}

// simReport runs q35c with args, which must succeed, and checks that its
// output contains every line of wants; it returns the output.
func simReport(t *testing.T, args []string, wants ...string) string {
	t.Helper()
	code, out, errs := q35c(t, "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("the report of %v lacks %q:\n%s", args, want, out)
		}
	}
	return out
}

// --timing-only maps and times without executing, so the LLaMA layers of
// examples/llama70b.q35 are quick: the 8192×8192 q35 layer at M = 1 is
// 32 × 26 tiles of 256 rows (two groups of 128) on 4 planes, 208 rounds
// of 256 + 1 + 256 + 320 = 833 cycles.
func TestSimTimingOnly(t *testing.T) {
	out := simReport(t, []string{"sim", "examples/llama70b.q35", "--timing-only"},
		"kernel matmul_q35_m1: timed only, not executed (--timing-only)",
		"  cycles                              173264\n",
		"K 8192 (64 groups of 128) × N 8192, M 1: 32×26 tiles, 173264 cycles",
		"K 8192 (64 groups of 128) × N 8192, M 32: 32×26 tiles, 179712 cycles",
	)
	if n := strings.Count(out, "timed only"); n != 4 {
		t.Errorf("%d kernels timed, want 4", n)
	}
}

// The projection charges a matrix what the kernel simulator counts: the
// 3.5-bit 8192×8192 layer of examples/llama70b.q35 at M = 1
// (matmul_q35_m1, groups of 128) takes as many cycles in `sim KERNEL`
// as `sim --model llama-70b` charges LLaMA-70B's q_proj at batch 1, the
// same shape in the same groups on the same chip (173,264, worked by hand
// in lpusim's TestModelMatmulCyclesByHand).
func TestSimModelMatchesKernel(t *testing.T) {
	code, out, errs := q35c(t, "", "sim", "examples/llama70b.q35", "--timing-only", "--report", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var reports []lpusim.KernelReport
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("--report -: %v\n%.300s", err, out)
	}
	model, opts := lpusim.LLaMA70B(), lpusim.DefaultOptions()
	q := model.LayerMatrices()[0]
	if q.Name != "q_proj" {
		t.Fatalf("the first matrix of a layer is %s", q.Name)
	}
	want := lpusim.MatmulCycles(ir.DefaultLPU(), q.K, q.N, opts.Group, 1)
	found := false
	for _, r := range reports {
		if r.Kernel != "matmul_q35_m1" {
			continue
		}
		found = true
		var dots []lpusim.DotJob
		for _, j := range r.Jobs {
			dots = append(dots, j.Dots...)
		}
		if len(dots) != 1 {
			t.Fatalf("matmul_q35_m1 has %d dot loops, want 1", len(dots))
		}
		d := dots[0]
		if d.Shape != (lpusim.MatrixShape{GroupK: opts.Group, Groups: q.K / opts.Group, N: q.N, M: 1}) {
			t.Errorf("matmul_q35_m1 is %+v, not q_proj's shape", d.Shape)
		}
		if r.Cycles != want || d.Timing.Cycles != want || want != 173264 {
			t.Errorf("matmul_q35_m1: %d cycles (%d on its dot loop), the projection's q_proj at batch 1 %d; want both 173264", r.Cycles, d.Timing.Cycles, want)
		}
	}
	if !found {
		t.Fatalf("no report of matmul_q35_m1 in\n%.300s", out)
	}
}
