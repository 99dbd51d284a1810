package passes

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/golden"
	"github.com/q35c/q35c/ir"
)

// Helpers shared by the pass tests: a small builder for test kernels, and
// the table runner that pins each case's IR before and after its pipeline
// in a golden file and checks that the interpreter computes the same bits.

// testSrc is a fake source of 40 lines of 40 columns: pos(l, c) renders
// as k.q35:l:c.
var testSrc = diag.NewFile("k.q35", []byte(strings.Repeat(strings.Repeat("x", 40)+"\n", 40)))

func pos(line, col int) diag.Pos { return diag.Pos{File: testSrc, Off: (line-1)*41 + col - 1} }

// kernel builds a test function @k.
type kernel struct {
	*ir.Builder
	f *ir.Func
}

func newKernel(params ...*ir.Buffer) *kernel {
	f := &ir.Func{Name: "k", Params: params, Pos: pos(1, 1)}
	return &kernel{Builder: ir.NewBuilder(f), f: f}
}

func param(name string, kind ir.ParamKind, elem ir.Type, shape ...int64) *ir.Buffer {
	return &ir.Buffer{Name: name, Kind: kind, Elem: elem, Shape: shape}
}

// loop appends a loop; body fills it and returns the values to yield.
func (k *kernel) loop(iv string, lower, upper []*ir.Expr, step int64, inits []*ir.Value, body func(iv *ir.Value, its []*ir.Value) []*ir.Value) *ir.Op {
	op := k.For(iv, lower, upper, step, inits, nil)
	for i, a := range op.Loop.IterArgs {
		a.Name = inits[i].Name
		op.Results[i].Name = inits[i].Name
	}
	outer := k.Block
	k.Block = op.Loop.Body
	k.Yield(body(op.Loop.IV, op.Loop.IterArgs))
	k.Block = outer
	return op
}

// rng appends a loop over [lo, hi) by step without iteration arguments.
func (k *kernel) rng(iv string, lo, hi, step int64, body func(iv *ir.Value)) *ir.Op {
	return k.loop(iv, ex(lo), ex(hi), step, nil, func(iv *ir.Value, _ []*ir.Value) []*ir.Value {
		body(iv)
		return nil
	})
}

// ex makes a bound list of constants and expressions.
func ex(xs ...any) []*ir.Expr {
	out := make([]*ir.Expr, len(xs))
	for i, x := range xs {
		out[i] = expr(x)
	}
	return out
}

func expr(x any) *ir.Expr {
	switch x := x.(type) {
	case *ir.Value:
		return ir.Dim(x)
	case *ir.Expr:
		return x
	case int:
		return ir.Const(int64(x))
	case int64:
		return ir.Const(x)
	}
	panic("expr: bad operand")
}

// at makes affine subscripts of IVs, expressions and constants; a
// non-index value (or an index value wrapped in dyn) is a dynamic one.
func at(xs ...any) []ir.Subscript {
	idx := make([]ir.Subscript, len(xs))
	for i, x := range xs {
		switch x := x.(type) {
		case dyn:
			idx[i] = ir.Subscript{Dyn: x.v}
		default:
			idx[i] = ir.Subscript{Affine: expr(x)}
		}
	}
	return idx
}

// dyn marks a value used as a dynamic subscript.
type dyn struct{ v *ir.Value }

// named gives v a source name, for readable IR.
func named(v *ir.Value, name string) *ir.Value {
	v.Name = name
	return v
}

// passCase is one row of a pass test table: a kernel, a pipeline, and
// the golden file testdata/<golden>.ir holding the IR before and after.
type passCase struct {
	golden string
	pipe   string
	build  func() *ir.Func
}

// runPassCase applies c.pipe to c's kernel, compares the IR before and
// after (and the remarks) with the golden file, and checks that the
// interpreter gives the same output bits before and after.
func runPassCase(t *testing.T, c passCase) *ir.Module {
	t.Helper()
	m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{c.build()}}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("test kernel is invalid: %v", err)
	}
	before := m.String()
	want := execAll(t, m)
	p, err := Parse(c.pipe)
	if err != nil {
		t.Fatal(err)
	}
	var d diag.List
	if err := p.Run(m, &d); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.WriteString("// pipeline: " + c.pipe + "\n// ---- before\n" + before + "\n// ---- after\n" + m.String())
	if len(d.Diags) > 0 {
		out.WriteString("\n// ---- diagnostics\n")
		d.Render(&out)
	}
	golden.Check(t, goldenPath(c.golden), out.Bytes())
	if got := execAll(t, m); !equalWords(want, got) {
		t.Errorf("the interpreter's outputs differ after %s", c.pipe)
	}
	return m
}

func goldenPath(name string) string { return filepath.Join("testdata", name+".ir") }

func execAll(t *testing.T, m *ir.Module) [][]int64 {
	t.Helper()
	all, err := execModule(m)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func equalWords(a, b [][]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// Every golden file of these tables belongs to a case; a golden name used
// twice fails too.
func TestGoldensHaveCases(t *testing.T) {
	names := map[string]bool{}
	for _, table := range [][]passCase{tileCases, canonicalizeCases, systolicCases, fuseCases, unpackCases, vectorizeCases} {
		for _, c := range table {
			if names[c.golden] {
				t.Errorf("golden %s is used by two cases", c.golden)
			}
			names[c.golden] = true
		}
	}
	var files []string
	for _, dir := range []string{"tile", "canonicalize", "systolic", "fuse", "unpack", "vectorize"} {
		fs, _ := filepath.Glob(filepath.Join("testdata", dir, "*.ir"))
		files = append(files, fs...)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(f), "testdata/"), ".ir")
		if !names[name] {
			t.Errorf("golden file %s has no test case", f)
		}
	}
	if len(files) == 0 && !golden.Updating() {
		t.Error("no golden files found under testdata/tile and testdata/canonicalize")
	}
}
