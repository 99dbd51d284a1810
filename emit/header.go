package emit

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/q35c/q35c/ir"
)

// Header writes a C header declaring m's kernels with the C ABI of LLVM
// (and of the MLIR road's shim): each buffer as a pointer to its storage
// type followed by its size in bytes; a kernel returns 0, or 1 without
// writing anything when a size differs. Macros give each buffer's byte
// size and shape, so callers allocate exactly what the kernel checks.
func Header(m *ir.Module) ([]byte, error) {
	if err := CheckCNames(m); err != nil {
		return nil, err
	}
	var b strings.Builder
	guard := "Q35C_" + cIdent(strings.ToUpper(filepath.Base(m.Name))) + "_H"
	fmt.Fprintf(&b, "/* C declarations of the kernels q35c compiled from %q. */\n", filepath.Base(m.Name))
	fmt.Fprintf(&b, "#ifndef %s\n#define %s\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n", guard, guard)
	for _, f := range m.Funcs {
		upper := strings.ToUpper(f.Name)
		fmt.Fprintf(&b, "\n/* %s */\n", f.Name)
		var params []string
		for _, p := range f.Params {
			ct, err := cType(p)
			if err != nil {
				return nil, err
			}
			name := strings.ToUpper(p.Name)
			dims := make([]string, len(p.Shape))
			for i, d := range p.Shape {
				dims[i] = fmt.Sprint(d)
			}
			fmt.Fprintf(&b, "#define %s_%s_BYTES %dull /* %s %s[%s] */\n", upper, name, p.StorageBytes(), p.Kind, p.Elem, strings.Join(dims, ", "))
			if p.Kind == ir.In {
				ct = "const " + ct
			}
			params = append(params, fmt.Sprintf("%s *%s, uint64_t %s_bytes", ct, p.Name, p.Name))
		}
		fmt.Fprintf(&b, "int32_t %s(%s);\n", f.Name, strings.Join(params, ", "))
	}
	b.WriteString("\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n")
	return []byte(b.String()), nil
}

// cType is the C type of a buffer's storage elements.
func cType(b *ir.Buffer) (string, error) {
	packed, elem := ir.StorageElem(b.Elem)
	switch {
	case packed:
		return "uint8_t", nil
	case elem == ir.F32:
		return "float", nil
	case elem == ir.F16:
		return "uint16_t", nil // IEEE binary16 bits
	case elem.IsInt():
		return fmt.Sprintf("int%d_t", elem.Bits), nil
	}
	return "", fmt.Errorf("%s: emit header: no C type for %s", b.Pos, b.Elem)
}

// cIdent replaces what C identifiers cannot hold with '_'.
func cIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
