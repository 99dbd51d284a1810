// Package toolchain finds and runs the external LLVM/MLIR 19 tools that q35c
// drives: mlir-opt to lower emitted MLIR to the LLVM dialect and
// mlir-cpu-runner to execute it with MLIR's runner libraries; mlir-translate
// and clang to turn it into native code (see internal/native).
//
// It imports nothing of q35c. Every error from a tool carries the tool's
// standard error, and a missing tool is reported with the Debian packages
// that provide it.
package toolchain
