// MLIR emitted by q35c for "examples/matmul_i8_i4.q35"

func.func @matmul_i8_i4(%A: memref<4x256xi8> loc("examples/matmul_i8_i4.q35":15:21), %W: memref<16x128xi8> loc("examples/matmul_i8_i4.q35":15:37), %S: memref<16x2xf32> loc("examples/matmul_i8_i4.q35":15:53), %C: memref<4x16xf32> loc("examples/matmul_i8_i4.q35":15:74)) {
  affine.parallel (%m) = (0) to (4) {
    affine.for %n = 0 to 16 {
      %guard = memref.cast %A : memref<4x256xi8> to memref<4x256xi8> loc("examples/matmul_i8_i4.q35":17:5)
      %sum = arith.constant 0.0e+00 : f32 loc("examples/matmul_i8_i4.q35":18:22)
      %sum.2 = affine.for %g = 0 to 2 iter_args(%sum.1 = %sum) -> (f32) {
        %acc = arith.constant 0 : i32 loc("examples/matmul_i8_i4.q35":20:24)
        %splat = arith.constant dense<0> : vector<16xi32>
        %vacc = affine.for %k = affine_map<(d0) -> (d0 * 128)>(%g) to affine_map<(d0) -> (d0 * 128 + 128)>(%g) step 16 iter_args(%acc.1 = %splat) -> (vector<16xi32>) {
          %0 = affine.vector_load %A[%m, %k] : memref<4x256xi8>, vector<16xi8> loc("examples/matmul_i8_i4.q35":22:19)
          %1 = arith.extsi %0 : vector<16xi8> to vector<16xi32> loc("examples/matmul_i8_i4.q35":22:19)
          %bytes = affine.vector_load %W[%n, %k floordiv 2] : memref<16x128xi8>, vector<8xi8> loc("examples/matmul_i8_i4.q35":22:38)
          %2 = vector.bitcast %bytes : vector<8xi8> to vector<16xi4> loc("examples/matmul_i8_i4.q35":22:38)
          %3 = arith.extsi %2 : vector<16xi4> to vector<16xi32> loc("examples/matmul_i8_i4.q35":22:38)
          %4 = arith.muli %1, %3 : vector<16xi32> loc("examples/matmul_i8_i4.q35":22:35)
          %acc.2 = arith.addi %acc.1, %4 : vector<16xi32> loc("examples/matmul_i8_i4.q35":22:11)
          affine.yield %acc.2 : vector<16xi32> loc("examples/matmul_i8_i4.q35":23:9)
        } loc("examples/matmul_i8_i4.q35":21:9)
        %acc.3 = vector.reduction <add>, %vacc : vector<16xi32> into i32 loc("examples/matmul_i8_i4.q35":21:9)
        %acc.4 = arith.addi %acc, %acc.3 : i32 loc("examples/matmul_i8_i4.q35":21:9)
        %5 = arith.sitofp %acc.4 : i32 to f32 loc("examples/matmul_i8_i4.q35":24:17)
        %6 = affine.load %S[%n, %g] : memref<16x2xf32> loc("examples/matmul_i8_i4.q35":24:31)
        %7 = arith.mulf %5, %6 : f32 loc("examples/matmul_i8_i4.q35":24:29)
        %sum.3 = arith.addf %sum.1, %7 : f32 loc("examples/matmul_i8_i4.q35":24:9)
        affine.yield %sum.3 : f32 loc("examples/matmul_i8_i4.q35":25:7)
      } loc("examples/matmul_i8_i4.q35":19:7)
      affine.store %sum.2, %C[%m, %n] : memref<4x16xf32> loc("examples/matmul_i8_i4.q35":26:7)
    } loc("examples/matmul_i8_i4.q35":17:5)
  } loc("examples/matmul_i8_i4.q35":16:3)
  func.return loc("examples/matmul_i8_i4.q35":15:1)
} loc("examples/matmul_i8_i4.q35":15:1)
