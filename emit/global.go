package emit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/q35c/q35c/ir"
)

// A function's constant tables (ir.Table) become module-level constant
// memref.globals, named @<func>.<table> so that kernels never share one,
// and each is bound once at the top of the function by memref.get_global
// to the name loads spell (%<table>), as a parameter's argument would be.
// They are not arguments: the harness passes and fills only parameters.

// globals writes the memref.global of each of f's tables before f.
func (e *emitter) globals(f *ir.Func) error {
	for _, t := range f.Tables {
		b := t.Buf
		if !isSuffixID(b.Name) || !isBareID(globalName(f, t)) {
			return fmt.Errorf("%s: emit: table name %q is not an MLIR identifier", f.Pos, b.Name)
		}
		t2, err := memRefType(b)
		if err != nil {
			return err
		}
		vals := make([]string, len(t.Data))
		for i, x := range t.Data {
			vals[i] = strconv.FormatInt(x, 10)
		}
		fmt.Fprintf(e.buf, "memref.global \"private\" constant @%s : %s = dense<[%s]>%s\n\n", globalName(f, t), t2, strings.Join(vals, ", "), loc(f.Pos))
	}
	return nil
}

// getGlobals binds each table's name inside f.
func (e *emitter) getGlobals(f *ir.Func) {
	for _, t := range f.Tables {
		e.n.Reserve("%" + t.Buf.Name)
		t2, _ := memRefType(t.Buf) // checked by globals
		e.line(f.Pos, "%%%s = memref.get_global @%s : %s", t.Buf.Name, globalName(f, t), t2)
	}
}

func globalName(f *ir.Func, t *ir.Table) string { return f.Name + "." + t.Buf.Name }
