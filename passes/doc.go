// Package passes holds q35c's pass manager and the transformations and
// analyses that run on the IR between the frontend and the emitters.
//
// Every pass is one entry of one table (table.go): a name, a one-line
// summary, its options with types, defaults and docs, and a function over
// one *ir.Func. A pipeline is a string in mlir-opt's form,
// "canonicalize,tile{sizes=32,64}", parsed against that table; presets
// name the default pipeline of each target. The manager runs a pipeline
// function by function, verifies the IR after every pass, can print the IR
// after any pass and time each pass, and turns a panic inside a pass into
// an internal error naming the pass and the kernel's source position.
//
// The package imports only ir and internal/diag: it must not depend on the
// frontend, the emitters or the command line.
package passes
