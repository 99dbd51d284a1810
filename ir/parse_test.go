package ir_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/ir"
)

// compileFile compiles a .q35 file of the repository.
func compileFile(t testing.TB, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, m, d := frontend.Compile(filepath.Base(path), src)
	if m == nil {
		t.Fatalf("%s does not compile: %v", path, d.Err())
	}
	return m
}

// sourceFiles lists the kernels whose printed IR the parser tests read.
func sourceFiles(t testing.TB) []string {
	var files []string
	for _, pat := range []string{"../examples/*.q35", "../testdata/kernels/*.q35", "../testdata/passes/*.q35", "../testdata/dot/accept.q35"} {
		fs, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d kernel files", len(files))
	}
	return files
}

// expectRoundTrip parses text, which Print wrote, and wants it back.
func expectRoundTrip(t *testing.T, text string) *ir.Module {
	t.Helper()
	m, err := ir.ParseModule("t.ir", []byte(text))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, text)
	}
	if got := m.String(); got != text {
		t.Fatalf("printed back differently:\n%s\nwant:\n%s", got, text)
	}
	return m
}

func TestParseExamples(t *testing.T) {
	for _, path := range sourceFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m := compileFile(t, path)
			p := expectRoundTrip(t, m.String())
			if p.Name != m.Name {
				t.Errorf("module name %q, want %q", p.Name, m.Name)
			}
		})
	}
}

// kernel is a function exercising every construct of the text form.
const kernel = `// q35c IR for "all.q35"

func @k(%a: in i4[4, 16], %w: in f16[8], %x: in i8[3], %y: out f32[4], %z: out i32[2, 8]) {
  table %lut: i8[4] = [0, 1, -2, -1]
  %c = const 1.5e+00 : f32
  %nan = const 0x7FC00001 : f32
  %h = const 0x7C01 : f16
  %h.1 = const 3.30078125e-01 : f16
  %0 = const -7 : i32
  %t = const 1 : i1
  %1 = const 3 : index
  %acc, %s = for %i = 0 to 4 step 2 iter(%acc.1 = %c, %s.1 = %0) -> (f32, i32) parallel {
    %2, %3 = for %j = max(0, %i - 1) to min(16, %i * 4 + 8) iter(%4 = %acc.1, %5 = %s.1) -> (f32, i32) {
      %q = load %a[%i, (%j + %i) floordiv 2 mod 3] : i4
      %r = load.byte %a[%i, %j] : i8
      %b = load %x[%1] : i8
      %l = load %lut[%1] : i8
      %e = cast %q : i4 to i32
      %6 = add %5, %e : i32
      %g = cmp lt %6, %0 : i32
      %m = select %g, %6, %5 : i32
      %n = neg %m : i32
      %f = cast %n : i32 to f32
      %k = max %4, %f : f32
      yield %k, %n
    }
    yield %2, %3
  }
  store %acc, %y[-1 + %1 * 0] : f32
  for %u = 0 to 2 dot {
    yield
  }
  for %v = 0 to 8 vector 4 {
    %7 = load %w[%v] : f16
    %8 = cast %7 : f16 to f32
    %9 = cast %8 : f32 to i32
    store %9, %z[%v floordiv 4, %v mod 4 - 2 + 2] : i32
    yield
  }
  store %s, %z[0, 1] : i32
}
`

// validKernel is kernel without what the verifier refuses.
func validKernel() string {
	text := strings.ReplaceAll(kernel, "%1 * 0] : f32", "3] : f32")
	return strings.ReplaceAll(text, " dot {", " {")
}

func TestParseEveryConstruct(t *testing.T) {
	m := expectRoundTrip(t, validKernel())
	f := m.Funcs[0]
	if len(f.Tables) != 1 || f.Tables[0].Data[2] != -2 {
		t.Errorf("tables: %+v", f.Tables)
	}
	var consts []uint64
	f.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpConst {
			consts = append(consts, op.Bits)
		}
	})
	want := []uint64{uint64(math.Float32bits(1.5)), 0x7FC00001, 0x7C01, 0x3548, 1<<64 - 7, 1, 3}
	if fmt.Sprintf("%#x", consts) != fmt.Sprintf("%#x", want) {
		t.Errorf("constants have bits %#x, want %#x", consts, want)
	}
}

func TestParseNames(t *testing.T) {
	m := expectRoundTrip(t, validKernel())
	var names []string
	m.Funcs[0].Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpFor {
			for i, a := range op.Loop.IterArgs {
				names = append(names, a.Name+"/"+op.Results[i].Name)
			}
		}
	})
	// %acc.1 is the second value named acc, %s.1 the second named s;
	// the numbered values have no name.
	if got := strings.Join(names, " "); got != "acc/acc s/s / /" {
		t.Errorf("iteration argument/result names %q", got)
	}
}

// expectParseError wants ParseModule to fail with an error matching re.
func expectParseError(t *testing.T, text, re string) {
	t.Helper()
	_, err := ir.ParseModule("e.ir", []byte(text))
	if err == nil {
		t.Fatalf("no error, want %q for\n%s", re, text)
	}
	if !regexp.MustCompile(re).MatchString(err.Error()) {
		t.Fatalf("error %q, want %q", err, re)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "func @k(%y: out i32[4]) {\n"
	for _, c := range []struct{ text, re string }{
		{"func k", `^e.ir:1:6: expected a function name \(@name\), found 'k'$`},
		{"func @k(%y: inout i32[4]) {}", `^e.ir:1:13: expected 'in' or 'out', found 'inout'$`},
		{"func @k(%y: out i33[4]) {}", `^e.ir:1:17: expected a type, found 'i33'$`},
		{"func @k(%y: out i32[4], %y: in i8[1]) {}", `1:25: buffer %y is declared twice`},
		{head + "  %c = const 1 : i32\n  %c = const 2 : i32\n}", `^e.ir:3:3: %c is already defined in @k$`},
		{head + "  store %c, %y[0] : i32\n}", `^e.ir:2:9: %c is not defined here$`},
		{head + "  %c = const 1.5 : i32\n}", `^e.ir:2:14: expected a constant of type i32, found '1.5'$`},
		{head + "  %c = const 0x1FFFF : f16\n}", `expected a constant of type f16`},
		{head + "  %c = const 1 : i32\n  %d = add %c : i32\n}", `^e.ir:3:8: add takes 2 operands, found 1$`},
		{head + "  %c = const 1 : i32\n  %d = frob %c : i32\n}", `^e.ir:3:8: expected an opcode, found 'frob'$`},
		{head + "  %c = const 1 : i32\n  %d = cast %c : i8 to f32\n}", `^e.ir:3:18: expected i32 \(the operand's type\), found i8$`},
		{head + "  %c = const 1 : i32\n  store %c, %x[0] : i32\n}", `^e.ir:3:13: %x is not a parameter or table of @k$`},
		{head + "  for %i = 0 to 4 {\n    yield\n  }\n  store %i, %y[0] : index\n}", `^e.ir:5:9: %i is not defined here$`},
		{head + "  for %i = 0 to (%i + 1) {\n    yield\n  }\n}", `%i is not defined here`},
		{head + "  for %i = 0 to 4 + {\n", `^e.ir:2:21: expected an affine expression, found '\{'$`},
		{head + "  %a = for %i = 0 to 4 {\n    yield\n  }\n}", `the loop has 1 results and 0 iteration arguments`},
		{head + "  for %i = 0 to 4 {\n    yield\n", `^e.ir:4:1: expected an op, found end of input$`},
		{head + "  store %y, %y[0] : i32\n}", `%y is a buffer, not a value`},
		{head + "  %c = const 1 : i32\n  store %c, %y[5] : i32\n}", `^ir: func @k: op store at e.ir:3:3: `},
		{head + "  %c = const 300 : i8\n}", `op const at e.ir:2:3: constant 300 does not fit in i8`},
		{head + "  %c = const 1 : i32\n  %a = for %i = 0 to 4 iter(%b = %c) -> (i32, i32) {\n", `^e.ir:3:41: expected one type per iteration argument \(1\), found 2$`},
		{head + "  for %i = 0 to 4 vector {\n", `^e.ir:2:26: expected a vector width, found '\{'$`},
		{head + "  %a, %b = const 1 : i32\n}", `^e.ir:2:7: only a loop has more than one result$`},
		{head + "  %c = cmp lt %c, %c : i32\n}", `^e.ir:2:15: %c is not defined here$`},
		{head + "  %c = const 1 : i32\n  %d = cmp lq %c, %c : i32\n}", `^e.ir:3:12: expected a predicate \(eq, ne, lt, le, gt, ge\), found 'lq'$`},
		{head + "  for %i = 0 to 4 {\n    store %i, %y[%i * %i] : index\n", `^e.ir:3:23: expected an integer, found '%i'$`},
		{"// q35c IR for nope\n", `^e.ir:1:16: expected a quoted module name`},
		{"func @k() { ~ }", `^e.ir:1:13: expected an op, found "~"$`},
		{head + deepLoops(300), `loops nested more than 256 deep`},
		{head + "for %i = 0 to " + strings.Repeat("(", 300), `parentheses nested more than 256 deep`},
	} {
		expectParseError(t, c.text, c.re)
	}
}

func TestParseModuleName(t *testing.T) {
	m, err := ir.ParseModule("x.ir", []byte("func @k() {\n}\n"))
	if err != nil || m.Name != "x.ir" || len(m.Funcs) != 1 {
		t.Fatalf("got %v, %v", m, err)
	}
}

func TestParseConstBits(t *testing.T) {
	for _, bits := range []uint32{0, 0x80000000, 1, 0x7F7FFFFF, 0x00800000, 0x3EAAAAAB, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFFFFFFF} {
		s := ir.FormatConst(ir.F32, uint64(bits))
		if got, ok := ir.ParseConst(ir.F32, s); !ok || got != uint64(bits) {
			t.Errorf("f32 %#x -> %s -> %#x, %v", bits, s, got, ok)
		}
	}
	for b := 0; b < 1<<16; b++ {
		s := ir.FormatConst(ir.F16, uint64(b))
		if got, ok := ir.ParseConst(ir.F16, s); !ok || got != uint64(b) {
			t.Fatalf("f16 %#x -> %s -> %#x, %v", b, s, got, ok)
		}
	}
	for _, v := range []int64{0, -1, math.MinInt64, math.MaxInt64} {
		s := ir.FormatConst(ir.I64, uint64(v))
		if got, ok := ir.ParseConst(ir.I64, s); !ok || got != uint64(v) {
			t.Errorf("i64 %d -> %s -> %d, %v", v, s, int64(got), ok)
		}
	}
}

// deepLoops opens n nested loops.
func deepLoops(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "for %%i%d = 0 to 1 {\n", i)
	}
	return b.String()
}

// TestParseGoldenIR parses every IR text the repository pins (the
// examples' goldens and the before/after sections of the pass tables)
// and wants each back unchanged.
func TestParseGoldenIR(t *testing.T) {
	var files []string
	for _, pat := range []string{"../testdata/golden/*/*.ir", "../passes/testdata/*/*.ir", "../passes/testdata/*.ir"} {
		fs, _ := filepath.Glob(pat)
		files = append(files, fs...)
	}
	n := 0
	for _, path := range files {
		if testing.Short() && strings.Contains(path, "llama70b") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range irSections(string(src)) {
			n++
			t.Run(filepath.Base(path), func(t *testing.T) { expectRoundTrip(t, sec) })
		}
	}
	if n < 20 {
		t.Fatalf("found only %d IR texts", n)
	}
}

// irSections cuts out the modules of a golden file: each runs from a
// "// q35c IR for" line to the next "// ----" line or the end.
func irSections(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "// q35c IR for ")
		if i < 0 {
			return out
		}
		text = text[i:]
		end := strings.Index(text, "\n// ----")
		if end < 0 {
			end = len(text) - 1
		}
		out = append(out, strings.TrimRight(text[:end+1], "\n")+"\n")
		text = text[end+1:]
	}
}
