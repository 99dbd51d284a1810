// MLIR emitted by q35c for "testdata/passes/tiling.q35"

func.func @partial(%A: memref<10x7xf32> loc("testdata/passes/tiling.q35":8:16), %B: memref<10x7xf32> loc("testdata/passes/tiling.q35":8:33), %C: memref<10x7xf32> loc("testdata/passes/tiling.q35":8:50)) {
  affine.parallel (%i) = (0) to (10) {
    affine.for %j = 0 to 7 {
      %guard = memref.cast %A : memref<10x7xf32> to memref<10x7xf32> loc("testdata/passes/tiling.q35":10:5)
      %0 = affine.load %A[%i, %j] : memref<10x7xf32> loc("testdata/passes/tiling.q35":11:17)
      %1 = affine.load %B[%i, %j] : memref<10x7xf32> loc("testdata/passes/tiling.q35":11:27)
      %2 = arith.mulf %0, %1 : f32 loc("testdata/passes/tiling.q35":11:25)
      %3 = arith.constant 1.0e+00 : f32 loc("testdata/passes/tiling.q35":11:37)
      %4 = arith.addf %2, %3 : f32 loc("testdata/passes/tiling.q35":11:35)
      affine.store %4, %C[%i, %j] : memref<10x7xf32> loc("testdata/passes/tiling.q35":11:7)
    } loc("testdata/passes/tiling.q35":10:5)
  } loc("testdata/passes/tiling.q35":9:3)
  func.return loc("testdata/passes/tiling.q35":8:1)
} loc("testdata/passes/tiling.q35":8:1)

func.func @band_sum(%A: memref<10x7xf32> loc("testdata/passes/tiling.q35":16:17), %S: memref<1xf32> loc("testdata/passes/tiling.q35":16:34)) {
  %s = arith.constant 0.0e+00 : f32 loc("testdata/passes/tiling.q35":17:16)
  %s.2 = affine.for %i = 0 to 10 iter_args(%s.1 = %s) -> (f32) {
    %s.4 = affine.for %j = 0 to 7 iter_args(%s.3 = %s.1) -> (f32) {
      %0 = affine.load %A[%i, %j] : memref<10x7xf32> loc("testdata/passes/tiling.q35":20:12)
      %s.5 = arith.addf %s.3, %0 : f32 loc("testdata/passes/tiling.q35":20:7)
      affine.yield %s.5 : f32 loc("testdata/passes/tiling.q35":21:5)
    } loc("testdata/passes/tiling.q35":19:5)
    affine.yield %s.4 : f32 loc("testdata/passes/tiling.q35":22:3)
  } loc("testdata/passes/tiling.q35":18:3)
  affine.store %s.2, %S[0] : memref<1xf32> loc("testdata/passes/tiling.q35":23:3)
  func.return loc("testdata/passes/tiling.q35":16:1)
} loc("testdata/passes/tiling.q35":16:1)

func.func @last_row(%A: memref<10x7xf32> loc("testdata/passes/tiling.q35":26:17), %O: memref<7xf32> loc("testdata/passes/tiling.q35":26:34)) {
  affine.for %i = 0 to 10 {
    %guard = memref.cast %A : memref<10x7xf32> to memref<10x7xf32> loc("testdata/passes/tiling.q35":27:3)
    affine.parallel (%j) = (0) to (7) {
      %0 = affine.load %A[%i, %j] : memref<10x7xf32> loc("testdata/passes/tiling.q35":29:14)
      affine.store %0, %O[%j] : memref<7xf32> loc("testdata/passes/tiling.q35":29:7)
    } loc("testdata/passes/tiling.q35":28:5)
  } loc("testdata/passes/tiling.q35":27:3)
  func.return loc("testdata/passes/tiling.q35":26:1)
} loc("testdata/passes/tiling.q35":26:1)

func.func @one_row(%A: memref<1x16xi32> loc("testdata/passes/tiling.q35":34:16), %G: memref<15xi32> loc("testdata/passes/tiling.q35":34:34), %O: memref<1x16xi32> loc("testdata/passes/tiling.q35":34:56)) {
  affine.parallel (%k) = (0) to (16) step (4) {
    %0 = affine.load %A[0, %k] : memref<1x16xi32> loc("testdata/passes/tiling.q35":38:19)
    affine.store %0, %O[0, %k] : memref<1x16xi32> loc("testdata/passes/tiling.q35":38:9)
    affine.for %j = 0 to 7 {
      %guard = memref.cast %A : memref<1x16xi32> to memref<1x16xi32> loc("testdata/passes/tiling.q35":40:7)
      %1 = affine.load %G[%j * 2 + 1] : memref<15xi32> loc("testdata/passes/tiling.q35":41:31)
      affine.store %1, %O[0, %k + 1 + %j mod 3] : memref<1x16xi32> loc("testdata/passes/tiling.q35":41:9)
    } loc("testdata/passes/tiling.q35":40:7)
  } loc("testdata/passes/tiling.q35":36:5)
  func.return loc("testdata/passes/tiling.q35":34:1)
} loc("testdata/passes/tiling.q35":34:1)

func.func @shifts(%G: memref<16xi32> loc("testdata/passes/tiling.q35":47:15), %O: memref<8xi32> loc("testdata/passes/tiling.q35":47:30)) {
  affine.parallel (%j) = (0) to (8) {
    %0 = affine.load %G[%j floordiv 2 + %j mod 4 * 2] : memref<16xi32> loc("testdata/passes/tiling.q35":49:12)
    affine.store %0, %O[%j] : memref<8xi32> loc("testdata/passes/tiling.q35":49:5)
  } loc("testdata/passes/tiling.q35":48:3)
  func.return loc("testdata/passes/tiling.q35":47:1)
} loc("testdata/passes/tiling.q35":47:1)
