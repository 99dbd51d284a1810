// MLIR emitted by q35c for "testdata/kernels/loops.q35"

func.func @prefix_sum(%A: memref<20xi8> loc("testdata/kernels/loops.q35":5:19), %S: memref<20xi32> loc("testdata/kernels/loops.q35":5:32)) {
  %run = arith.constant 0 : i32 loc("testdata/kernels/loops.q35":6:18)
  %run.2 = affine.for %i = 0 to 20 iter_args(%run.1 = %run) -> (i32) {
    %0 = affine.load %A[%i] : memref<20xi8> loc("testdata/kernels/loops.q35":8:12)
    %1 = arith.extsi %0 : i8 to i32 loc("testdata/kernels/loops.q35":8:12)
    %run.3 = arith.addi %run.1, %1 : i32 loc("testdata/kernels/loops.q35":8:5)
    affine.store %run.3, %S[%i] : memref<20xi32> loc("testdata/kernels/loops.q35":9:5)
    affine.yield %run.3 : i32 loc("testdata/kernels/loops.q35":10:3)
  } loc("testdata/kernels/loops.q35":7:3)
  func.return loc("testdata/kernels/loops.q35":5:1)
} loc("testdata/kernels/loops.q35":5:1)

func.func @triangle(%A: memref<20x20xf32> loc("testdata/kernels/loops.q35":13:17), %T: memref<20xf32> loc("testdata/kernels/loops.q35":13:34)) {
  affine.for %i = 0 to 20 {
    %guard = memref.cast %A : memref<20x20xf32> to memref<20x20xf32> loc("testdata/kernels/loops.q35":14:3)
    %s = arith.constant 0.0e+00 : f32 loc("testdata/kernels/loops.q35":15:18)
    %c = arith.constant 0 : i32 loc("testdata/kernels/loops.q35":16:18)
    %s_c:2 = affine.for %j = affine_map<(d0) -> (d0)>(%i) to 20 iter_args(%s.1 = %s, %c.1 = %c) -> (f32, i32) {
      %0 = affine.load %A[%i, %j] : memref<20x20xf32> loc("testdata/kernels/loops.q35":18:12)
      %s.2 = arith.addf %s.1, %0 : f32 loc("testdata/kernels/loops.q35":18:7)
      %1 = arith.constant 1 : i32 loc("testdata/kernels/loops.q35":19:12)
      %c.2 = arith.addi %c.1, %1 : i32 loc("testdata/kernels/loops.q35":19:7)
      affine.yield %s.2, %c.2 : f32, i32 loc("testdata/kernels/loops.q35":20:5)
    } loc("testdata/kernels/loops.q35":17:5)
    %2 = arith.sitofp %s_c#1 : i32 to f32 loc("testdata/kernels/loops.q35":21:17)
    %3 = arith.addf %s_c#0, %2 : f32 loc("testdata/kernels/loops.q35":21:14)
    affine.store %3, %T[%i] : memref<20xf32> loc("testdata/kernels/loops.q35":21:5)
  } loc("testdata/kernels/loops.q35":14:3)
  func.return loc("testdata/kernels/loops.q35":13:1)
} loc("testdata/kernels/loops.q35":13:1)

func.func @strided(%A: memref<20x4xi16> loc("testdata/kernels/loops.q35":25:16), %O: memref<10x2xi16> loc("testdata/kernels/loops.q35":25:33)) {
  affine.for %i = 0 to 20 step 2 {
    %guard = memref.cast %A : memref<20x4xi16> to memref<20x4xi16> loc("testdata/kernels/loops.q35":26:3)
    affine.for %j = 1 to 4 step 2 {
      %guard.1 = memref.cast %A : memref<20x4xi16> to memref<20x4xi16> loc("testdata/kernels/loops.q35":28:5)
      %0 = affine.load %A[%i, %j] : memref<20x4xi16> loc("testdata/kernels/loops.q35":29:23)
      %1 = affine.load %A[%i + 1, %j - 1] : memref<20x4xi16> loc("testdata/kernels/loops.q35":29:33)
      %2 = arith.muli %0, %1 : i16 loc("testdata/kernels/loops.q35":29:31)
      affine.store %2, %O[%i floordiv 2, %j floordiv 2] : memref<10x2xi16> loc("testdata/kernels/loops.q35":29:7)
    } loc("testdata/kernels/loops.q35":28:5)
  } loc("testdata/kernels/loops.q35":26:3)
  func.return loc("testdata/kernels/loops.q35":25:1)
} loc("testdata/kernels/loops.q35":25:1)
