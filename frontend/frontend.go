package frontend

import (
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// Compile parses, checks and lowers one source file. It returns the AST
// (nil after a syntax error), the IR module (nil when there are errors) and
// the sorted diagnostics.
func Compile(name string, src []byte) (*File, *ir.Module, *diag.List) {
	diags := &diag.List{}
	file := diag.NewFile(name, src)
	ast := Parse(file, diags)
	if ast == nil {
		return nil, nil, diags
	}
	Check(ast, diags)
	diags.Sort()
	if diags.HasErrors() {
		return ast, nil, diags
	}
	return ast, Lower(ast), diags
}
