// Package emit writes q35c IR as textual MLIR that mlir-opt 19 accepts
// unchanged, using only the func, affine, arith and memref dialects, and can
// append an execution harness (a `func.func @main`) that fills the kernels'
// inputs as ir.FillInput does, calls them and prints their outputs for
// comparison with the IR interpreter (see ParseHarnessOutput).
//
// Every kernel op carries its source location. Values are named by
// ir.Namer, buffers after the source. Packed i4 buffers are i8 memrefs
// holding two codes per byte, unpacked with shifts (a raw load, left by the
// unpack pass, reads the byte as is). A function's constant tables
// (ir.Table) are module-level `memref.global "private" constant`s, named
// @<func>.<table> and bound by memref.get_global at the top of the
// function; they are not arguments, and the harness neither fills nor
// prints them (see global.go).
//
// The output is meant to survive the seed pipeline's
// --affine-loop-tile / --affine-super-vectorize: loops the MLIR 19
// super-vectorizer would vectorize wrongly (or crash on) carry a guard
// that keeps it away (see vecguard.go).
//
// It imports only ir and internal/diag; it never runs MLIR tools itself
// (see internal/toolchain).
package emit
