package native

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// mlirPrefix renames each kernel's MLIR function, so that the symbol with
// the kernel's own name is the C ABI shim that calls it.
const mlirPrefix = "q35c_mlir_"

// checkName reports an error unless f's name is a C identifier that clashes
// neither with the driver (main, q35c_*) nor with the renamed MLIR functions.
func checkName(f *ir.Func) error {
	ok := f.Name != "" && f.Name != "main" && !strings.HasPrefix(f.Name, "q35c_")
	for i, c := range f.Name {
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		ok = ok && (letter || i > 0 && c >= '0' && c <= '9')
	}
	if !ok {
		return fmt.Errorf("%s: native: kernel name %q is not a C identifier free for the native ABI (not main, not q35c_*)", f.Pos, f.Name)
	}
	return nil
}

// cType is the C type of one storage element of b.
func cType(b *ir.Buffer) string {
	switch _, st := ir.StorageElem(b.Elem); st {
	case ir.I8:
		if b.Elem == ir.I4 {
			return "uint8_t"
		}
		return "int8_t"
	case ir.I16:
		return "int16_t"
	case ir.I32:
		return "int32_t"
	case ir.I64:
		return "int64_t"
	case ir.F16:
		return "uint16_t"
	}
	return "float"
}

// prototype spells f's C ABI declaration, without parameter names.
func prototype(f *ir.Func) string {
	var args []string
	for _, b := range f.Params {
		c := cType(b) + " *"
		if b.Kind == ir.In {
			c = "const " + c
		}
		args = append(args, c, "uint64_t")
	}
	if len(args) == 0 {
		args = []string{"void"}
	}
	return fmt.Sprintf("int32_t %s(%s)", f.Name, strings.Join(args, ", "))
}

// storageShape is the shape of b's MLIR memref: packed i4 buffers hold
// bytes, two codes each along the last dimension (as emit declares them).
func storageShape(b *ir.Buffer) []int64 {
	shape := append([]int64(nil), b.Shape...)
	if packed, _ := ir.StorageElem(b.Elem); packed && len(shape) > 0 {
		shape[len(shape)-1] /= 2
	}
	return shape
}

// descriptor spells the LLVM arguments that pass pointer p as b's memref
// to a func.func lowered by MLIR 19's --convert-func-to-llvm: the expanded
// descriptor of memref<d0 x ... x T>, that is allocated pointer, aligned
// pointer, offset, then the sizes and the (row-major) strides, each i64.
func descriptor(b *ir.Buffer, p string) []string {
	shape := storageShape(b)
	args := []string{"ptr " + p, "ptr " + p, "i64 0"}
	for _, d := range shape {
		args = append(args, fmt.Sprintf("i64 %d", d))
	}
	strides := make([]string, len(shape))
	stride := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = fmt.Sprintf("i64 %d", stride)
		stride *= shape[i]
	}
	return append(args, strides...)
}

// shim writes, in LLVM IR, the C ABI function of f: it checks every byte
// size and calls the MLIR function (renamed mlirPrefix+f.Name) with the
// memref descriptors of its buffers.
func shim(w *strings.Builder, f *ir.Func) {
	var params, call []string
	fmt.Fprintf(w, "\ndefine i32 @%s(", f.Name)
	for i, b := range f.Params {
		params = append(params, fmt.Sprintf("ptr %%p%d, i64 %%n%d", i, i))
		call = append(call, descriptor(b, fmt.Sprintf("%%p%d", i))...)
	}
	fmt.Fprintf(w, "%s) {\nentry:\n", strings.Join(params, ", "))
	bad := "false"
	for i, b := range f.Params {
		fmt.Fprintf(w, "  %%ne%d = icmp ne i64 %%n%d, %d\n", i, i, b.StorageBytes())
		fmt.Fprintf(w, "  %%bad%d = or i1 %s, %%ne%d\n", i, bad, i)
		bad = fmt.Sprintf("%%bad%d", i)
	}
	fmt.Fprintf(w, "  br i1 %s, label %%wrong_size, label %%call\nwrong_size:\n  ret i32 1\n", bad)
	fmt.Fprintf(w, "call:\n  call void @%s%s(%s)\n  ret i32 0\n}\n", mlirPrefix, f.Name, strings.Join(call, ", "))
}
