package ir_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/ir"
)

// FuzzParseIR feeds ParseModule mutations of printed IR (the examples'
// and test kernels', and the golden texts; not llama70b's, whose size
// slows every execution): no input may panic, and what parses prints to
// a text that parses and prints the same again.
func FuzzParseIR(f *testing.F) {
	for _, path := range sourceFiles(f) {
		if !strings.Contains(path, "llama70b") {
			f.Add([]byte(compileFile(f, path).String()))
		}
	}
	for _, pat := range []string{"../testdata/golden/examples/*.cpu.ir", "../testdata/golden/examples/*.lpu.ir", "../passes/testdata/*/*.ir"} {
		files, _ := filepath.Glob(pat)
		for _, path := range files {
			if strings.Contains(path, "llama70b") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			for _, sec := range irSections(string(src)) {
				f.Add([]byte(sec))
			}
		}
	}
	f.Add([]byte(validKernel()))
	f.Fuzz(func(t *testing.T, text []byte) {
		m, err := ir.ParseModule("fuzz.ir", text)
		if err != nil {
			return
		}
		printed := m.String()
		again, err := ir.ParseModule("printed.ir", []byte(printed))
		if err != nil {
			t.Fatalf("the printed IR does not parse: %v\n%s", err, printed)
		}
		if got := again.String(); got != printed {
			t.Fatalf("the printed IR prints back as\n%s\nwant:\n%s", got, printed)
		}
	})
}
