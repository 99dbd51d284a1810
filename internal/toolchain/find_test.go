package toolchain

import (
	"strings"
	"testing"
)

func TestFindMissingToolSaysWhatToInstall(t *testing.T) {
	_, err := Find("q35c-no-such-tool")
	if err == nil {
		t.Fatal("Find of a missing tool succeeded")
	}
	if !strings.Contains(err.Error(), "apt-get install mlir-19-tools") {
		t.Errorf("error does not say what to install: %v", err)
	}
}

func TestFindMLIRTools(t *testing.T) {
	Require(t, "mlir-opt", "mlir-cpu-runner")
	for _, name := range []string{"mlir-opt", "mlir-cpu-runner"} {
		p, err := Find(name)
		if err != nil || !strings.Contains(p, name) {
			t.Errorf("Find(%q) = %q, %v", name, p, err)
		}
	}
	libs, err := RunnerLibs()
	if err != nil || len(libs) != 2 {
		t.Fatalf("RunnerLibs() = %q, %v", libs, err)
	}
	for i, want := range []string{"libmlir_runner_utils", "libmlir_c_runner_utils"} {
		if !strings.Contains(libs[i], want) {
			t.Errorf("RunnerLibs()[%d] = %q, want %s", i, libs[i], want)
		}
	}
}
