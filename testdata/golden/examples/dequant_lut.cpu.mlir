// MLIR emitted by q35c for "examples/dequant_lut.q35"

func.func @dequant_lut(%Q: memref<16x32xi8> loc("examples/dequant_lut.q35":10:20), %LUT: memref<16xf32> loc("examples/dequant_lut.q35":10:36), %S: memref<16x2xf32> loc("examples/dequant_lut.q35":10:53), %W: memref<16x64xf32> loc("examples/dequant_lut.q35":10:74)) {
  affine.parallel (%n) = (0) to (16) {
    affine.for %k = 0 to 64 step 16 {
      %bytes = affine.vector_load %Q[%n, %k floordiv 2] : memref<16x32xi8>, vector<8xi8> loc("examples/dequant_lut.q35":13:22)
      %0 = vector.bitcast %bytes : vector<8xi8> to vector<16xi4> loc("examples/dequant_lut.q35":13:22)
      %1 = arith.index_cast %0 : vector<16xi4> to vector<16xindex> loc("examples/dequant_lut.q35":13:22)
      %2 = arith.constant 8 : index loc("examples/dequant_lut.q35":13:42)
      %bcast = vector.broadcast %2 : index to vector<16xindex> loc("examples/dequant_lut.q35":13:40)
      %3 = arith.addi %1, %bcast : vector<16xindex> loc("examples/dequant_lut.q35":13:40)
      %c0 = arith.constant 0 : index loc("examples/dequant_lut.q35":13:17)
      %all = arith.constant dense<true> : vector<16xi1> loc("examples/dequant_lut.q35":13:17)
      %pass = arith.constant dense<0.0> : vector<16xf32> loc("examples/dequant_lut.q35":13:17)
      %4 = vector.gather %LUT[%c0][%3], %all, %pass : memref<16xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32> loc("examples/dequant_lut.q35":13:17)
      %5 = affine.load %S[%n, %k floordiv 32] : memref<16x2xf32> loc("examples/dequant_lut.q35":13:47)
      %bcast.1 = vector.broadcast %5 : f32 to vector<16xf32> loc("examples/dequant_lut.q35":13:45)
      %6 = arith.mulf %4, %bcast.1 : vector<16xf32> loc("examples/dequant_lut.q35":13:45)
      affine.vector_store %6, %W[%n, %k] : memref<16x64xf32>, vector<16xf32> loc("examples/dequant_lut.q35":13:7)
    } loc("examples/dequant_lut.q35":12:5)
  } loc("examples/dequant_lut.q35":11:3)
  func.return loc("examples/dequant_lut.q35":10:1)
} loc("examples/dequant_lut.q35":10:1)
