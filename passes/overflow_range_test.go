package passes

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/q35c/q35c/ir"
)

// The transfer functions are sound against the reference semantics: for
// random operand intervals of every integer width (with their end points
// and the type's extremes well represented), every result the interpreter
// computes from operands inside them lies in the interval the analysis
// gives. Operands for which the op faults at run time (division by zero,
// MinInt / -1, shift amounts out of range) are not sampled.
func TestOverflowTransferSound(t *testing.T) {
	codes := []ir.Opcode{ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpRem, ir.OpShl, ir.OpShrS, ir.OpShrU,
		ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpMin, ir.OpMax}
	trials := 60
	if testing.Short() {
		trials = 15
	}
	rnd := rand.New(rand.NewSource(1))
	for _, ty := range []ir.Type{ir.I8, ir.I16, ir.I32, ir.I64} {
		for _, code := range codes {
			for trial := range trials {
				square := code == ir.OpMul && trial%4 == 0
				x, y := ovRandRange(rnd, ty), ovRandRange(rnd, ty)
				if code >= ir.OpShl && code <= ir.OpShrU && trial%2 == 0 {
					y = ovRandRangeIn(rnd, -2, int64(ty.Bits)+1) // mostly valid amounts
				}
				ovCheckBinary(t, rnd, ty, code, x, y, square)
			}
		}
	}
}

// ovRandRange picks an interval of t whose end points are often the
// type's extremes, small numbers or powers of two.
func ovRandRange(rnd *rand.Rand, t ir.Type) ovRange {
	pick := func() int64 {
		switch rnd.Intn(5) {
		case 0:
			return []int64{t.MinInt(), t.MinInt() + 1, -1, 0, 1, t.MaxInt() - 1, t.MaxInt()}[rnd.Intn(7)]
		case 1:
			return rnd.Int63n(33) - 16
		case 2:
			v := int64(1) << rnd.Intn(int(t.Bits)-1)
			if rnd.Intn(2) == 0 {
				v = -v
			}
			return v
		}
		sh := 64 - uint(t.Bits)
		return int64(rnd.Uint64()) << sh >> sh
	}
	a, b := pick(), pick()
	return ovRange{lo: min(a, b), hi: max(a, b)}
}

func ovRandRangeIn(rnd *rand.Rand, lo, hi int64) ovRange {
	a, b := lo+rnd.Int63n(hi-lo+1), lo+rnd.Int63n(hi-lo+1)
	return ovRange{lo: min(a, b), hi: max(a, b)}
}

// ovSample returns n values of r: its end points and random ones between.
func ovSample(rnd *rand.Rand, r ovRange, n int) []int64 {
	out := []int64{r.lo, r.hi}
	span := uint64(r.hi - r.lo)
	for len(out) < n {
		if span == ^uint64(0) {
			out = append(out, int64(rnd.Uint64()))
		} else {
			out = append(out, r.lo+int64(rnd.Uint64()%(span+1)))
		}
	}
	return out
}

// ovFaults reports whether x op y faults at run time.
func ovFaults(code ir.Opcode, t ir.Type, x, y int64) bool {
	switch code {
	case ir.OpDiv, ir.OpRem:
		return y == 0 || y == -1 && x == t.MinInt()
	case ir.OpShl, ir.OpShrS, ir.OpShrU:
		return uint64(y)&(^uint64(0)>>(64-uint(t.Bits))) >= uint64(t.Bits)
	}
	return false
}

func ovCheckBinary(t *testing.T, rnd *rand.Rand, ty ir.Type, code ir.Opcode, xr, yr ovRange, square bool) {
	t.Helper()
	const n = 48
	var xs, ys []int64
	for _, x := range ovSample(rnd, xr, n) {
		for _, y := range ovSample(rnd, yr, 4) {
			if square {
				y = x
			}
			if !ovFaults(code, ty, x, y) {
				xs, ys = append(xs, x), append(ys, y)
			}
		}
	}
	if len(xs) == 0 {
		return
	}
	f, op := ovBinaryKernel(ty, code, int64(len(xs)), square)
	got := ovRun(t, f, ty, xs, ys)
	want := ovBinary(op, xr, yr)
	if square {
		want = ovBinary(op, xr, xr)
	}
	for i, v := range got {
		if v < want.lo || v > want.hi {
			t.Fatalf("%s %s: %d %s %d = %d, outside the analysis's %v for operands in %v and %v",
				ty, code, xs[i], code, ys[i], v, want, xr, yr)
		}
	}
}

// ovBinaryKernel is O[i] = X[i] op Y[i] (X[i] op X[i] for a square).
func ovBinaryKernel(ty ir.Type, code ir.Opcode, n int64, square bool) (*ir.Func, *ir.Op) {
	X, Y, O := ovBuf("X", ir.In, ty, n), ovBuf("Y", ir.In, ty, n), ovBuf("O", ir.Out, ty, n)
	k := ovNewKernel(X, Y, O)
	var op *ir.Op
	k.loop(ir.Const(0), ir.Const(n), 1, nil, nil, func(iv *ir.Value, _ []*ir.Value) []*ir.Value {
		x, y := k.load(X, ir.Dim(iv)), k.load(Y, ir.Dim(iv))
		if square {
			y = x
		}
		r := k.b.Bin(code, x, y)
		op = r.Def
		k.b.Store(r, O, ir.AffineIndex(ir.Dim(iv)))
		return nil
	})
	return k.f, op
}

// ovRun runs a kernel over inputs X and Y of type ty and returns O.
func ovRun(t *testing.T, f *ir.Func, ty ir.Type, xs, ys []int64) []int64 {
	t.Helper()
	mem := ir.NewMemory(f)
	w := int(ty.Bits / 8)
	for i := range xs {
		ovPut(mem[0][i*w:], w, xs[i])
		ovPut(mem[1][i*w:], w, ys[i])
	}
	if err := ir.Exec(f, mem); err != nil {
		t.Fatal(err)
	}
	return ir.OutputWords(f.Params[2], mem[2])
}

func ovPut(dst []byte, w int, v int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(v))
	copy(dst[:w], b[:w])
}

// Casts: widening keeps the range, narrowing keeps it when it fits and
// otherwise gives the target's range (nib as i4 is in [-8, 7]), and an i1
// zero-extends.
func TestOverflowCasts(t *testing.T) {
	tests := []struct {
		from, to ir.Type
		x, want  ovRange
	}{
		{ir.I8, ir.I32, ovRange{lo: -128, hi: 127}, ovRange{lo: -128, hi: 127}},
		{ir.I32, ir.I4, ovRange{lo: 0, hi: 15}, ovRange{lo: -8, hi: 7}},
		{ir.I32, ir.I3, ovRange{lo: 0, hi: 7}, ovRange{lo: -4, hi: 3}},
		{ir.I32, ir.I8, ovRange{lo: -3, hi: 100}, ovRange{lo: -3, hi: 100}},
		{ir.I1, ir.I32, ovRange{lo: -1, hi: 0}, ovRange{lo: 0, hi: 1}},
		{ir.Index, ir.I32, ovRange{lo: 0, hi: 4}, ovRange{lo: 0, hi: 4}},
	}
	for _, tt := range tests {
		if got := ovCast(tt.from, tt.to, tt.x); got.lo != tt.want.lo || got.hi != tt.want.hi || got.lost != nil {
			t.Errorf("%v as %s from %s = %v (lost %v), want %v", tt.x, tt.to, tt.from, got, got.lost, tt.want)
		}
	}
}

// Checked arithmetic agrees with exact arithmetic at the edges.
func TestOverflowCheckedArithmetic(t *testing.T) {
	const maxI, minI = int64(^uint64(0) >> 1), -int64(^uint64(0)>>1) - 1
	mul := []struct {
		a, b int64
		ok   bool
	}{{minI, 1, true}, {minI, -1, false}, {1 << 62, 2, false}, {-(1 << 62), 2, true}, {1 << 31, 1 << 31, true}, {3037000500, 3037000500, false}, {0, minI, true}}
	for _, c := range mul {
		if v, ok := ovMul(c.a, c.b); ok != c.ok || ok && v != c.a*c.b {
			t.Errorf("ovMul(%d, %d) = %d, %v; want ok %v", c.a, c.b, v, ok, c.ok)
		}
	}
	if _, ok := ovAdd(maxI, 1); ok {
		t.Error("ovAdd(max, 1) did not overflow")
	}
	if _, ok := ovSub(minI, 1); ok {
		t.Error("ovSub(min, 1) did not overflow")
	}
	if v, ok := ovSub(-1, minI); !ok || v != maxI {
		t.Error("ovSub(-1, min) should be max")
	}
}
