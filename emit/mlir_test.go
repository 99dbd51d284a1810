package emit

import (
	"bytes"
	"context"
	"testing"

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
