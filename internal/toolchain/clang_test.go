package toolchain

import (
	"context"
	"strings"
	"testing"
)

func TestFindMissingClangSaysClang(t *testing.T) {
	_, err := Find("clang-q35c-missing")
	if err == nil || !strings.Contains(err.Error(), ClangInstallHint) {
		t.Errorf("Find of a missing clang: %v, want the hint %q", err, ClangInstallHint)
	}
}

func TestTranslateAndClang(t *testing.T) {
	Require(t, "mlir-opt", "mlir-translate", "clang")
	t.Parallel()
	ctx := context.Background()
	lowered, err := Lower(ctx, []byte("func.func @seven() -> i32 {\n  %c = arith.constant 7 : i32\n  func.return %c : i32\n}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ll, err := Translate(ctx, lowered)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ll), "define i32 @seven()") {
		t.Errorf("mlir-translate gave\n%s", ll)
	}
	if _, err := Clang(ctx, "-x", "c", "/dev/null", "-fsyntax-only", "-q35c-no-such-flag"); err == nil ||
		!strings.Contains(err.Error(), "q35c-no-such-flag") {
		t.Errorf("a clang error does not carry clang's message: %v", err)
	}
}
