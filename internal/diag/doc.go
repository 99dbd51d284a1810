// Package diag owns source files, positions and diagnostics for the whole
// compiler. It is a leaf: it imports nothing of q35c, so the frontend, the IR,
// the passes and the emitters can all report errors at the user's line.
//
// A Pos is a file plus a byte offset; line and column are computed only when
// a diagnostic is printed. A Diagnostic is a value; rendering it (the
// "file:line:col: error: msg" line, the source line and a caret under the
// span) is separate, so tests can compare the rendered text exactly.
package diag
