package frontend

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzFormat: no input makes Format panic; whatever parses formats to a
// fixed point, and whatever compiles formats to a program with the same IR
// (checkFormat). Seeded with every source of the format corpus (with
// -short, only the examples: TestFormatPreservesPrograms checks the rest).
func FuzzFormat(f *testing.F) {
	corpus := formatCorpus
	if testing.Short() {
		corpus = []string{"../examples/*.q35"}
	}
	for _, pat := range corpus {
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
