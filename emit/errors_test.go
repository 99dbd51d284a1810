package emit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/q35c/q35c/ir"
)

// TestErrors checks what the emitter refuses, and that it writes nothing
// when it does.
func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		build   func() *ir.Func
		harness bool
		want    string
	}{
		{"odd packed dimension", func() *ir.Func {
			f, _ := newKernel("k", buf("W", ir.In, ir.I4, 2, 7))
			return f
		}, false, "packed i4 buffer i4[2, 7] needs an even last dimension"},
		{"store into packed buffer", func() *ir.Func {
			f, b := newKernel("k", buf("W", ir.Out, ir.I4, 2))
			b.next().Store(b.ConstInt(ir.I4, 1), f.Params[0], ir.AffineIndex(ir.Const(0)))
			return f
		}, false, "cannot store into packed i4 buffer W"},
		{"kernel named main", func() *ir.Func {
			f, _ := newKernel("main", buf("A", ir.Out, ir.F32, 2))
			return f
		}, true, `kernel name "main" clashes with the harness`},
		{"kernel named like a helper", func() *ir.Func {
			f, _ := newKernel("q35c_fill_2xf32", buf("A", ir.Out, ir.F32, 2))
			return f
		}, true, "clashes with the harness"},
		{"empty output buffer", func() *ir.Func {
			f, _ := newKernel("k", buf("A", ir.Out, ir.F32, 0))
			return f
		}, true, "output buffer A has no elements"},
		{"bad function name", func() *ir.Func {
			f, _ := newKernel("my kernel")
			return f
		}, false, `function name "my kernel" is not an MLIR identifier`},
		{"duplicate buffer", func() *ir.Func {
			f, _ := newKernel("k", buf("A", ir.In, ir.F32, 2), buf("A", ir.Out, ir.F32, 2))
			return f
		}, false, `buffer name "A" is not a unique MLIR identifier`},
		{"bad value name", func() *ir.Func {
			f, b := newKernel("k", buf("A", ir.Out, ir.I32, 2))
			c := b.next().Append(&ir.Op{Code: ir.OpConst, Results: []*ir.Value{f.NewValue(ir.I32, "a b")}}).Result()
			b.next().Store(c, f.Params[0], ir.AffineIndex(ir.Const(0)))
			return f
		}, false, `value name %a b is not an MLIR identifier`},
		{"bad cast", func() *ir.Func {
			f, b := newKernel("k", buf("A", ir.Out, ir.F32, 2))
			x := b.next().Cast(b.ConstInt(ir.Index, 1), ir.F32)
			b.next().Store(x, f.Params[0], ir.AffineIndex(ir.Const(0)))
			return f
		}, false, "cannot cast index to f32"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := MLIR(&out, module(tt.build()), Options{Harness: tt.harness})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.want)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote %d bytes despite the error", tt.name, out.Len())
		}
	}
}

// TestErrorPosition checks that op errors name the op's source position.
func TestErrorPosition(t *testing.T) {
	f, b := newKernel("k", buf("W", ir.Out, ir.I4, 2))
	b.next()
	b.next().Store(b.ConstInt(ir.I4, 1), f.Params[0], ir.AffineIndex(ir.Const(0)))
	err := MLIR(&bytes.Buffer{}, module(f), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "kernels.q35:2:5: emit: ") {
		t.Errorf("error = %v, want it to start with the op's position", err)
	}
}
