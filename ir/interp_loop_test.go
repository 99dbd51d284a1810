package ir

import (
	"math"
	"slices"
	"testing"
)

// sumIV appends a loop over the given bounds summing its IV (as i32) onto init.
func (k *kernel) sumIV(lower, upper []*Expr, step int64, init *Value) *Value {
	op := k.loop("i", lower, upper, step, []*Value{init}, func(i *Value, acc []*Value) []*Value {
		return []*Value{k.Bin(OpAdd, acc[0], k.Cast(i, I32))}
	})
	return op.Results[0]
}

func cs(vs ...int64) []*Expr {
	es := make([]*Expr, len(vs))
	for i, v := range vs {
		es[i] = Const(v)
	}
	return es
}

func TestExecLoops(t *testing.T) {
	tests := []struct {
		name  string
		build func(k *kernel) *Value
		want  int64
	}{
		{"step 3", func(k *kernel) *Value { return k.sumIV(cs(1), cs(10), 3, k.i(I32, 0)) }, 1 + 4 + 7},
		{"step past upper", func(k *kernel) *Value { return k.sumIV(cs(0), cs(9), 4, k.i(I32, 0)) }, 0 + 4 + 8},
		{"max and min bounds", func(k *kernel) *Value { return k.sumIV(cs(2, 0, -5), cs(9, 6), 1, k.i(I32, 0)) }, 2 + 3 + 4 + 5},
		{"negative range", func(k *kernel) *Value { return k.sumIV(cs(-3), cs(2), 1, k.i(I32, 0)) }, -3 - 2 - 1 + 0 + 1},
		{"zero trips", func(k *kernel) *Value { return k.sumIV(cs(5), cs(5), 1, k.i(I32, 42)) }, 42},
		{"zero trips by bounds", func(k *kernel) *Value { return k.sumIV(cs(7, 3), cs(10, 6), 2, k.i(I32, 42)) }, 42},
		{"upper below lower", func(k *kernel) *Value { return k.sumIV(cs(3), cs(-2), 1, k.i(I32, 42)) }, 42},
		{"triangular", func(k *kernel) *Value {
			op := k.loop("i", cs(0), cs(5), 1, []*Value{k.i(I32, 0)}, func(i *Value, acc []*Value) []*Value {
				return []*Value{k.sumIV([]*Expr{Dim(i)}, cs(5), 1, acc[0])}
			})
			return op.Results[0]
		}, 0 + 1 + 2 + 3 + 4 + 1 + 2 + 3 + 4 + 2 + 3 + 4 + 3 + 4 + 4},
		{"dependent min and max bounds", func(k *kernel) *Value {
			op := k.loop("i", cs(-3), cs(4), 1, []*Value{k.i(I32, 0)}, func(i *Value, acc []*Value) []*Value {
				lo := []*Expr{Dim(i), Const(0)}
				hi := []*Expr{Add(Dim(i), Const(2)), Const(3)}
				return []*Value{k.sumIV(lo, hi, 1, acc[0])}
			})
			return op.Results[0]
		}, 0 + (0 + 1) + (1 + 2) + 2},
		{"swap", func(k *kernel) *Value {
			op := k.loop("i", cs(0), cs(3), 1, []*Value{k.i(I32, 1), k.i(I32, 2)}, func(_ *Value, ab []*Value) []*Value {
				return []*Value{ab[1], ab[0]}
			})
			return k.Bin(OpSub, k.Bin(OpMul, op.Results[0], k.i(I32, 10)), op.Results[1])
		}, 2*10 - 1},
		{"fibonacci", func(k *kernel) *Value {
			op := k.loop("i", cs(0), cs(10), 1, []*Value{k.i(I32, 0), k.i(I32, 1)}, func(_ *Value, ab []*Value) []*Value {
				return []*Value{ab[1], k.Bin(OpAdd, ab[0], ab[1])}
			})
			return op.Results[0]
		}, 55},
		{"rotate three, keep one", func(k *kernel) *Value {
			inits := []*Value{k.i(I32, 1), k.i(I32, 2), k.i(I32, 3), k.i(I32, 4)}
			op := k.loop("i", cs(0), cs(4), 1, inits, func(_ *Value, v []*Value) []*Value {
				return []*Value{v[1], v[2], v[0], v[3]}
			})
			r := op.Results
			digits := k.Bin(OpAdd, k.Bin(OpMul, r[0], k.i(I32, 100)), k.Bin(OpMul, r[1], k.i(I32, 10)))
			return k.Bin(OpAdd, k.Bin(OpAdd, digits, r[2]), k.Bin(OpMul, r[3], k.i(I32, 1000)))
		}, 4231},
		{"yield a widened iteration argument", func(k *kernel) *Value {
			// The cast shares its operand's frame slot, so the yield must copy in parallel.
			op := k.loop("i", cs(0), cs(3), 1, []*Value{k.i(I32, 0), k.i(I64, 9)}, func(_ *Value, ab []*Value) []*Value {
				return []*Value{k.Bin(OpAdd, ab[0], k.i(I32, 1)), k.Cast(ab[0], I64)}
			})
			return k.Bin(OpAdd, k.Cast(op.Results[0], I64), k.Bin(OpMul, op.Results[1], k.i(I64, 10)))
		}, 3 + 2*10},
		{"IV near overflow", func(k *kernel) *Value {
			op := k.loop("i", cs(math.MaxInt64-5), cs(math.MaxInt64), 4, []*Value{k.i(I32, 0)}, func(_ *Value, n []*Value) []*Value {
				return []*Value{k.Bin(OpAdd, n[0], k.i(I32, 1))}
			})
			return op.Results[0]
		}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scalar(tc.build)
			checkScalar(t, got, err, tc.want, "")
		})
	}
}

// TestExecTiles checks that a tiled loop with a partial last tile covers
// every element once.
func TestExecTiles(t *testing.T) {
	o := param("o", Out, I32, 10)
	k := newKernel(o)
	k.loop("t", cs(0), cs(10), 4, nil, func(tv *Value, _ []*Value) []*Value {
		hi := []*Expr{Add(Dim(tv), Const(4)), Const(10)}
		k.loop("i", []*Expr{Dim(tv)}, hi, 1, nil, func(i *Value, _ []*Value) []*Value {
			prev := k.Load(o, d(i))
			k.Store(k.Bin(OpAdd, prev, k.Cast(k.Bin(OpAdd, tv, k.i(Index, 100)), I32)), o, d(i))
			return nil
		})
		return nil
	})
	mem := NewMemory(k.f)
	mustExec(t, k.f, mem)
	want := []int64{100, 100, 100, 100, 104, 104, 104, 104, 108, 108}
	if got := OutputWords(o, mem[0]); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
