package toolchain

import (
	"os"
	"testing"
)

// RequireEnv is the environment variable that turns a missing tool from a
// skipped test into a failed one (set it in CI, where the tools must exist).
const RequireEnv = "Q35C_REQUIRE_TOOLS"

// Require skips t loudly when one of the named tools (or, for
// "mlir-cpu-runner", its runner libraries; "libomp" names the OpenMP
// runtime) is missing, or fails it when RequireEnv is set to 1.
func Require(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		err := check(name)
		if err == nil {
			continue
		}
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s is required (%s=1): %v", name, RequireEnv, err)
			return
		}
		t.Skipf("SKIP: %s not found; install mlir-19-tools (%s) or put it on PATH; set %s=1 to fail instead of skipping: %v",
			name, InstallHint, RequireEnv, err)
		return
	}
}

func check(name string) error {
	if name == "libomp" {
		_, err := OpenMPLib()
		return err
	}
	if _, err := Find(name); err != nil {
		return err
	}
	if name == "mlir-cpu-runner" {
		_, err := RunnerLibs()
		return err
	}
	return nil
}
