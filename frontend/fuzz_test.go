package frontend

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/q35c/q35c/ir"
)

// FuzzCompile: no input makes the frontend panic, and whatever it accepts
// lowers to IR that verifies and prints deterministically.
func FuzzCompile(f *testing.F) {
	for _, pat := range []string{"../examples/*.q35", "../testdata/kernels/*.q35", "../testdata/errors/*.q35"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, m, diags := Compile("fuzz.q35", src)
		if m == nil {
			if !diags.HasErrors() {
				t.Fatal("no module and no errors")
			}
			return
		}
		if err := ir.Verify(m); err != nil {
			t.Fatalf("accepted program lowers to invalid IR: %v\n%s", err, src)
		}
		if m.String() != m.String() {
			t.Fatal("printing is not deterministic")
		}
	})
}
