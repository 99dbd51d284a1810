package emit

import (
	"bytes"
	"context"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// testKernels are the kernels every emitter test runs on.
var testKernels = []struct {
	name  string
	build func() *ir.Func
}{
	{"matmul", matmul},
	{"dot_i4", dotI4},
	{"gather", gather},
	{"bounds", bounds},
	{"two_results", twoResults},
	{"f16_arith", f16Arith},
	{"binary_i8", func() *ir.Func { return binaryOps(ir.I8) }},
	{"binary_i32", func() *ir.Func { return binaryOps(ir.I32) }},
	{"binary_f32", func() *ir.Func { return binaryOps(ir.F32) }},
	{"casts", casts},
	{"constants", constants},
	{"hazards", hazards},
	{"unpacked", unpacked},
}

func emitString(t *testing.T, m *ir.Module, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := MLIR(&b, m, opts); err != nil {
		t.Fatalf("MLIR: %v", err)
	}
	return b.Bytes()
}

// TestMLIROptParses checks that mlir-opt 19 accepts every kernel, with and
// without the harness.
func TestMLIROptParses(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	for _, k := range testKernels {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			for _, opts := range []Options{{}, {Harness: true}} {
				src := emitString(t, module(k.build()), opts)
				if _, err := toolchain.Opt(context.Background(), src); err != nil {
					t.Fatalf("mlir-opt rejects the output (harness %v): %v\n%s", opts.Harness, err, numbered(src))
				}
			}
		})
	}
}

// TestDeterministic checks that emitting the same module twice, and two
// separately built copies of it, gives identical bytes.
func TestDeterministic(t *testing.T) {
	var fs1, fs2 []*ir.Func
	for _, k := range testKernels {
		fs1, fs2 = append(fs1, k.build()), append(fs2, k.build())
	}
	m := module(fs1...)
	a := emitString(t, m, Options{Harness: true})
	b := emitString(t, m, Options{Harness: true})
	c := emitString(t, module(fs2...), Options{Harness: true})
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
		t.Errorf("emitting twice differs")
	}
}

// numbered prefixes each line of src with its number, for failure output.
func numbered(src []byte) string {
	var b bytes.Buffer
	for i, l := range bytes.Split(src, []byte("\n")) {
		b.WriteString(itoa3(i + 1))
		b.WriteString("  ")
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.String()
}

func itoa3(n int) string {
	s := []byte("   ")
	for i := 2; i >= 0 && n > 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	return string(s)
}

// TestSafeLoopsStillVectorize checks that the vectorization guards leave
// the loops they need not guard to the super-vectorizer.
func TestSafeLoopsStillVectorize(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	t.Parallel()
	src := emitString(t, module(matmul(), binaryOps(ir.F32)), Options{Harness: true})
	out, err := toolchain.Opt(context.Background(), src, prePasses...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vector.transfer_read", "arith.mulf %1, %2 : vector<8xf32>", "arith.divf"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("after %v the module has no %q", prePasses, want)
		}
	}
}

// TestLocations checks that every kernel op carries its source location
// through mlir-opt, including file names that need escaping.
func TestLocations(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	t.Parallel()
	f := dotI4()
	weird := diag.NewFile(`we"ird\name.q35`, testFile.Src)
	f.Pos.File = weird
	f.Body.Walk(func(op *ir.Op) { op.Pos.File = weird })
	src := emitString(t, module(f), Options{})
	out, err := toolchain.Opt(context.Background(), src, "--mlir-print-debuginfo", "--mlir-print-local-scope")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`: i32 loc("we\22ird\\name.q35":7:5)`, `} loc("we\22ird\\name.q35":1:1)`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("mlir-opt output lacks %s:\n%s", want, out)
		}
	}
	for i, line := range bytes.Split(src, []byte("\n")) {
		if bytes.Contains(line, []byte("arith.")) && !bytes.Contains(line, []byte(" loc(")) {
			t.Errorf("line %d has no location: %s", i+1, line)
		}
	}
}

// TestWholeModule runs every test kernel from one module, so the harness
// calls several kernels in order and shares its helpers.
func TestWholeModule(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner")
	t.Parallel()
	var fs []*ir.Func
	for _, k := range testKernels {
		fs = append(fs, k.build())
	}
	m := module(fs...)
	compareOutputs(t, m, runHarness(t, m, prePasses), interpret(t, m))
}
