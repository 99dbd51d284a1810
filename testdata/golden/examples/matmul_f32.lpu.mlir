// MLIR emitted by q35c for "examples/matmul_f32.q35"

func.func @matmul_f32(%A: memref<8x64xf32> loc("examples/matmul_f32.q35":9:19), %B: memref<64x32xf32> loc("examples/matmul_f32.q35":9:36), %C: memref<8x32xf32> loc("examples/matmul_f32.q35":9:53)) {
  affine.for %i = 0 to 8 {
    %guard = memref.cast %A : memref<8x64xf32> to memref<8x64xf32> loc("examples/matmul_f32.q35":10:3)
    affine.for %j = 0 to 32 {
      %acc = arith.constant 0.0e+00 : f32 loc("examples/matmul_f32.q35":12:22)
      %acc.2 = affine.for %k = 0 to 64 iter_args(%acc.1 = %acc) -> (f32) {
        %0 = affine.load %A[%i, %k] : memref<8x64xf32> loc("examples/matmul_f32.q35":14:16)
        %1 = affine.load %B[%k, %j] : memref<64x32xf32> loc("examples/matmul_f32.q35":14:26)
        %2 = arith.mulf %0, %1 : f32 loc("examples/matmul_f32.q35":14:24)
        %acc.3 = arith.addf %acc.1, %2 : f32 loc("examples/matmul_f32.q35":14:9)
        affine.yield %acc.3 : f32 loc("examples/matmul_f32.q35":15:7)
      } loc("examples/matmul_f32.q35":13:7)
      affine.store %acc.2, %C[%i, %j] : memref<8x32xf32> loc("examples/matmul_f32.q35":16:7)
    } loc("examples/matmul_f32.q35":11:5)
  } loc("examples/matmul_f32.q35":10:3)
  func.return loc("examples/matmul_f32.q35":9:1)
} loc("examples/matmul_f32.q35":9:1)
