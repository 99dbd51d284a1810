// Package ir is q35c's intermediate representation: a module of functions
// over statically shaped buffers, whose bodies are affine loop nests close to
// MLIR's affine + arith + memref model.
//
// Values are in SSA form. Loops (OpFor) carry values through iterations as
// iteration arguments, like affine.for's iter_args; loads and stores index
// buffers through affine expressions of enclosing induction variables, or,
// for gathers, through integer values. Every op keeps the source position it
// came from.
//
// The package provides a builder, a verifier (run after every
// transformation), a deterministic text printer and an interpreter that is
// the reference semantics every other executor is compared against, bit for
// bit. It imports only internal/diag; the frontend produces it, passes
// transform it and emitters consume it, and none of those may be imported
// here.
package ir
