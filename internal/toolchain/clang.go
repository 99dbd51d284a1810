package toolchain

import (
	"context"
	"strings"
)

// NativeTools are the tools that turn lowered MLIR into native code:
// mlir-translate (LLVM dialect → LLVM IR), clang (LLVM IR and C → objects
// and executables), and opt and llc for looking at what clang does. Find
// looks each up as name, name-19 or LLVMDir/bin/name.
var NativeTools = []string{"mlir-translate", "clang", "opt", "llc"}

// ClangInstallHint says which package provides clang.
const ClangInstallHint = "apt-get install clang-19"

// installHint returns the packages to install for the tool called name.
func installHint(name string) string {
	if strings.HasPrefix(name, "clang") {
		return ClangInstallHint
	}
	return InstallHint
}

// Translate runs `mlir-translate --mlir-to-llvmir` over a module lowered to
// the LLVM dialect (by Lower or LowerOpenMP) and returns its LLVM IR.
func Translate(ctx context.Context, lowered []byte) ([]byte, error) {
	return run(ctx, "mlir-translate", []string{"--mlir-to-llvmir"}, lowered)
}

// Clang runs clang with args and returns its standard output; a failure
// carries the command line and clang's standard error.
func Clang(ctx context.Context, args ...string) ([]byte, error) {
	return run(ctx, "clang", args, nil)
}
