package emit

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// parallelLoops: inside a serial loop %r, a loop %i marked parallel with
// max/min bounds and step 2 over an inner loop %j; then a loop %k marked
// parallel that carries a value (so it stays an affine.for); then a
// parallel loop whose bounds fold to constants.
func parallelLoops() *ir.Func {
	f, b := newKernel("parallel_loops", buf("A", ir.In, ir.F32, 20, 8), buf("O", ir.Out, ir.F32, 20, 8), buf("S", ir.Out, ir.F32, 4))
	A, O, S := f.Params[0], f.Params[1], f.Params[2]
	b.for0("r", 2, nil, nil, func(b kb, r *ir.Value, _ []*ir.Value) []*ir.Value {
		lower := []*ir.Expr{ir.Mul(ir.Dim(r), 3), ir.Const(1)}
		upper := []*ir.Expr{ir.Add(ir.Mul(ir.Dim(r), 9), ir.Const(11)), ir.Const(20)}
		b.forRange("i", lower, upper, 2, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
			b.for0("j", 8, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
				x := b.next().Load(A, at(i, j))
				b.next().Store(b.next().Bin(ir.OpMul, x, b.ConstFloat(ir.F32, 2)), O, at(i, j))
				return nil
			})
			return nil
		}).Loop.Parallel = true
		return nil
	})
	zero := b.next().ConstFloat(ir.F32, 0)
	b.for0("k", 4, []*ir.Value{zero}, []string{"acc"}, func(b kb, k *ir.Value, args []*ir.Value) []*ir.Value {
		acc := b.next().Bin(ir.OpAdd, args[0], b.Load(A, at(k, k)))
		b.next().Store(acc, S, at(k))
		return []*ir.Value{acc}
	}).Loop.Parallel = true
	b.forRange("c", []*ir.Expr{ir.Const(0), ir.Const(1)}, []*ir.Expr{ir.Const(4), ir.Const(3)}, 1, nil, nil,
		func(b kb, c *ir.Value, _ []*ir.Value) []*ir.Value {
			b.next().Store(b.next().Load(A, at(c, c)), O, at(c, c))
			return nil
		}).Loop.Parallel = true
	return f
}

// TestParallelSyntax checks how loops marked parallel are written: as
// affine.parallel with inline bounds, max/min and step, without a
// vectorization guard of their own; a marked loop with iteration
// arguments as an affine.for.
func TestParallelSyntax(t *testing.T) {
	src := string(emitString(t, module(parallelLoops()), Options{}))
	for _, want := range []string{
		"    affine.parallel (%i) = (max(%r * 3, 1)) to (min(%r * 9 + 11, 20)) step (2) {\n      affine.for %j = 0 to 8 {\n",
		"  %acc.1 = affine.for %k = 0 to 4 iter_args(%acc = %3) -> (f32) {\n",
		"  affine.parallel (%c) = (1) to (3) {\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the MLIR lacks\n%s\nin\n%s", want, src)
		}
	}
	if n := strings.Count(src, "affine.parallel"); n != 2 {
		t.Errorf("%d affine.parallel, want 2:\n%s", n, src)
	}
}

// TestParallelRunsOnThreads lowers the parallel loops with OpenMP, runs
// them on two threads, with and without the seed's tile and vectorize
// passes, and compares every output word with the interpreter.
func TestParallelRunsOnThreads(t *testing.T) {
	toolchain.Require(t, "mlir-opt", "mlir-cpu-runner", "libomp")
	for _, pre := range [][]string{nil, prePasses} {
		m := module(parallelLoops(), matmul())
		src := emitString(t, m, Options{Harness: true})
		ctx := context.Background()
		lowered, err := toolchain.LowerOpenMP(ctx, src, pre)
		if err != nil {
			t.Fatalf("lowering with %v: %v\n%s", pre, err, numbered(src))
		}
		if !bytes.Contains(lowered, []byte("omp.wsloop")) {
			t.Errorf("with %v: no OpenMP loop in the lowered module", pre)
		}
		out, err := toolchain.RunMain(ctx, lowered, toolchain.WithOpenMP(2))
		if err != nil {
			t.Fatalf("running: %v", err)
		}
		got, err := ParseHarnessOutput(out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		compareOutputs(t, m, got, interpret(t, m))
	}
}

// TestSuperVectorizerSkipsParallel checks the MLIR 19 behaviour that lets
// parallel loops go without a vectorization guard: --affine-super-vectorize
// vectorizes neither an affine.parallel nor a loop around one, even when
// that loop is vector-safe and so unguarded.
func TestSuperVectorizerSkipsParallel(t *testing.T) {
	toolchain.Require(t, "mlir-opt")
	t.Parallel()
	f, b := newKernel("around_parallel", buf("A", ir.In, ir.F32, 8, 8), buf("O", ir.Out, ir.F32, 8, 8))
	A, O := f.Params[0], f.Params[1]
	outer := b.for0("r", 8, nil, nil, func(b kb, r *ir.Value, _ []*ir.Value) []*ir.Value {
		b.for0("i", 8, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
			b.next().Store(b.next().Load(A, at(i, r)), O, at(i, r))
			return nil
		}).Loop.Parallel = true
		return nil
	})
	if !vectorSafe(outer, 8) {
		t.Fatal("the loop around the parallel one is guarded; the test needs it unguarded")
	}
	src := emitString(t, module(f), Options{})
	if bytes.Contains(src, []byte("memref.cast")) {
		t.Fatalf("the test kernel has a guard:\n%s", src)
	}
	out, err := toolchain.Opt(context.Background(), src, "--affine-super-vectorize=virtual-vector-size=8")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("vector")) {
		t.Errorf("the super-vectorizer vectorized around or inside affine.parallel:\n%s", out)
	}
}
