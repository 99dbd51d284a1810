package toolchain

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// LLVMDir is where Debian's llvm-19 and mlir-19-tools packages install
// their binaries and libraries; it is not on PATH by default.
const LLVMDir = "/usr/lib/llvm-19"

// InstallHint says which packages provide the tools and libraries.
const InstallHint = "apt-get install mlir-19-tools libmlir-19 llvm-19"

// Find returns the path of the tool called name: name or name-19 on PATH,
// else LLVMDir/bin/name.
func Find(name string) (string, error) {
	for _, n := range []string{name, name + "-19"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	p := filepath.Join(LLVMDir, "bin", name)
	if isExecutable(p) {
		return p, nil
	}
	return "", fmt.Errorf("%s not found on PATH (as %s or %s-19) nor in %s; install it with `%s`",
		name, name, name, filepath.Dir(p), installHint(name))
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// runnerLibNames are the shared libraries mlir-cpu-runner needs for the
// harness's print functions, in the order they are passed.
var runnerLibNames = []string{"libmlir_runner_utils", "libmlir_c_runner_utils"}

// RunnerLibs returns the paths of libmlir_runner_utils and
// libmlir_c_runner_utils (versioned .so.19.1 or plain .so) in LLVMDir/lib.
func RunnerLibs() ([]string, error) {
	var libs []string
	for _, name := range runnerLibNames {
		p, err := findLib(name)
		if err != nil {
			return nil, err
		}
		libs = append(libs, p)
	}
	return libs, nil
}

// OpenMPInstallHint says which package provides the OpenMP runtime.
const OpenMPInstallHint = "apt-get install libomp-19-dev"

// OpenMPLib returns the path of LLVM's OpenMP runtime, LLVMDir/lib/libomp.so,
// which code lowered by LowerOpenMP calls (__kmpc_fork_call, ...).
func OpenMPLib() (string, error) {
	p := filepath.Join(LLVMDir, "lib", "libomp.so")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("libomp.so not found in " + filepath.Dir(p) + "; install it with `" + OpenMPInstallHint + "`")
	}
	return p, nil
}

func findLib(name string) (string, error) {
	dir := filepath.Join(LLVMDir, "lib")
	for _, suffix := range []string{".so.19.1", ".so"} {
		p := filepath.Join(dir, name+suffix)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New(name + ".so.19.1 not found in " + dir + "; install it with `" + InstallHint + "`")
}
