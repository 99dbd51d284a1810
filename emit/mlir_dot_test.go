package emit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

// dotSources are the files with loops the dot pass marks (the 8192-wide
// LLaMA layers have them too, but take minutes in the interpreter).
var dotSources = []string{"../examples/matmul_q35.q35", "../examples/matmul_i8_i4.q35", "../testdata/dot/accept.q35"}

// dotPipelines mark dot loops: at the top of a nest, and inside the tiles
// of a parallel loop.
var dotPipelines = []string{"canonicalize,dot", "canonicalize,tile{size=64},canonicalize,dot,parallelize"}

// dotModule compiles src and runs pipe over it, requiring a dot loop.
func dotModule(t *testing.T, src, pipe string) *ir.Module {
	t.Helper()
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	_, m, diags := frontend.Compile(filepath.Base(src), text)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", src, diags.Err())
	}
	p, err := passes.Parse(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(m, nil); err != nil {
		t.Fatalf("%s: %v", pipe, err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("%s: %v", pipe, err)
	}
	if len(dotLoops(m)) == 0 {
		t.Fatalf("%s marks no dot loop in %s", pipe, src)
	}
	return m
}

// dotLoops returns the dot loops of m.
func dotLoops(m *ir.Module) []*ir.Op {
	var ops []*ir.Op
	for _, f := range m.Funcs {
		f.Body.Walk(func(o *ir.Op) {
			if o.Code == ir.OpFor && o.Loop.Dot {
				ops = append(ops, o)
			}
		})
	}
	return ops
}

// TestDotLoopMatchesInterpreter runs the MLIR of every dot loop through
// mlir-opt and mlir-cpu-runner (serially, after the seed's tile and
// vectorize steps, and on two OpenMP threads) and compares every output
// word with the interpreter, which runs the loops' scalar bodies.
func TestDotLoopMatchesInterpreter(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner", "libomp")
	for _, src := range dotSources {
		for _, pipe := range dotPipelines {
			t.Run(filepath.Base(src)+"/"+pipe, func(t *testing.T) {
				t.Parallel()
				m := dotModule(t, src, pipe)
				want := interpret(t, m)
				compareOutputs(t, m, runHarness(t, m, nil), want)
				compareOutputs(t, m, runHarness(t, m, prePasses), want)
				compareOutputs(t, m, runOpenMP(t, m), want)
			})
		}
	}
	t.Run("built", func(t *testing.T) {
		t.Parallel()
		m := module(dotFlat(), dotScalar())
		if err := ir.Verify(m); err != nil {
			t.Fatal(err)
		}
		if len(dotLoops(m)) != 3 {
			t.Fatalf("%d dot loops, want 3", len(dotLoops(m)))
		}
		compareOutputs(t, m, runHarness(t, m, prePasses), interpret(t, m))
	})
}

func runOpenMP(t *testing.T, m *ir.Module) [][]int64 {
	t.Helper()
	src := emitString(t, m, Options{Harness: true})
	ctx := context.Background()
	lowered, err := toolchain.LowerOpenMP(ctx, src, nil)
	if err != nil {
		t.Fatalf("lowering: %v\n%s", err, numbered(src))
	}
	out, err := toolchain.RunMain(ctx, lowered, toolchain.WithOpenMP(2))
	if err != nil {
		t.Fatalf("running: %v", err)
	}
	got, err := ParseHarnessOutput(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return got
}

// TestDotLoopEmitsVectors checks that a dot loop is written with vector
// shuffles and reductions, and that no affine.for is left over its loops.
func TestDotLoopEmitsVectors(t *testing.T) {
	for _, src := range dotSources {
		t.Run(filepath.Base(src), func(t *testing.T) {
			m := dotModule(t, src, "canonicalize,dot")
			text := string(emitString(t, m, Options{}))
			for _, want := range []string{"vector.shuffle", "vector.reduction <add>", "arith.muli"} {
				if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(text) {
					t.Errorf("no %s in\n%s", want, text)
				}
			}
			for _, name := range dotOnlyIVs(m) {
				re := regexp.MustCompile(fmt.Sprintf(`affine\.for %%%s(\.[0-9]+)? =`, regexp.QuoteMeta(name)))
				if loc := re.FindString(text); loc != "" {
					t.Errorf("the dot nest's loop %s is emitted as %q:\n%s", name, loc, text)
				}
			}
		})
	}
}

// dotOnlyIVs names the loop variables of dot nests that no other loop of
// m shares a name with.
func dotOnlyIVs(m *ir.Module) []string {
	inDot, other := map[string]bool{}, map[string]bool{}
	var walk func(b *ir.Block, dot bool)
	walk = func(b *ir.Block, dot bool) {
		for _, o := range b.Ops {
			if o.Code != ir.OpFor {
				continue
			}
			d := dot || o.Loop.Dot
			if d {
				inDot[o.Loop.IV.Name] = true
			} else {
				other[o.Loop.IV.Name] = true
			}
			walk(o.Loop.Body, d)
		}
	}
	for _, f := range m.Funcs {
		walk(f.Body, false)
	}
	var names []string
	for n := range inDot {
		if n != "" && !other[n] {
			names = append(names, n)
		}
	}
	return names
}

// dotFlat has two dot loops on 1-D buffers, marked by hand:
//
//	for n in 0..3: O[2n], O[2n+1] = 5 + Σ_k A[k]·W[40n + k], −3 + Σ_k A[40 + k]·W[40n + k]
//	for n in 0..2: P[n] = Σ_k A[k]·W[k] for k in 0..80
//
// with W packed i4, so that code windows are masked (20 and 8 bytes), both
// accumulators of the first loop share their codes, and the second loop's
// 80 products are two chunks of one accumulator.
func dotFlat() *ir.Func {
	f, b := newKernel("dot_flat", buf("A", ir.In, ir.I8, 80), buf("W", ir.In, ir.I4, 120), buf("O", ir.Out, ir.I32, 6), buf("P", ir.Out, ir.I32, 2))
	A, W, O, P := f.Params[0], f.Params[1], f.Params[2], f.Params[3]
	b.for0("n", 3, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		inits := []*ir.Value{b.next().ConstInt(ir.I32, 5), b.next().ConstInt(ir.I32, -3)}
		acc := b.for0("k", 40, inits, []string{"lo", "hi"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
			w := b.next().Cast(b.Load(W, ir.AffineIndex(ir.Add(ir.Mul(ir.Dim(n), 40), ir.Dim(k)))), ir.I32)
			x := b.next().Cast(b.Load(A, at(k)), ir.I32)
			y := b.next().Cast(b.Load(A, ir.AffineIndex(ir.Add(ir.Dim(k), ir.Const(40)))), ir.I32)
			return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.Bin(ir.OpMul, x, w)), b.next().Bin(ir.OpAdd, args[1], b.Bin(ir.OpMul, y, w))}
		})
		acc.Loop.Dot = true
		b.next().Store(acc.Results[0], O, ir.AffineIndex(ir.Mul(ir.Dim(n), 2)))
		b.next().Store(acc.Results[1], O, ir.AffineIndex(ir.Add(ir.Mul(ir.Dim(n), 2), ir.Const(1))))
		return nil
	})
	b.for0("n", 2, nil, nil, func(b kb, n *ir.Value, _ []*ir.Value) []*ir.Value {
		zero := b.next().ConstInt(ir.I32, 0)
		acc := b.for0("k", 80, []*ir.Value{zero}, []string{"acc"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
			w := b.next().Cast(b.Load(W, at(k)), ir.I32)
			x := b.next().Cast(b.Load(A, at(k)), ir.I32)
			return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.Bin(ir.OpMul, x, w))}
		})
		acc.Loop.Dot = true
		b.next().Store(acc.Result(), P, at(n))
		return nil
	})
	return f
}

// dotScalar multiplies 16 activations by the one byte of a rank-0 buffer,
// whose storage needs a 1-D view of another kind.
func dotScalar() *ir.Func {
	f, b := newKernel("dot_scalar", buf("A", ir.In, ir.I8, 2, 16), buf("S", ir.In, ir.I8), buf("O", ir.Out, ir.I32, 2))
	A, S, O := f.Params[0], f.Params[1], f.Params[2]
	b.for0("m", 2, nil, nil, func(b kb, m *ir.Value, _ []*ir.Value) []*ir.Value {
		zero := b.next().ConstInt(ir.I32, 0)
		acc := b.for0("k", 16, []*ir.Value{zero}, []string{"acc"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
			s := b.next().Cast(b.Load(S, nil), ir.I32)
			x := b.next().Cast(b.Load(A, at(m, k)), ir.I32)
			return []*ir.Value{b.next().Bin(ir.OpAdd, args[0], b.Bin(ir.OpMul, x, s))}
		})
		acc.Loop.Dot = true
		b.next().Store(acc.Result(), O, at(m))
		return nil
	})
	return f
}
