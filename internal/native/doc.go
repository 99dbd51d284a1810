// Package native builds q35c kernels into native code and runs them.
//
// Every kernel k(P0, P1, ...) gets one C ABI, whichever road built it:
//
//	int32_t k(T0 *P0, uint64_t P0_bytes, T1 *P1, uint64_t P1_bytes, ...);
//
// T is the storage type of the buffer (int8_t, int16_t, int32_t, int64_t,
// float, uint16_t holding f16 bits, uint8_t holding two packed i4 codes per
// byte), const for `in` buffers; Pn_bytes must equal the buffer's
// ir.Buffer.StorageBytes(). The kernel returns 0 on success, and 1 without
// touching any buffer when a size differs. Parallel loops run on OpenMP
// threads (libomp from toolchain.LLVMDir/lib; OMP_NUM_THREADS sets how many).
//
// MLIRObject is the MLIR road: emit's MLIR lowered by mlir-opt, translated
// by mlir-translate and compiled by clang, with a shim giving the C ABI.
// DriverSource generates a C program that runs one kernel on buffers read
// from files (Run) or benchmarks it on random inputs next to a probe of the
// machine's streaming read bandwidth (Bench); Build links it.
//
// It imports ir, emit and internal/toolchain, never passes or frontend:
// what to build is the caller's choice.
package native
