// Package runtime holds q35c's weight formats and the code around them that
// runs without the compiler: the 3.5-bit ("q35"), INT4 and INT8 grouped
// formats (packing and unpacking, specified in docs/format.md), the
// quantizers that produce them, per-row INT8 activation quantization, and
// plain reference kernels that every executor (the IR interpreter, MLIR
// through mlir-cpu-runner, native code, the LPU simulator) is checked
// against bit for bit.
//
// Weight matrices follow PyTorch's nn.Linear layout: N rows (outputs) of K
// inputs, the reduction dimension K contiguous in memory, quantization
// groups of G consecutive weights along K.
//
// It depends on nothing else of q35c. (Its name shadows the standard
// library's runtime package inside this directory; the standard one is
// imported as goruntime where needed.)
package runtime
