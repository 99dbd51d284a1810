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
