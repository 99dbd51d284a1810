package frontend

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzFormat: no input makes Format panic; whatever parses formats to a
// fixed point, and whatever compiles formats to a program with the same IR
// (checkFormat). Seeded with every source of the format corpus.
func FuzzFormat(f *testing.F) {
	for _, pat := range formatCorpus {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkFormat(t, src)
	})
}
