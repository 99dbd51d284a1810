// MLIR emitted by q35c for "examples/dequant_lut.q35"

func.func @dequant_lut(%Q: memref<16x32xi8> loc("examples/dequant_lut.q35":10:20), %LUT: memref<16xf32> loc("examples/dequant_lut.q35":10:36), %S: memref<16x2xf32> loc("examples/dequant_lut.q35":10:53), %W: memref<16x64xf32> loc("examples/dequant_lut.q35":10:74)) {
  affine.for %n = 0 to 16 {
    %guard = memref.cast %Q : memref<16x32xi8> to memref<16x32xi8> loc("examples/dequant_lut.q35":11:3)
    affine.for %k = 0 to 64 {
      %guard.1 = memref.cast %Q : memref<16x32xi8> to memref<16x32xi8> loc("examples/dequant_lut.q35":12:5)
      %0 = affine.apply affine_map<(d0) -> (d0 mod 2 * -4 + 4)>(%k) loc("examples/dequant_lut.q35":13:22)
      %shift = arith.index_cast %0 : index to i8 loc("examples/dequant_lut.q35":13:22)
      %byte = affine.load %Q[%n, %k floordiv 2] : memref<16x32xi8> loc("examples/dequant_lut.q35":13:22)
      %1 = arith.shli %byte, %shift : i8 loc("examples/dequant_lut.q35":13:22)
      %2 = arith.constant 4 : i8 loc("examples/dequant_lut.q35":13:22)
      %3 = arith.shrsi %1, %2 : i8 loc("examples/dequant_lut.q35":13:22)
      %4 = arith.trunci %3 : i8 to i4 loc("examples/dequant_lut.q35":13:22)
      %5 = arith.index_cast %4 : i4 to index loc("examples/dequant_lut.q35":13:22)
      %6 = arith.constant 8 : index loc("examples/dequant_lut.q35":13:42)
      %7 = arith.addi %5, %6 : index loc("examples/dequant_lut.q35":13:40)
      %8 = memref.load %LUT[%7] : memref<16xf32> loc("examples/dequant_lut.q35":13:17)
      %9 = affine.load %S[%n, %k floordiv 32] : memref<16x2xf32> loc("examples/dequant_lut.q35":13:47)
      %10 = arith.mulf %8, %9 : f32 loc("examples/dequant_lut.q35":13:45)
      affine.store %10, %W[%n, %k] : memref<16x64xf32> loc("examples/dequant_lut.q35":13:7)
    } loc("examples/dequant_lut.q35":12:5)
  } loc("examples/dequant_lut.q35":11:3)
  func.return loc("examples/dequant_lut.q35":10:1)
} loc("examples/dequant_lut.q35":10:1)
