package ir

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

// fillAll returns memory for f with every input filled by FillInput.
func fillAll(f *Func) [][]byte {
	mem := NewMemory(f)
	for i, b := range f.Params {
		if b.Kind == In {
			mem[i] = FillInput(b, i)
		}
	}
	return mem
}

func mustExec(t *testing.T, f *Func, mem [][]byte) {
	t.Helper()
	if err := Exec(f, mem); err != nil {
		t.Fatalf("Exec: %v\n%s", err, funcText(f))
	}
}

func i32Bytes(vs ...int32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return b
}

func TestExecLoadPacked(t *testing.T) {
	q, ix := param("q", In, I4, 5), param("ix", In, I32, 4)
	o, g := param("o", Out, I8, 5), param("g", Out, I8, 4)
	k := newKernel(q, ix, o, g)
	k.rng("i", 0, 5, func(i *Value) { k.Store(k.Cast(k.Load(q, d(i)), I8), o, d(i)) })
	k.rng("i", 0, 4, func(i *Value) {
		e := k.Load(ix, d(i))
		k.Store(k.Cast(k.Load(q, []Subscript{{Dyn: e}}), I8), g, d(i))
	})
	mem := NewMemory(k.f)
	mem[0] = []byte{0x87, 0xf0, 0x09} // codes 7, -8, 0, -1, -7 (the last high nibble unused)
	mem[1] = i32Bytes(4, 1, 0, 3)
	mustExec(t, k.f, mem)
	if got, want := OutputWords(o, mem[2]), []int64{7, -8, 0, -1, -7}; !slices.Equal(got, want) {
		t.Errorf("affine loads: got %v, want %v", got, want)
	}
	if got, want := OutputWords(g, mem[3]), []int64{-7, -8, 7, -1}; !slices.Equal(got, want) {
		t.Errorf("gathers: got %v, want %v", got, want)
	}
	if got := OutputWords(q, mem[0]); !slices.Equal(got, []int64{7, -8, 0, -1, -7}) {
		t.Errorf("OutputWords of the packed input: %v", got)
	}
}

// TestExecTranspose copies every element type through the frame with
// transposed strides and compares with OutputWords of the input.
func TestExecTranspose(t *testing.T) {
	for _, et := range []Type{I8, I16, I32, I64, F16, F32} {
		t.Run(et.String(), func(t *testing.T) {
			a, o := param("a", In, et, 3, 5), param("o", Out, et, 5, 3)
			k := newKernel(a, o)
			k.rng("i", 0, 3, func(i *Value) {
				k.rng("j", 0, 5, func(j *Value) { k.Store(k.Load(a, d(i, j)), o, d(j, i)) })
			})
			mem := fillAll(k.f)
			mustExec(t, k.f, mem)
			in, out := OutputWords(a, mem[0]), OutputWords(o, mem[1])
			for i := range 3 {
				for j := range 5 {
					if in[i*5+j] != out[j*3+i] {
						t.Fatalf("o[%d, %d] = %#x, want %#x", j, i, out[j*3+i], in[i*5+j])
					}
				}
			}
		})
	}
}

func TestExecMatmulF32(t *testing.T) {
	const m, n, kk = 7, 9, 13
	f := matmulF32(m, n, kk)
	mem := fillAll(f)
	mustExec(t, f, mem)
	a, b := f32s(mem[0]), f32s(mem[1])
	got := f32s(mem[2])
	for i := range m {
		for j := range n {
			acc := float32(0)
			for p := range kk {
				acc = float32(acc + float32(a[i*kk+p]*b[p*n+j]))
			}
			if math.Float32bits(got[i*n+j]) != math.Float32bits(acc) {
				t.Fatalf("c[%d, %d] = %v, want %v", i, j, got[i*n+j], acc)
			}
		}
	}
}

func f32s(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// matvecI4 builds y[i] = sum over j of i32(w[i, j]) * i32(x[j]) with w
// packed i4, the shape of the quantized kernels.
func matvecI4(m, n int64) *Func {
	w, x, y := param("w", In, I4, m, n), param("x", In, I8, n), param("y", Out, I32, m)
	k := newKernel(w, x, y)
	k.rng("i", 0, m, func(i *Value) {
		sum := k.loop("j", []*Expr{Const(0)}, []*Expr{Const(n)}, 1, []*Value{k.i(I32, 0)}, func(j *Value, acc []*Value) []*Value {
			p := k.Bin(OpMul, k.Cast(k.Load(w, d(i, j)), I32), k.Cast(k.Load(x, d(j)), I32))
			return []*Value{k.Bin(OpAdd, acc[0], p)}
		})
		k.Store(sum.Results[0], y, d(i))
	})
	return k.f
}

func TestExecMatvecI4(t *testing.T) {
	const m, n = 6, 7 // odd rows: codes straddle bytes
	f := matvecI4(m, n)
	mem := fillAll(f)
	mustExec(t, f, mem)
	w, x := OutputWords(f.Params[0], mem[0]), OutputWords(f.Params[1], mem[1])
	got := OutputWords(f.Params[2], mem[2])
	for i := range m {
		want := int64(0)
		for j := range n {
			want += w[i*n+j] * x[j]
		}
		if got[i] != want {
			t.Errorf("y[%d] = %d, want %d", i, got[i], want)
		}
	}
}

// TestExecAffineSubscripts uses floordiv and mod, which are evaluated with
// floor semantics, and subscripts whose bounds are known only at run time.
func TestExecAffineSubscripts(t *testing.T) {
	a, o := param("a", In, I32, 3, 2), param("o", Out, I32, 6)
	k := newKernel(a, o)
	k.loop("i", []*Expr{Const(-2)}, []*Expr{Const(4)}, 1, nil, func(i *Value, _ []*Value) []*Value {
		v := k.Load(a, d(Add(FloorDiv(Dim(i), 2), Const(1)), Mod(Dim(i), 2)))
		k.Store(v, o, d(Add(Dim(i), Const(2))))
		return nil
	})
	mem := NewMemory(k.f)
	mem[0] = i32Bytes(10, 11, 20, 21, 30, 31)
	mustExec(t, k.f, mem)
	want := []int64{10, 11, 20, 21, 30, 31}
	if got := OutputWords(o, mem[1]); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestExecMemoryChecks(t *testing.T) {
	f := matmulF32(2, 3, 4)
	tests := []struct {
		mem  [][]byte
		want string
	}{
		{NewMemory(f)[:2], "ir: func @k: got storage for 2 buffers, want 3"},
		{[][]byte{make([]byte, 32), make([]byte, 48), make([]byte, 23)}, "ir: func @k: storage of %c has 23 bytes, want 24"},
	}
	for _, tc := range tests {
		if err := Exec(f, tc.mem); err == nil || err.Error() != tc.want {
			t.Errorf("Exec = %v, want %q", err, tc.want)
		}
	}
	f.Body.Ops = append(f.Body.Ops, &Op{Code: OpYield})
	if err := Exec(f, NewMemory(f)); err == nil || !strings.Contains(err.Error(), "yield may only") {
		t.Errorf("Exec of an invalid function = %v, want the verifier's error", err)
	}
	if n := len(NewMemory(newKernel(param("q", In, I4, 3, 3)).f)[0]); n != 5 {
		t.Errorf("packed i4[3, 3] storage has %d bytes, want 5", n)
	}
}

// TestAddressStaticBounds checks which subscripts the interpreter proves
// in bounds from the loop bounds (and so folds into one linear offset) and
// which it checks at run time.
func TestAddressStaticBounds(t *testing.T) {
	a := param("a", In, F32, 8, 8)
	k := newKernel(a)
	var loads []*Op
	want := []bool{false, false, true, false, true, true}
	k.rng("i", 0, 8, func(i *Value) {
		k.loop("j", cs(0), []*Expr{Const(4), Add(Dim(i), Const(1))}, 1, nil, func(j *Value, _ []*Value) []*Value {
			for _, idx := range [][]Subscript{
				d(i, j),
				d(i, Add(Dim(j), Const(4))),
				d(i, Add(Dim(j), Const(5))), // up to 8: checked
				d(Mul(Dim(j), 2), i),
				d(FloorDiv(Dim(i), 2), j), // not linear: checked
				{{Dyn: i}, {Affine: Const(0)}},
			} {
				loads = append(loads, k.Load(a, idx).Def)
			}
			return nil
		})
	})
	c := newCompiler(k.f, NewMemory(k.f))
	c.block(k.f.Body.Ops)
	for n, op := range loads {
		if pre, _ := c.address(op); (pre != nil) != want[n] {
			t.Errorf("load %d: run-time checks %v, want %v", n, pre != nil, want[n])
		}
	}
}
