// Package tensorio reads and writes the tensor files q35c quantizes:
// safetensors (F32, F16, BF16 and the other standard dtypes) and NumPy .npy
// ('<f4', '<f2'). Input files are memory-mapped, so a 140 GB model is read
// tensor by tensor: a tensor's Data is a view of the mapping, and Release
// hands its pages back, which keeps the resident memory to about the
// tensor being worked on. Output is streamed by Writer: the header first,
// then each tensor's bytes as they are produced.
//
// Every malformed input (a truncated file, an absurd header length, tensor
// data out of range, overlapping or of the wrong size for its shape, an
// unsupported dtype or .npy layout) is an error naming the file and what is
// wrong with it, never a panic; FuzzReadSafetensors holds the parser to that.
//
// The package only moves bytes: it does not convert dtypes or quantize (the
// runtime package does). It depends on nothing else of q35c.
//
// # Quantized safetensors written by q35c quantize
//
// A weight tensor NAME of shape [N, K] (PyTorch's nn.Linear layout: N
// outputs, K inputs contiguous) quantized with group size G along K
// becomes these tensors, each row-major, row n of every one describing row
// n of the weight matrix:
//
//	scheme q35:  NAME.codes       U8  [N, K/16*7]  16-weight blocks of 7 bytes (runtime.Q35)
//	             NAME.scale_even  F32 [N, K/G]     scale of the 4-bit (even k) codes of each group
//	             NAME.scale_odd   F32 [N, K/G]     scale of the 3-bit (odd k) codes of each group
//	scheme int4: NAME.codes       U8  [N, K/2]     two signed 4-bit codes a byte, even k in the low nibble (runtime.Int4)
//	             NAME.scales      F32 [N, K/G]
//	scheme int8: NAME.codes       I8  [N, K]       (runtime.Int8)
//	             NAME.scales      F32 [N, K/G]
//
// Weight (n, k) dequantizes to scale × code, the scale being that of group
// k/G in row n (for q35, scale_even or scale_odd by the parity of k). Every
// other tensor is copied unchanged. The header's __metadata__ keeps the
// input's entries and adds "q35c.scheme" (q35, int4 or int8), "q35c.group"
// (G in decimal) and "q35c.layout" (the table above in one line, and where
// the codes' bit layout is specified), so any safetensors reader can load
// the file and tell how to decode it.
package tensorio
