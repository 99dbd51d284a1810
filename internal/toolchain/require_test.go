package toolchain

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a test, recording Skipf and Fatalf.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }

func TestRequireSkipsLoudly(t *testing.T) {
	t.Setenv(RequireEnv, "")
	r := &recorder{TB: t}
	Require(r, "q35c-no-such-tool")
	if !strings.HasPrefix(r.skipped, "SKIP: q35c-no-such-tool not found; install mlir-19-tools") || r.failed != "" {
		t.Errorf("skipped %q, failed %q", r.skipped, r.failed)
	}
	if !strings.Contains(r.skipped, RequireEnv+"=1") {
		t.Errorf("skip message does not say how to make it a failure: %q", r.skipped)
	}
}

func TestRequireFailsWhenRequired(t *testing.T) {
	t.Setenv(RequireEnv, "1")
	r := &recorder{TB: t}
	Require(r, "q35c-no-such-tool")
	if r.failed == "" || r.skipped != "" {
		t.Errorf("skipped %q, failed %q", r.skipped, r.failed)
	}
}
