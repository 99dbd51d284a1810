package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The test kernels are built with ir.Builder; each op is placed on its own
// line of a fake source file so that locations are exercised.

var testFile = diag.NewFile("kernels.q35", []byte(strings.Repeat("    let x = y\n", 400)))

// kb wraps a builder that gives each new op the next source line.
type kb struct {
	*ir.Builder
	line *int
}

func newKernel(name string, params ...*ir.Buffer) (*ir.Func, kb) {
	f := &ir.Func{Name: name, Params: params, Pos: diag.Pos{File: testFile, Off: 0}}
	line := 0
	b := kb{ir.NewBuilder(f), &line}
	return f, b
}

// next moves the builder to the next source line and returns it.
func (b kb) next() kb {
	*b.line++
	b.Pos = diag.Pos{File: testFile, Off: 14*(*b.line-1) + 4}
	return b
}

func buf(name string, kind ir.ParamKind, elem ir.Type, shape ...int64) *ir.Buffer {
	return &ir.Buffer{Name: name, Kind: kind, Elem: elem, Shape: shape, Pos: diag.Pos{File: testFile, Off: 6}}
}

// forRange appends `for iv = lower to upper step step` whose body is built by
// body, which returns the yielded values.
func (b kb) forRange(iv string, lower, upper []*ir.Expr, step int64, inits []*ir.Value, names []string,
	body func(b kb, iv *ir.Value, args []*ir.Value) []*ir.Value) *ir.Op {
	op := b.next().For(iv, lower, upper, step, inits, names)
	inner := kb{&ir.Builder{Func: b.Func, Block: op.Loop.Body, Pos: b.Pos}, b.line}
	yield := body(inner, op.Loop.IV, op.Loop.IterArgs)
	inner.next().Yield(yield)
	return op
}

// for0 appends `for iv = 0 to n`.
func (b kb) for0(iv string, n int64, inits []*ir.Value, names []string,
	body func(b kb, iv *ir.Value, args []*ir.Value) []*ir.Value) *ir.Op {
	return b.forRange(iv, []*ir.Expr{ir.Const(0)}, []*ir.Expr{ir.Const(n)}, 1, inits, names, body)
}

func at(vs ...*ir.Value) []ir.Subscript {
	es := make([]*ir.Expr, len(vs))
	for i, v := range vs {
		es[i] = ir.Dim(v)
	}
	return ir.AffineIndex(es...)
}

func module(fs ...*ir.Func) *ir.Module { return &ir.Module{Name: "kernels.q35", Funcs: fs} }

// matmul: C[4,8] = A[4,16] x B[16,8] in f32, accumulating through iter_args.
func matmul() *ir.Func {
	f, b := newKernel("matmul", buf("A", ir.In, ir.F32, 4, 16), buf("B", ir.In, ir.F32, 16, 8), buf("C", ir.Out, ir.F32, 4, 8))
	A, B, C := f.Params[0], f.Params[1], f.Params[2]
	b.for0("i", 4, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
		b.for0("j", 8, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
			zero := b.next().ConstFloat(ir.F32, 0)
			acc := b.for0("k", 16, []*ir.Value{zero}, []string{"acc"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
				x := b.next().Load(A, at(i, k))
				y := b.next().Load(B, at(k, j))
				return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.Bin(ir.OpMul, x, y))}
			})
			b.next().Store(acc.Result(), C, at(i, j))
			return nil
		})
		return nil
	})
	return f
}

// dotI4: Y[4,8] = f32(sum_k X[i,k] * W[j,k]) * 0.5 with X i8, W packed i4,
// accumulated in i32; K = 32 so both nibbles of every byte are used.
func dotI4() *ir.Func {
	f, b := newKernel("dot_i4", buf("X", ir.In, ir.I8, 4, 32), buf("W", ir.In, ir.I4, 8, 32), buf("Y", ir.Out, ir.F32, 4, 8))
	X, W, Y := f.Params[0], f.Params[1], f.Params[2]
	b.for0("i", 4, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
		b.for0("j", 8, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
			zero := b.next().ConstInt(ir.I32, 0)
			acc := b.for0("k", 32, []*ir.Value{zero}, []string{"acc"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
				x := b.next().Cast(b.Load(X, at(i, k)), ir.I32)
				w := b.next().Cast(b.Load(W, at(j, k)), ir.I32)
				return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.Bin(ir.OpMul, x, w))}
			})
			s := b.next().Cast(acc.Result(), ir.F32)
			half := b.next().ConstFloat(ir.F32, 0.5)
			b.next().Store(b.Bin(ir.OpMul, s, half), Y, at(i, j))
			return nil
		})
		return nil
	})
	return f
}

// gather: O[n] = T[I[n] & 15] from a 16-entry f32 table, M[n, c] =
// T2[c, I[n] & 7] mixing affine and dynamic subscripts, and Q[n] =
// i32(P[(I[n] >> 4) & 15]) from a packed i4 table.
func gather() *ir.Func {
	f, b := newKernel("gather", buf("T", ir.In, ir.F32, 16), buf("I", ir.In, ir.I32, 32), buf("T2", ir.In, ir.F32, 3, 8),
		buf("P", ir.In, ir.I4, 16), buf("O", ir.Out, ir.F32, 32), buf("M", ir.Out, ir.F32, 32, 3), buf("Q", ir.Out, ir.I32, 32))
	T, I, T2, P, O, M, Q := f.Params[0], f.Params[1], f.Params[2], f.Params[3], f.Params[4], f.Params[5], f.Params[6]
	b.for0("n", 32, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		raw := b.next().Load(I, at(n))
		idx := b.next().Bin(ir.OpAnd, raw, b.ConstInt(ir.I32, 15))
		b.next().Store(b.Load(T, []ir.Subscript{{Dyn: idx}}), O, at(n))
		col := b.next().Cast(b.Bin(ir.OpAnd, raw, b.ConstInt(ir.I32, 7)), ir.Index)
		b.for0("c", 3, nil, nil, func(b kb, c *ir.Value, _ []*ir.Value) []*ir.Value {
			v := b.next().Load(T2, []ir.Subscript{{Affine: ir.Dim(c)}, {Dyn: col}})
			b.next().Store(v, M, at(n, c))
			return nil
		})
		hi := b.next().Bin(ir.OpAnd, b.Bin(ir.OpShrS, raw, b.ConstInt(ir.I32, 4)), b.ConstInt(ir.I32, 15))
		b.next().Store(b.Cast(b.Load(P, []ir.Subscript{{Dyn: hi}}), ir.I32), Q, at(n))
		return nil
	})
	return f
}

// bounds: for i in 0..4, for j = max(2i, 1) to min(4i + 5, 16) step 2:
// O[j] += A[i, j] and N[i] counts the iterations; for k = i + 1 to
// min(4, 3) (which folds): U[i, k] = 1.
func bounds() *ir.Func {
	f, b := newKernel("bounds", buf("A", ir.In, ir.F32, 4, 16), buf("O", ir.Out, ir.F32, 16), buf("N", ir.Out, ir.I32, 4),
		buf("U", ir.Out, ir.I8, 4, 4))
	A, O, N, U := f.Params[0], f.Params[1], f.Params[2], f.Params[3]
	b.for0("i", 4, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
		lower := []*ir.Expr{ir.Mul(ir.Dim(i), 2), ir.Const(1)}
		upper := []*ir.Expr{ir.Add(ir.Mul(ir.Dim(i), 4), ir.Const(5)), ir.Const(16)}
		zero := b.next().ConstInt(ir.I32, 0)
		cnt := b.forRange("j", lower, upper, 2, []*ir.Value{zero}, []string{"count"}, func(b kb, j *ir.Value, args []*ir.Value) []*ir.Value {
			sum := b.next().Bin(ir.OpAdd, b.Load(O, at(j)), b.Load(A, at(i, j)))
			b.next().Store(sum, O, at(j))
			return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.ConstInt(ir.I32, 1))}
		})
		b.next().Store(cnt.Result(), N, at(i))
		b.forRange("k", []*ir.Expr{ir.Add(ir.Dim(i), ir.Const(1))}, []*ir.Expr{ir.Const(4), ir.Const(3)}, 1, nil, nil,
			func(b kb, k *ir.Value, _ []*ir.Value) []*ir.Value {
				b.next().Store(b.ConstInt(ir.I8, 1), U, at(i, k))
				return nil
			})
		return nil
	})
	return f
}

// twoResults: a loop carrying two values (printed %r:2, used as %r#i) and
// an induction variable used as an ordinary value.
func twoResults() *ir.Func {
	f, b := newKernel("two_results", buf("A", ir.In, ir.I32, 8), buf("O", ir.Out, ir.I32, 2))
	A, O := f.Params[0], f.Params[1]
	lo, hi := b.next().ConstInt(ir.I32, 1000), b.next().ConstInt(ir.I32, -1000)
	r := b.for0("i", 8, []*ir.Value{lo, hi}, []string{"min", "max"}, func(b kb, i *ir.Value, args []*ir.Value) []*ir.Value {
		x := b.next().Bin(ir.OpAdd, b.Load(A, at(i)), b.Cast(i, ir.I32))
		return []*ir.Value{b.next().Bin(ir.OpMin, args[0], x), b.next().Bin(ir.OpMax, args[1], x)}
	})
	b.next().Store(r.Results[0], O, ir.AffineIndex(ir.Const(0)))
	b.next().Store(r.Results[1], O, ir.AffineIndex(ir.Const(1)))
	return f
}

// f16Arith: elementwise f16 arithmetic, stored as f16 and widened to f32.
func f16Arith() *ir.Func {
	f, b := newKernel("f16_arith", buf("H", ir.In, ir.F16, 32), buf("G", ir.In, ir.F16, 32),
		buf("O", ir.Out, ir.F16, 6, 32), buf("W", ir.Out, ir.F32, 32))
	H, G, O, W := f.Params[0], f.Params[1], f.Params[2], f.Params[3]
	b.for0("n", 32, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		h, g := b.next().Load(H, at(n)), b.next().Load(G, at(n))
		third := b.next().ConstFloat(ir.F16, 1.0/3)
		vals := []*ir.Value{
			b.next().Bin(ir.OpAdd, h, g),
			b.next().Bin(ir.OpMul, b.Bin(ir.OpSub, h, third), g),
			b.next().Bin(ir.OpDiv, h, b.Bin(ir.OpAdd, b.Bin(ir.OpMul, g, g), third)),
			b.next().Bin(ir.OpMin, h, g),
			b.next().Bin(ir.OpMax, h, b.Neg(g)),
			b.next().Select(b.Cmp(ir.PredLt, h, g), h, third),
		}
		for r, v := range vals {
			b.next().Store(v, O, ir.AffineIndex(ir.Const(int64(r)), ir.Dim(n)))
		}
		b.next().Store(b.Cast(vals[2], ir.F32), W, at(n))
		return nil
	})
	return f
}

// binaryOps applies every binary op defined on t to X and Y elementwise;
// divisors are forced into [1, 63] and shift amounts below the width.
func binaryOps(t ir.Type) *ir.Func {
	ops := []ir.Opcode{ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpMin, ir.OpMax}
	if t.IsInt() {
		ops = append(ops, ir.OpRem, ir.OpShl, ir.OpShrS, ir.OpShrU, ir.OpAnd, ir.OpOr, ir.OpXor)
	}
	nout := int64(len(ops) + 2 + 6)
	f, b := newKernel("binary_"+t.String(), buf("X", ir.In, t, 32), buf("Y", ir.In, t, 32), buf("O", ir.Out, t, nout, 32))
	X, Y, O := f.Params[0], f.Params[1], f.Params[2]
	b.for0("n", 32, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		x, y := b.next().Load(X, at(n)), b.next().Load(Y, at(n))
		var vals []*ir.Value
		for _, op := range ops {
			vals = append(vals, b.next().Bin(op, x, safeRHS(b, op, y)))
		}
		vals = append(vals, b.next().Neg(x), b.next().Select(b.Cmp(ir.PredGe, x, y), x, y))
		for p := ir.PredEq; p <= ir.PredGe; p++ {
			vals = append(vals, b.next().Select(b.Cmp(p, x, y), y, x))
		}
		for r, v := range vals {
			b.next().Store(v, O, ir.AffineIndex(ir.Const(int64(r)), ir.Dim(n)))
		}
		return nil
	})
	return f
}

// safeRHS keeps integer divisors in [1, 63] and shift amounts in range.
func safeRHS(b kb, op ir.Opcode, y *ir.Value) *ir.Value {
	t := y.Type
	switch {
	case t.IsFloat():
		return y
	case op == ir.OpDiv || op == ir.OpRem:
		return b.next().Bin(ir.OpOr, b.Bin(ir.OpAnd, y, b.ConstInt(t, 63)), b.ConstInt(t, 1))
	case op == ir.OpShl || op == ir.OpShrS || op == ir.OpShrU:
		return b.next().Bin(ir.OpAnd, y, b.ConstInt(t, int64(t.Bits-1)))
	}
	return y
}

// casts exercises every cast kind, storing results by type.
func casts() *ir.Func {
	f, b := newKernel("casts", buf("X", ir.In, ir.I32, 16), buf("F", ir.In, ir.F32, 16), buf("H", ir.In, ir.F16, 16),
		buf("P", ir.In, ir.I4, 16), buf("T", ir.In, ir.I16, 2),
		buf("O8", ir.Out, ir.I8, 2, 16), buf("O16", ir.Out, ir.I16, 3, 16), buf("O32", ir.Out, ir.I32, 9, 16),
		buf("O64", ir.Out, ir.I64, 3, 16), buf("OF", ir.Out, ir.F32, 6, 16), buf("OH", ir.Out, ir.F16, 4, 16))
	X, F, H, P, T := f.Params[0], f.Params[1], f.Params[2], f.Params[3], f.Params[4]
	outs := map[ir.Type]*ir.Buffer{}
	for _, o := range f.Params[5:] {
		outs[o.Elem] = o
	}
	b.for0("n", 16, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		x, fl, h, p := b.next().Load(X, at(n)), b.next().Load(F, at(n)), b.next().Load(H, at(n)), b.next().Load(P, at(n))
		big := b.next().Bin(ir.OpMul, fl, b.ConstFloat(ir.F32, 100))
		bigH := b.next().Bin(ir.OpMul, h, b.ConstFloat(ir.F16, 100))
		x8 := b.next().Cast(x, ir.I8)
		bit := b.next().Cast(x, ir.I1)
		lt := b.next().Cmp(ir.PredLt, fl, b.ConstFloat(ir.F32, 0))
		idx := b.next().Cast(x8, ir.Index)
		// A boolean subscript indexes as 0 or 1.
		tb := b.next().Load(T, []ir.Subscript{{Dyn: lt}})
		results := []*ir.Value{
			x8, b.Cast(p, ir.I8), // trunci, i4 extsi
			b.Cast(x8, ir.I16), b.Cast(b.Cast(x, ir.I16), ir.I16), tb, // extsi, trunci, same type
			b.Cast(bit, ir.I32), b.Cast(lt, ir.I32), b.Cast(idx, ir.I32), b.Cast(big, ir.I32), // extui, index_cast, fptosi
			b.Cast(bigH, ir.I32), b.Cast(p, ir.I32), b.Cast(b.Cast(lt, ir.Index), ir.I32), x, // f16 fptosi, index_castui
			b.Cast(b.Cast(b.Cast(idx, ir.I64), ir.Index), ir.I32),
			b.Cast(x, ir.I64), b.Cast(x8, ir.I64), b.Cast(idx, ir.I64),
			b.Cast(x, ir.F32), b.Cast(h, ir.F32), b.Cast(lt, ir.F32), b.Cast(x8, ir.F32), // sitofp, extf, uitofp
			b.Cast(b.Cast(x, ir.I64), ir.F32), b.Cast(bigH, ir.F32),
			b.Cast(fl, ir.F16), b.Cast(x8, ir.F16), b.Cast(b.Cast(x, ir.I16), ir.F16), b.Cast(lt, ir.F16), // truncf, sitofp
		}
		row := map[ir.Type]int64{}
		for _, v := range results {
			b.next().Store(v, outs[v.Type], ir.AffineIndex(ir.Const(row[v.Type]), ir.Dim(n)))
			row[v.Type]++
		}
		return nil
	})
	return f
}

// constants stores tricky constants: values that need hexadecimal bit
// patterns, negative zero, subnormals and i1 constants.
func constants() *ir.Func {
	f32s := []uint64{0x80000000, 0x3DCCCCCD, 0x00000001, 0x7F800000, 0xFF800000, 0x7FC00000, 0x3F800000, 0x4B000001, 0xC2F6E979}
	f16s := []uint64{0x8000, 0x2E66, 0x0001, 0x7C00, 0x7E00, 0x3C00, 0x7BFF, 0x3555}
	f, b := newKernel("constants", buf("F", ir.Out, ir.F32, int64(len(f32s))), buf("H", ir.Out, ir.F16, int64(len(f16s))),
		buf("I", ir.Out, ir.I8, 4), buf("L", ir.Out, ir.I64, 2), buf("Z", ir.Out, ir.I4, 2, 4)) // Z is printed unwritten
	F, H, I, L := f.Params[0], f.Params[1], f.Params[2], f.Params[3]
	store := func(t ir.Type, bits uint64, dst *ir.Buffer, k int) {
		c := b.next().Append(&ir.Op{Code: ir.OpConst, Bits: bits, Results: []*ir.Value{f.NewValue(t, fmt.Sprintf("c%d", k))}}).Result()
		b.next().Store(c, dst, ir.AffineIndex(ir.Const(int64(k))))
	}
	for k, bits := range f32s {
		store(ir.F32, bits, F, k)
	}
	for k, bits := range f16s {
		store(ir.F16, bits, H, k)
	}
	t, fl := b.next().ConstInt(ir.I1, 1), b.next().ConstInt(ir.I1, 0)
	for k, v := range []*ir.Value{b.Cast(t, ir.I8), b.Cast(fl, ir.I8), b.ConstInt(ir.I8, -128), b.Cast(b.ConstInt(ir.I4, -8), ir.I8)} {
		b.next().Store(v, I, ir.AffineIndex(ir.Const(int64(k))))
	}
	b.next().Store(b.ConstInt(ir.I64, -1<<63), L, ir.AffineIndex(ir.Const(0)))
	b.next().Store(b.ConstInt(ir.I64, 1<<62+12345), L, ir.AffineIndex(ir.Const(1)))
	return f
}

// hazards holds the loop shapes MLIR 19's super-vectorizer gets wrong
// unguarded (see vecguard.go): a strided store, a step-2 loop, an
// induction variable used as a value, a trip count that is not a multiple
// of 8, and stores invariant along their loop.
func hazards() *ir.Func {
	f, b := newKernel("hazards", buf("A", ir.In, ir.F32, 64), buf("O", ir.Out, ir.F32, 64), buf("C", ir.Out, ir.I32, 16),
		buf("E", ir.Out, ir.F32, 16), buf("S", ir.Out, ir.F32, 4))
	A, O, C, E, S := f.Params[0], f.Params[1], f.Params[2], f.Params[3], f.Params[4]
	b.for0("j", 16, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
		b.next().Store(b.Load(A, at(j)), O, ir.AffineIndex(ir.Mul(ir.Dim(j), 2)))
		return nil
	})
	b.forRange("j", []*ir.Expr{ir.Const(1)}, []*ir.Expr{ir.Const(33)}, 2, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
		b.next().Store(b.Bin(ir.OpAdd, b.Load(A, at(j)), b.ConstFloat(ir.F32, 2)), O, at(j))
		return nil
	})
	b.for0("j", 16, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
		b.next().Store(b.Bin(ir.OpMul, b.Cast(j, ir.I32), b.ConstInt(ir.I32, 3)), C, at(j))
		return nil
	})
	b.for0("j", 12, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
		b.next().Store(b.Load(A, at(j)), E, at(j))
		return nil
	})
	b.for0("i", 4, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
		b.for0("j", 16, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
			x := b.next().Load(A, ir.AffineIndex(ir.Add(ir.Mul(ir.Dim(i), 16), ir.Dim(j))))
			b.next().Store(b.Bin(ir.OpAdd, b.Load(S, at(i)), x), S, at(i))
			return nil
		})
		return nil
	})
	return f
}
