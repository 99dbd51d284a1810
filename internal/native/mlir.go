package native

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// CFlags are the clang flags every object and driver is compiled with.
var CFlags = []string{"-O3", "-march=native"}

// MLIRObject compiles mlir, the MLIR of m as emit.MLIR writes it without a
// harness, into the object file obj with the C ABI of every kernel of m.
// mlir-opt lowers it with toolchain.OpenMPPipeline when openmp is set (its
// affine.parallel loops then run on OpenMP threads, and the object needs
// libomp), else with toolchain.LLVMPipeline; mlir-translate turns it into
// LLVM IR, to which a shim per kernel is appended (see shim), and clang
// compiles the whole with CFlags.
func MLIRObject(ctx context.Context, m *ir.Module, mlir []byte, obj string, openmp bool) error {
	text := string(mlir)
	var shims strings.Builder
	for _, f := range m.Funcs {
		var err error
		if text, err = renameFunc(text, f); err != nil {
			return err
		}
		shim(&shims, f)
	}
	lower := toolchain.Lower
	if openmp {
		lower = toolchain.LowerOpenMP
	}
	lowered, err := lower(ctx, []byte(text), nil)
	if err != nil {
		return err
	}
	ll, err := toolchain.Translate(ctx, lowered)
	if err != nil {
		return err
	}
	return compileIR(ctx, append(ll, shims.String()...), obj)
}

// renameFunc renames the func.func of kernel f in text to mlirPrefix+f.Name.
func renameFunc(text string, f *ir.Func) (string, error) {
	if err := checkName(f); err != nil {
		return "", err
	}
	def := regexp.MustCompile(`(?m)^func\.func @` + regexp.QuoteMeta(f.Name) + `\(`)
	if n := len(def.FindAllStringIndex(text, -1)); n != 1 {
		return "", fmt.Errorf("%s: native: the MLIR defines kernel %s %d times, want once", f.Pos, f.Name, n)
	}
	return def.ReplaceAllLiteralString(text, "func.func @"+mlirPrefix+f.Name+"("), nil
}

// compileIR compiles LLVM IR text into the object file obj.
func compileIR(ctx context.Context, ll []byte, obj string) error {
	return withTempFile("kernel.ll", ll, func(src string) error {
		_, err := toolchain.Clang(ctx, append(append([]string{}, CFlags...), "-c", "-x", "ir", src, "-o", obj)...)
		return err
	})
}

// withTempFile writes data to a file called name in a new temporary
// directory, calls fn with its path and removes the directory.
func withTempFile(name string, data []byte, fn func(path string) error) error {
	dir, err := os.MkdirTemp("", "q35c-native-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	return fn(path)
}
