// Package emit writes q35c IR as textual MLIR that mlir-opt 19 accepts
// unchanged, using only the func, affine, arith and memref dialects, and can
// append an execution harness (a `func @main`) that fills the kernels'
// inputs deterministically, calls them and prints their outputs for
// comparison with the IR interpreter.
//
// It imports only ir and internal/diag; it never runs MLIR tools itself
// (see internal/toolchain).
//
// Emission works around two MLIR 19 limitations: float literals need a
// '.' ("1e+00" is not a float token), and the affine super-vectorizer
// crashes when a vectorized loop's induction variable is used as an
// ordinary SSA value, so such uses go through an identity affine.apply.
package emit
