package toolchain

import (
	"context"
	"strings"
	"testing"
)

// printFive prints 0, -3, ..., -12. The loop carries the value instead of
// converting its induction variable, which --affine-super-vectorize in
// MLIR 19 would crash on.
const printFive = `func.func private @printMemrefI64(memref<*xi64>)
func.func @main() {
  %b = memref.alloc() : memref<5xi64>
  %zero = arith.constant 0 : i64
  %m = arith.constant -3 : i64
  %last = affine.for %i = 0 to 5 iter_args(%x = %zero) -> (i64) {
    affine.store %x, %b[%i] : memref<5xi64>
    %next = arith.addi %x, %m : i64
    affine.yield %next : i64
  }
  %u = memref.cast %b : memref<5xi64> to memref<*xi64>
  func.call @printMemrefI64(%u) : (memref<*xi64>) -> ()
  memref.dealloc %b : memref<5xi64>
  func.return
}
`

func TestLowerAndRunMain(t *testing.T) {
	Require(t, "mlir-opt", "mlir-cpu-runner")
	t.Parallel()
	for _, pre := range [][]string{nil, {"--affine-loop-tile=tile-size=64", "--affine-super-vectorize=virtual-vector-size=8"}} {
		lowered, err := Lower(context.Background(), []byte(printFive), pre)
		if err != nil {
			t.Fatalf("Lower(%q): %v", pre, err)
		}
		out, err := RunMain(context.Background(), lowered)
		if err != nil {
			t.Fatalf("RunMain: %v", err)
		}
		if !strings.Contains(string(out), "[0,  -3,  -6,  -9,  -12]") {
			t.Errorf("RunMain printed %q", out)
		}
	}
}

func TestOptErrorCarriesStderr(t *testing.T) {
	Require(t, "mlir-opt")
	t.Parallel()
	_, err := Opt(context.Background(), []byte("func.func @f() { %c = arith.constant 1e+00 : f32 }"))
	if err == nil {
		t.Fatal("mlir-opt accepted an invalid module")
	}
	if !strings.Contains(err.Error(), "custom op 'e' is unknown") {
		t.Errorf("error does not carry mlir-opt's message: %v", err)
	}
}

// threadIDs records which OpenMP thread ran each iteration of a parallel
// loop, and i*i, which must not depend on the threads.
const threadIDs = `func.func private @printMemrefI64(memref<*xi64>)
func.func private @omp_get_thread_num() -> i32
func.func @main() {
  %tid = memref.alloc() : memref<64xi64>
  %sq = memref.alloc() : memref<64xi64>
  affine.parallel (%i) = (0) to (64) {
    %t = func.call @omp_get_thread_num() : () -> i32
    %w = arith.extsi %t : i32 to i64
    affine.store %w, %tid[%i] : memref<64xi64>
    %ii = arith.index_cast %i : index to i64
    %s = arith.muli %ii, %ii : i64
    affine.store %s, %sq[%i] : memref<64xi64>
  }
  %u = memref.cast %tid : memref<64xi64> to memref<*xi64>
  func.call @printMemrefI64(%u) : (memref<*xi64>) -> ()
  %v = memref.cast %sq : memref<64xi64> to memref<*xi64>
  func.call @printMemrefI64(%v) : (memref<*xi64>) -> ()
  memref.dealloc %tid : memref<64xi64>
  memref.dealloc %sq : memref<64xi64>
  func.return
}
`

// TestOpenMPRunsOnThreads lowers an affine.parallel loop with LowerOpenMP
// and runs it with WithOpenMP(n): n distinct threads share its iterations,
// and the results are those of one thread.
func TestOpenMPRunsOnThreads(t *testing.T) {
	Require(t, "mlir-opt", "mlir-cpu-runner", "libomp")
	t.Parallel()
	ctx := context.Background()
	lowered, err := LowerOpenMP(ctx, []byte(threadIDs), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lowered), "omp.wsloop") {
		t.Fatalf("LowerOpenMP made no OpenMP loop:\n%s", lowered)
	}
	var squares string
	for _, threads := range []int{1, 2} {
		out, err := RunMain(ctx, lowered, WithOpenMP(threads))
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(string(out), "Unranked Memref")
		if len(parts) != 3 {
			t.Fatalf("printed %q", out)
		}
		ids := map[string]bool{}
		_, data, _ := strings.Cut(parts[1], "data =")
		for _, f := range strings.FieldsFunc(data, func(r rune) bool { return strings.ContainsRune("[], \n", r) }) {
			ids[f] = true
		}
		if len(ids) != threads {
			t.Errorf("OMP_NUM_THREADS=%d: iterations ran on threads %v", threads, ids)
		}
		_, sq, _ := strings.Cut(parts[2], "data =")
		if squares != "" && sq != squares {
			t.Errorf("OMP_NUM_THREADS=%d changed the results: %q, want %q", threads, sq, squares)
		}
		squares = sq
	}
	if !strings.Contains(squares, "3969]") {
		t.Errorf("squares printed as %q", squares)
	}
}

// TestOpenMPPipeline checks that the OpenMP lowering is the serial one with
// the OpenMP conversion in the order MLIR 19 needs.
func TestOpenMPPipeline(t *testing.T) {
	want := append([]string{"--lower-affine", "--convert-scf-to-openmp", "--canonicalize", "--convert-scf-to-cf", "--convert-openmp-to-llvm"},
		LLVMPipeline[2:]...)
	if strings.Join(OpenMPPipeline, " ") != strings.Join(want, " ") {
		t.Errorf("OpenMPPipeline = %q, want %q", OpenMPPipeline, want)
	}
}
