package frontend

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/golden"
)

// formatCorpus is every source the formatter is checked on: the examples
// and the test kernels of the other suites (those that compile get the IR
// check), and the formatter's own golden inputs.
var formatCorpus = []string{
	"../examples/*.q35", "../testdata/kernels/*.q35", "../testdata/dot/*.q35",
	"../testdata/overflow/*.q35", "../testdata/passes/*.q35", "../testdata/fmt/*.q35",
	"../testdata/errors/*.q35",
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	var all []string
	for _, pat := range formatCorpus {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	if len(all) < 40 {
		t.Fatalf("found only %d sources to format", len(all))
	}
	return all
}

// The golden tests: testdata/fmt/x.q35 formats to testdata/fmt/x.golden.
func TestFormatGolden(t *testing.T) {
	files, _ := filepath.Glob("../testdata/fmt/*.q35")
	if len(files) < 5 {
		t.Fatalf("want at least 5 inputs in testdata/fmt, found %d", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Format(filepath.Base(path), src)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, strings.TrimSuffix(path, ".q35")+".golden", out)
		})
	}
}

// Every golden file has its input.
func TestFormatGoldensHaveInputs(t *testing.T) {
	goldens, _ := filepath.Glob("../testdata/fmt/*.golden")
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".q35"); err != nil {
			t.Errorf("golden %s has no input", g)
		}
	}
}

// Every source that parses formats to a fixed point of Format, and one that
// compiles formats to a program with the same IR.
func TestFormatPreservesPrograms(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(strings.TrimPrefix(path, "../"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkFormat(t, src)
		})
	}
}

// checkFormat checks Format's promises on src and returns its result (nil
// when src does not parse).
func checkFormat(t *testing.T, src []byte) []byte {
	t.Helper()
	out, err := Format("f.q35", src)
	if err != nil {
		var le *diag.ListError
		if !errors.As(err, &le) {
			t.Fatalf("not a diagnostic: %v\n%s", err, src)
		}
		if ast, _, _ := Compile("f.q35", src); ast != nil {
			t.Fatalf("Format refuses a program that parses: %v\n%s", err, src)
		}
		return nil
	}
	checkIdempotent(t, src, out)
	_, m1, _ := Compile("f.q35", src)
	_, m2, d2 := Compile("f.q35", out)
	switch {
	case (m1 == nil) != (m2 == nil):
		var b strings.Builder
		d2.Render(&b)
		t.Fatalf("source compiles: %v, formatted: %v\n%s\n%s", m1 != nil, m2 != nil, out, b.String())
	case m1 != nil && m1.String() != m2.String():
		t.Fatalf("formatting changed the IR:\n%s", golden.Diff(m1.String(), m2.String()))
	}
	return out
}

// checkIdempotent checks that out, the formatted src, formats to itself and
// holds src's comments in the same order.
func checkIdempotent(t *testing.T, src, out []byte) {
	t.Helper()
	again, err := Format("f.q35", out)
	if err != nil || string(again) != string(out) {
		t.Fatalf("not idempotent (%v):\n%s\nsource:\n%s", err, golden.Diff(string(out), string(again)), src)
	}
	_, c1, _ := lexForFormat("f.q35", src)
	_, c2, _ := lexForFormat("f.q35", out)
	if len(c1) != len(c2) {
		t.Fatalf("%d comments in the source, %d formatted:\n%s", len(c1), len(c2), out)
	}
	for i := range c1 {
		if c1[i].text != c2[i].text {
			t.Fatalf("comment %d %q became %q", i, c1[i].text, c2[i].text)
		}
	}
}

// Comments and line breaks inserted between any two tokens of the test
// kernels: the result formats to a fixed point that keeps every comment.
func TestFormatCommentsAnywhere(t *testing.T) {
	var srcs [][]byte
	for _, pat := range []string{"../testdata/kernels/*.q35", "../examples/matmul_*.q35", "../examples/dequant_lut.q35"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			srcs = append(srcs, src)
		}
	}
	inserts := []string{" // trailing\n", "\n// own line\n", "\n\n", "\n", "\n\n// after a blank\n\n"}
	r := rand.New(rand.NewSource(7))
	trials := 300
	if testing.Short() {
		trials = 30 // the race run: Format is ten times slower there
	}
	for trial := 0; trial < trials; trial++ {
		src := srcs[trial%len(srcs)]
		toks, _, err := lexForFormat("f.q35", src)
		if err != nil {
			t.Fatal(err)
		}
		var b []byte
		prev := 0
		for _, tok := range toks {
			if r.Intn(6) == 0 {
				b = append(b, src[prev:tok.Pos.Offset]...)
				b = append(b, inserts[r.Intn(len(inserts))]...)
				prev = tok.Pos.Offset
			}
		}
		b = append(b, src[prev:]...)
		out, err := Format("f.q35", b)
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		checkIdempotent(t, b, out)
	}
}

// The examples and the test kernels are written in the canonical layout:
// `q35c fmt -l examples testdata/kernels` lists nothing.
func TestFormatExamplesAreCanonical(t *testing.T) {
	for _, pat := range []string{"../examples/*.q35", "../testdata/kernels/*.q35"} {
		files, _ := filepath.Glob(pat)
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Format(path, src)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != string(src) {
				t.Errorf("%s is not formatted (q35c fmt -d shows how):\n%s", path, golden.Diff(string(src), string(out)))
			}
		}
	}
}

// Small cases, one line each: input, formatted output.
func TestFormatCases(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n\n  \n", ""},
		{"// only\n", "// only\n"},
		{"const A=1;const B=A<<2", "const A = 1\nconst B = A << 2\n"},
		{"const A = -(~1)", "const A = -(~1)\n"},
		{"const A = ((1))", "const A = ((1))\n"},
		{"const A = 0xFF_FF + 0b1_0 + 1_000", "const A = 0xFF_FF + 0b1_0 + 1_000\n"},
		{"kernel k(){}", "kernel k() {\n}\n"},
		{"kernel k(A: out f32[2],){A[0]=1.0;A[1]=- -2.0}", "kernel k(A: out f32[2]) {\n  A[0] = 1.0\n  A[1] = - -2.0\n}\n"},
		{"kernel k(A: out i32[2]) { var x: i32 = 0; as = 1 }", "kernel k(A: out i32[2]) {\n  var x: i32 = 0;\n  as = 1\n}\n"},
		{"const A = 1\r\n// c\r\nconst B = 2\r\n", "const A = 1\n// c\nconst B = 2\n"},
		{"const A = 1 //c  \t\n", "const A = 1 //c\n"},
		{"kernel k(\n  A: in f32[2], B: out f32[2]\n) {\n}", "kernel k(\n  A: in f32[2], B: out f32[2],\n) {\n}\n"},
	}
	for _, tt := range tests {
		got, err := Format("t.q35", []byte(tt.in))
		if err != nil {
			t.Errorf("Format(%q): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Format(%q):\n%s\nwant:\n%s", tt.in, got, tt.want)
		}
	}
}

// A syntax error comes back as the frontend's positioned diagnostics.
func TestFormatSyntaxError(t *testing.T) {
	_, err := Format("bad.q35", []byte("kernel k(A: out f32[2]) {\n  A[0] = \n}\n"))
	var le *diag.ListError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *diag.ListError", err)
	}
	var b strings.Builder
	le.List.Render(&b)
	if !strings.Contains(b.String(), "bad.q35:3:1: error: syntax error") {
		t.Errorf("diagnostics:\n%s", b.String())
	}
}
