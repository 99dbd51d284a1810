// Package frontend reads .q35 kernel files: it lexes and parses them with
// participle into a parse tree, builds the AST, checks names, types, shapes
// and bounds (reporting positioned diagnostics through internal/diag), and
// lowers a checked AST to the IR of package ir.
//
// The pipeline is Parse (syntax) → Check (semantics; annotates the AST with
// types) → Lower (IR). Compile runs all three. The frontend imports ir and
// internal/diag only; nothing in ir, passes or emit may import it.
//
// The language is documented in docs/language.md.
package frontend
