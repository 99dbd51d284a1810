// MLIR emitted by q35c for "examples/matmul_i8_i4.q35"

func.func @matmul_i8_i4(%A: memref<4x256xi8> loc("examples/matmul_i8_i4.q35":15:21), %W: memref<16x128xi8> loc("examples/matmul_i8_i4.q35":15:37), %S: memref<16x2xf32> loc("examples/matmul_i8_i4.q35":15:53), %C: memref<4x16xf32> loc("examples/matmul_i8_i4.q35":15:74)) {
  affine.for %m = 0 to 4 {
    %guard = memref.cast %A : memref<4x256xi8> to memref<4x256xi8> loc("examples/matmul_i8_i4.q35":16:3)
    affine.for %n = 0 to 16 {
      %guard.1 = memref.cast %A : memref<4x256xi8> to memref<4x256xi8> loc("examples/matmul_i8_i4.q35":17:5)
      %sum = arith.constant 0.0e+00 : f32 loc("examples/matmul_i8_i4.q35":18:22)
      %sum.2 = affine.for %g = 0 to 2 iter_args(%sum.1 = %sum) -> (f32) {
        %acc = arith.constant 0 : i32 loc("examples/matmul_i8_i4.q35":20:24)
        %acc.2 = affine.for %k = affine_map<(d0) -> (d0 * 128)>(%g) to affine_map<(d0) -> (d0 * 128 + 128)>(%g) iter_args(%acc.1 = %acc) -> (i32) {
          %0 = affine.load %A[%m, %k] : memref<4x256xi8> loc("examples/matmul_i8_i4.q35":22:19)
          %1 = arith.extsi %0 : i8 to i32 loc("examples/matmul_i8_i4.q35":22:19)
          %2 = affine.apply affine_map<(d0) -> (d0 mod 2 * -4 + 4)>(%k) loc("examples/matmul_i8_i4.q35":22:38)
          %shift = arith.index_cast %2 : index to i8 loc("examples/matmul_i8_i4.q35":22:38)
          %byte = affine.load %W[%n, %k floordiv 2] : memref<16x128xi8> loc("examples/matmul_i8_i4.q35":22:38)
          %3 = arith.shli %byte, %shift : i8 loc("examples/matmul_i8_i4.q35":22:38)
          %4 = arith.constant 4 : i8 loc("examples/matmul_i8_i4.q35":22:38)
          %5 = arith.shrsi %3, %4 : i8 loc("examples/matmul_i8_i4.q35":22:38)
          %6 = arith.trunci %5 : i8 to i4 loc("examples/matmul_i8_i4.q35":22:38)
          %7 = arith.extsi %6 : i4 to i32 loc("examples/matmul_i8_i4.q35":22:38)
          %8 = arith.muli %1, %7 : i32 loc("examples/matmul_i8_i4.q35":22:35)
          %acc.3 = arith.addi %acc.1, %8 : i32 loc("examples/matmul_i8_i4.q35":22:11)
          affine.yield %acc.3 : i32 loc("examples/matmul_i8_i4.q35":23:9)
        } loc("examples/matmul_i8_i4.q35":21:9)
        %9 = arith.sitofp %acc.2 : i32 to f32 loc("examples/matmul_i8_i4.q35":24:17)
        %10 = affine.load %S[%n, %g] : memref<16x2xf32> loc("examples/matmul_i8_i4.q35":24:31)
        %11 = arith.mulf %9, %10 : f32 loc("examples/matmul_i8_i4.q35":24:29)
        %sum.3 = arith.addf %sum.1, %11 : f32 loc("examples/matmul_i8_i4.q35":24:9)
        affine.yield %sum.3 : f32 loc("examples/matmul_i8_i4.q35":25:7)
      } loc("examples/matmul_i8_i4.q35":19:7)
      affine.store %sum.2, %C[%m, %n] : memref<4x16xf32> loc("examples/matmul_i8_i4.q35":26:7)
    } loc("examples/matmul_i8_i4.q35":17:5)
  } loc("examples/matmul_i8_i4.q35":16:3)
  func.return loc("examples/matmul_i8_i4.q35":15:1)
} loc("examples/matmul_i8_i4.q35":15:1)
