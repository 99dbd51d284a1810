package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileCase is one command line on hostile input: the exit status it
// must give and a substring of its standard error.
type hostileCase struct {
	name   string
	src    string   // written to h.q35 in a fresh directory (DIR below), unless empty and args say otherwise
	args   []string // "DIR" in an argument is replaced by that directory
	code   int
	stderr string
}

// Hostile and broken input: each case gets a clear error and exit 1 (2 for
// usage), no stack trace, no file left in the output directory, and no more
// than hostileAllocBudget bytes allocated however large the input.
func TestHostileInput(t *testing.T) {
	const kernel = "kernel k(C: out f32[1]) { C[0] = "
	big := 10 << 20 // bytes on one line (1 MB under -short: the race detector makes 10 MB slow)
	if testing.Short() {
		big = 1 << 20
	}
	tests := []hostileCase{
		{"100000 nested parentheses", kernel + strings.Repeat("(", 100000) + "1.0" + strings.Repeat(")", 100000) + " }", nil, 1, "h.q35:1:233: error: nesting too deep: more than 200 levels of brackets"},
		{"100000 nested loops", "kernel k(C: out f32[1]) {\n" + strings.Repeat("for i in 0..2 {\n", 100000) + "C[0] = 1.0\n" + strings.Repeat("}\n", 100001), nil, 1, "h.q35:201:15: error: nesting too deep"},
		{"100000 prefix operators", kernel + strings.Repeat("-", 100000) + "1.0 }", nil, 1, "h.q35:1:98: error: too many prefix operators in a row"},
		{"a 10 MB line of sums", "kernel k(C: out i32[1]) { C[0] = 1" + strings.Repeat("+1", big/2) + " }", nil, 1, "error: file too large: more than 100000 tokens"},
		{"200000 statements", "kernel k(C: out i32[1]) {\n" + strings.Repeat("C[0] = 1\n", 200000) + "}\n", nil, 1, "h.q35:16666:6: error: file too large"},
		{"a 10 MB integer literal", kernel + strings.Repeat("9", big) + " }", nil, 1, fmt.Sprintf("h.q35:1:34: error: name or number too long: %d bytes", big)},
		{"a 10 MB line of blanks before a syntax error", kernel + "1.0" + strings.Repeat(" ", big) + "@ }", nil, 1, "error: syntax error: unexpected character '@'"},
		{"a 10 MB comment line compiles", "// " + strings.Repeat("x", big) + "\n" + kernel + "1.0 }", nil, 0, ""},
		{"source over 16 MiB", strings.Repeat(" ", 17<<20), nil, 1, "h.q35 is larger than 16 MiB"},
		{"non-UTF-8 bytes", kernel + "1.0 }\nkernel \xc3\x28\xff(", nil, 1, "h.q35:2:8: error: syntax error: unexpected character"},
		{"NUL bytes", "\x00\x00kernel", nil, 1, "h.q35:1:1: error: syntax error"},
		{"integer literal beyond int64", "kernel k(C: out i64[1]) { C[0] = 9223372036854775808 }", nil, 1, "h.q35:1:34: error: integer literal 9223372036854775808 does not fit in 64 bits"},
		{"constant arithmetic beyond int64", "const N = 4294967296 * 4294967296\nkernel k(C: out f32[N]) { }", nil, 1, "h.q35:1:22: error: constant overflow"},
		{"float literal beyond f64", kernel + "1e999 }", nil, 1, "h.q35:1:34: error: float literal 1e999 is out of range"},
		{"float constant beyond f32", kernel + "1e300 }", nil, 1, "h.q35:1:34: error: constant 1e+300 overflows f32"},
		{"element count beyond int64", "const N = 1 << 62\nkernel k(C: out f32[N, N, N, 4]) { }", nil, 1, "h.q35:2:10: error: buffer C is too large"},
		{"element count beyond 2^31", "kernel k(C: out i8[65536, 65536]) { }", nil, 1, "error: buffer C is too large: more than 2147483648 elements"},
		{"sim: buffers beyond any memory", "kernel k(A: in f32[32768, 65536], C: out f32[32768, 65536]) {\n  C[0, 0] = A[0, 0]\n}", []string{"sim", "DIR/h.q35"}, 1, "kernel k needs 17179869312 bytes of SRAM"},
		{"quantize: safetensors shape beyond int64", safetensorsHeader(`{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}`) + strings.Repeat("\x00", 16), []string{"quantize", "DIR/h.q35", "-o", "DIR/out.st"}, 1, "multiplication overflow"},
		{"quantize: absurd safetensors header length", "\xff\xff\xff\xff\xff\xff\xff\xff{}", []string{"quantize", "DIR/h.q35", "-o", "DIR/out.st"}, 1, "header length 18446744073709551615 is absurd"},
		{"quantize: .npy shape beyond int64", npyHeader("(4611686018427387904, 4611686018427387904)") + strings.Repeat("\x00", 64), []string{"quantize", "DIR/h.q35", "-o", "DIR/out.st"}, 1, "has an invalid dimension"},
		{"quantize: a directory as the input", "", []string{"quantize", "DIR", "-o", "DIR/out.st"}, 1, "is a directory"},
		{"empty file compiles to an empty module", "", []string{"compile", "--emit", "llvm", "DIR/h.q35", "-o", "DIR/out.ll"}, 0, ""},
		{"directory as the input", "", []string{"compile", "DIR", "-o", "DIR/out.mlir"}, 1, "is a directory, not a .q35 file"},
		{"directory as one of several inputs", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "DIR", "-o", "DIR/multi/"}, 1, "is a directory, not a .q35 file"},
		{"output in a missing directory", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR/no/such/out.mlir"}, 1, "cannot write DIR/no/such/out.mlir: no such file or directory"},
		{"output under a regular file", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR/h.q35/out.mlir"}, 1, "cannot write DIR/h.q35/out.mlir: not a directory"},
		{"output is a directory", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR"}, 1, "cannot write DIR: it is a directory"},
		{"output directory under a regular file", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR/h.q35/out/"}, 1, "cannot create the output directory DIR/h.q35/out: not a directory"},
		{"output is the input", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR/./h.q35"}, 1, "cannot write DIR/./h.q35: it is the input file"},
		{"output into the input's directory is the input", kernel + "1.0 }", []string{"compile", "--emit", "ast", "DIR/h.ast", "DIR/h.q35", "-o", "DIR/"}, 2, "the output of DIR/h.q35 would replace the input DIR/h.ast"},
		{"several inputs need -o", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "DIR/h.q35"}, 2, "compiling 2 files needs -o DIR"},
		{"several inputs, one name", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "DIR/./h.q35", "-o", "DIR/out/"}, 2, "would both be written to"},
		{"standard input among several", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-", "-o", "DIR/out/"}, 2, "standard input (-) cannot be compiled with other files"},
	}
	if _, err := os.Stat("/dev/full"); err == nil { // a full disk
		tests = append(tests, hostileCase{"output on a full device", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "/dev/full"}, 1, "cannot write /dev/full: no space left on device"})
	}
	if os.Geteuid() != 0 { // root writes into read-only directories
		tests = append(tests, hostileCase{"output in a read-only directory", kernel + "1.0 }", []string{"compile", "DIR/h.q35", "-o", "DIR/ro/out.mlir"}, 1, "cannot write DIR/ro/out.mlir: permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "h.q35"), []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, "ro"), 0o555); err != nil {
				t.Fatal(err)
			}
			args := tt.args
			if args == nil {
				args = []string{"compile", "DIR/h.q35", "-o", "DIR/out.mlir"}
			}
			args = replaceAll(args, "DIR", dir)
			before := allocated()
			code, out, errs := q35c(t, "", args...)
			if grew := allocated() - before; grew > hostileAllocBudget {
				t.Errorf("allocated %d MiB, more than %d MiB", grew>>20, hostileAllocBudget>>20)
			}
			errs = strings.ReplaceAll(errs, dir, "DIR")
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, want %d; stderr (%d bytes) lacks %q:\n%.2000s", code, tt.code, len(errs), tt.stderr, errs)
			}
			if len(errs) > 4096 {
				t.Errorf("%d bytes of diagnostics: a long line or literal is quoted whole", len(errs))
			}
			noStackTrace(t, out+errs)
			if code != 0 {
				onlyInputs(t, dir)
			}
		})
	}
}

// hostileAllocBudget bounds what one hostile compile may allocate, the
// input (up to 17 MiB) and its copies included.
const hostileAllocBudget = 256 << 20

// allocated is the number of bytes the process has allocated so far.
func allocated() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

func replaceAll(args []string, old, new string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, old, new)
	}
	return out
}

// noStackTrace fails when out holds a Go panic or stack trace.
func noStackTrace(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("a panic or stack trace in the output:\n%.3000s", out)
	}
}

// onlyInputs fails when dir holds anything but the test's own h.q35, ro/
// and an empty out/: a failed command leaves no output and no temporary
// file (multi/ is the output directory of a case where one of two files
// compiles).
func onlyInputs(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "h.q35" && e.Name() != "ro" && e.Name() != "out" && e.Name() != "multi" {
			t.Errorf("a failed command left %s behind", e.Name())
		}
	}
	if sub, _ := os.ReadDir(filepath.Join(dir, "out")); len(sub) > 0 {
		t.Errorf("a failed command left %d files in out/", len(sub))
	}
}

// The CLI on every program of the error corpus and on mutants of every
// example (bytes dropped, swapped and duplicated, from a fixed seed): exit 0
// or 1, never a panic, a stack trace or an internal error. Fewer mutants
// under -short; Q35C_MUTANTS and Q35C_MUTANT_SEED set the number per
// example and the seed.
func TestHostileCorpusAndMutants(t *testing.T) {
	corpus, _ := filepath.Glob("testdata/errors/*.q35")
	if len(corpus) < 25 {
		t.Fatalf("found %d programs in testdata/errors", len(corpus))
	}
	for _, path := range corpus {
		code, out, errs := q35c(t, "", "compile", path)
		if code != 1 || !strings.Contains(errs, path+":") {
			t.Errorf("%s: exit %d, want 1 with positioned errors:\n%s", path, code, errs)
		}
		noStackTrace(t, out+errs)
	}
	examples, _ := filepath.Glob("examples/*.q35")
	mutants, seed := 30, uint64(35)
	if testing.Short() {
		mutants = 8
	}
	// A longer run: Q35C_MUTANTS=2000 Q35C_MUTANT_SEED=$RANDOM go test ./cmd/q35c -run HostileCorpus
	if n, err := strconv.Atoi(os.Getenv("Q35C_MUTANTS")); err == nil {
		mutants = n
	}
	if n, err := strconv.ParseUint(os.Getenv("Q35C_MUTANT_SEED"), 10, 64); err == nil {
		seed = n
	}
	levels := []string{"ast", "ir", "mlir", "llvm", "header", "lpu"}
	compiled := 0
	rng := rand.New(rand.NewPCG(7, seed))
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range mutants {
			m := mutate(rng, src)
			level := levels[i%len(levels)]
			if strings.Contains(path, "llama70b") && (level == "lpu" || level == "ir") {
				level = "mlir" // the model-sized layers take a second at these levels
			}
			code, out, errs := q35c(t, string(m), "compile", "--emit", level, "-")
			if code != 0 && code != 1 {
				t.Errorf("%s, mutant %d, --emit %s: exit %d\n--- stderr:\n%s\n--- mutant:\n%s", path, i, level, code, errs, m)
			}
			noStackTrace(t, errs)
			if code == 0 {
				compiled++
			}
			if code == 0 && strings.Contains(out, "goroutine ") {
				t.Errorf("%s, mutant %d: a stack trace in the output", path, i)
			}
		}
	}
	t.Logf("%d of %d mutants compiled", compiled, len(examples)*mutants)
}

// mutate returns a copy of src with one to three random edits: a run of
// bytes dropped, two bytes swapped, or a run duplicated somewhere else.
func mutate(rng *rand.Rand, src []byte) []byte {
	m := append([]byte(nil), src...)
	for range 1 + rng.IntN(3) {
		if len(m) < 2 {
			break
		}
		i := rng.IntN(len(m))
		n := 1 + rng.IntN(min(16, len(m)-i))
		switch rng.IntN(3) {
		case 0:
			m = append(m[:i], m[i+n:]...)
		case 1:
			j := rng.IntN(len(m))
			m[i], m[j] = m[j], m[i]
		case 2:
			run := append([]byte(nil), m[i:i+n]...)
			j := rng.IntN(len(m) + 1)
			m = append(m[:j], append(run, m[j:]...)...)
		}
	}
	return m
}

// An interrupt while outputs are being written removes their temporary
// files, and refuses to create or rename any after it.
func TestHostileInterruptRemovesTemporaries(t *testing.T) {
	dir := t.TempDir()
	g := &outputGuard{}
	f, err := g.create(filepath.Join(dir, "out.mlir"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("half of it")); err != nil {
		t.Fatal(err)
	}
	g.stop()
	if err := f.commit(); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("commit after the interrupt: %v", err)
	}
	if err := writeGuarded(g, filepath.Join(dir, "later.mlir"), []byte("x"), nil); err == nil {
		t.Error("a file was written after the interrupt")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files behind, e.g. %s", len(entries), entries[0].Name())
	}
}

// TestHostileCLIProcess is not a test but q35c itself: the tests that need
// a separate process (to send it a signal, or to compare two runs) run this
// test binary with Q35C_TEST_CLI=1 and q35c's arguments after --.
func TestHostileCLIProcess(t *testing.T) {
	if os.Getenv("Q35C_TEST_CLI") != "1" {
		t.Skip("q35c in a subprocess of other tests")
	}
	os.Exit(run(flag.Args(), os.Stdin, os.Stdout, os.Stderr))
}

// cliProcess returns the command that runs q35c with args in a separate
// process, from the repository root.
func cliProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^TestHostileCLIProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "Q35C_TEST_CLI=1")
	cmd.Dir = "cmd/q35c" // TestMain moves up to the repository root
	return cmd
}

// interruptAfter starts cmd, waits until its standard error has printed a
// line (so that q35c's signal handler is in place), waits d, sends SIGINT
// and returns the exit status and everything on standard error.
func interruptAfter(t *testing.T, cmd *exec.Cmd, d time.Duration) (int, string) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stderr)
	first, _ := r.ReadString('\n')
	time.Sleep(d)
	cmd.Process.Signal(syscall.SIGINT)
	rest := new(bytes.Buffer)
	rest.ReadFrom(r)
	cmd.Wait()
	return cmd.ProcessState.ExitCode(), first + rest.String()
}

// Ctrl-C during compile -o: exit 1 with "interrupted", and the output
// directory holds no temporary file and either nothing or the whole output.
func TestHostileInterruptCompile(t *testing.T) {
	want, _, _ := q35c(t, "", "compile", "--emit", "lpu", "examples/llama70b.q35", "-o", filepath.Join(t.TempDir(), "want.mlir"))
	if want != 0 {
		t.Fatalf("compiling llama70b.q35 failed: exit %d", want)
	}
	for _, d := range []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond} {
		t.Run(d.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.mlir")
			// --print-ir-after prints after the first pass, which runs
			// after the handler is installed: the signal is caught.
			cmd := cliProcess(t, "compile", "--emit", "lpu", "--print-ir-after", "canonicalize", "examples/llama70b.q35", "-o", out)
			code, errs := interruptAfter(t, cmd, d)
			noStackTrace(t, errs)
			entries, _ := os.ReadDir(dir)
			switch code {
			case 1:
				if !strings.Contains(errs, "q35c: error: interrupted; no partial output is left") {
					t.Errorf("stderr lacks the interrupt message:\n%.2000s", lastLines(errs, 5))
				}
				if len(entries) != 0 {
					t.Errorf("an interrupted compile left %s", entries[0].Name())
				}
			case 0: // finished before the signal: the whole output, nothing else
				t.Logf("compile finished before the signal")
				if len(entries) != 1 || entries[0].Name() != "out.mlir" {
					t.Errorf("directory holds %v", entries)
				}
			default:
				t.Errorf("exit %d, want 1:\n%s", code, lastLines(errs, 5))
			}
		})
	}
}

// Ctrl-C during a parallel compile into a directory: exit 1; the files
// written before the signal are whole (equal to a compile alone), the
// others are absent, and no temporary file is left.
func TestHostileInterruptMultiCompile(t *testing.T) {
	src := t.TempDir()
	var args []string
	for i := range 12 {
		p := filepath.Join(src, fmt.Sprintf("l%02d.q35", i))
		data, err := os.ReadFile("examples/llama70b.q35")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p, data, 0o644)
		args = append(args, p)
	}
	outDir := filepath.Join(t.TempDir(), "out")
	cmd := cliProcess(t, append([]string{"compile", "--emit", "lpu", "-o", outDir + "/"}, args...)...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// compile creates the directory once its signal handler is in place.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(outDir); err == nil || time.Now().After(deadline) {
			break
		}
	}
	// Then until the first output is written, so that the signal comes
	// while the others are being compiled or written.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if written, _ := filepath.Glob(filepath.Join(outDir, "l*.lpu.mlir")); len(written) > 0 || time.Now().After(deadline) {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(errb.String(), "q35c: error: interrupted") {
		t.Fatalf("exit %d, want 1 with \"interrupted\":\n%s", code, errb.String())
	}
	noStackTrace(t, errb.String())
	_, want, _ := q35c(t, "", "compile", "--emit", "lpu", args[0])
	entries, _ := os.ReadDir(outDir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(outDir, e.Name()))
		if !strings.HasSuffix(e.Name(), ".lpu.mlir") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left %s behind", e.Name())
		} else if string(data) != strings.ReplaceAll(want, filepath.Base(args[0]), strings.TrimSuffix(e.Name(), ".lpu.mlir")+".q35") {
			t.Errorf("%s is not the whole output", e.Name())
		}
	}
	t.Logf("%d of %d files written before the signal", len(entries), len(args))
}

// Ctrl-C during quantize: exit 1, "interrupted", no output or temporary
// file.
func TestHostileInterruptQuantize(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "w.npy")
	writeNPY(t, in, 2048, 8192)
	cmd := cliProcess(t, "quantize", in, "-o", filepath.Join(dir, "w.q35.safetensors"))
	code, errs := interruptAfter(t, cmd, 200*time.Millisecond)
	noStackTrace(t, errs)
	if code != 1 || !strings.Contains(errs, "interrupted") {
		t.Errorf("exit %d, want 1 with \"interrupted\":\n%s", code, errs)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "w.npy" {
			t.Errorf("an interrupted quantize left %s", e.Name())
		}
	}
}

// safetensorsHeader is the start of a safetensors file with header h.
func safetensorsHeader(h string) string {
	n := uint64(len(h))
	var b [8]byte
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	return string(b[:]) + h
}

// npyHeader is the header of a version 1 '<f4' .npy file of shape.
func npyHeader(shape string) string {
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	return "\x93NUMPY\x01\x00" + string([]byte{byte(len(hdr)), byte(len(hdr) >> 8)}) + hdr
}

// writeNPY writes a rows x cols '<f4' .npy file of a ramp of weights.
func writeNPY(t *testing.T, path string, rows, cols int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(npyHeader(fmt.Sprintf("(%d, %d)", rows, cols)))
	row := make([]byte, 4*cols)
	for j := range cols {
		bits := 0x3f800000 + uint32(j%1024)<<10 // 1.0 upwards
		row[4*j], row[4*j+1], row[4*j+2], row[4*j+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	}
	for range rows {
		b.Write(row)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
