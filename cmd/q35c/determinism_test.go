package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// determinismRuns are the command lines compared across processes: every
// --emit level, and the passes of the cpu preset at two of them.
var determinismRuns = [][]string{
	{"--emit", "ast"},
	{"--emit", "ir"},
	{"--emit", "mlir"},
	{"--emit", "llvm"},
	{"--emit", "header"},
	{"--emit", "lpu"},
	{"--emit", "lpu", "--dataflow", "os"},
	{"--emit", "ir", "--target", "cpu"},
	{"--emit", "llvm", "--target", "cpu"},
	{"--emit", "mlir", "--harness"},
}

// Two separate processes compiling every example and test kernel write
// byte-identical outputs for every command line of determinismRuns: no map
// order, address or time leaks into what q35c writes. (Each process
// compiles the files in parallel, which TestMultiCompileMatchesOneAtATime
// shows writes what compiling them one at a time does.)
func TestDeterminismAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 20 compiler processes")
	}
	srcs := sources(t)
	root := t.TempDir()
	for _, flags := range determinismRuns {
		name := strings.Join(flags, "_")
		t.Run(name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(root, name), 0o755); err != nil {
				t.Fatal(err)
			}
			var dirs [2]string
			for i := range dirs {
				dirs[i] = filepath.Join(root, name, string(rune('a'+i)))
				args := append(append([]string{"compile"}, flags...), "-o", dirs[i]+"/")
				cmd := cliProcess(t, append(args, srcs...)...)
				var errb bytes.Buffer
				cmd.Stderr = &errb
				if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 1 {
					t.Fatalf("process %d: %v\n%s", i, err, errb.String())
				}
				noStackTrace(t, errb.String())
			}
			sameTree(t, dirs[0], dirs[1])
		})
	}
}

// sameTree fails unless directories a and b hold the same files with the
// same bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	ea, _ := os.ReadDir(a)
	eb, _ := os.ReadDir(b)
	if len(ea) != len(eb) || len(ea) == 0 {
		t.Fatalf("%d files against %d", len(ea), len(eb))
	}
	for i, e := range ea {
		if eb[i].Name() != e.Name() {
			t.Fatalf("%s against %s", e.Name(), eb[i].Name())
		}
		da, _ := os.ReadFile(filepath.Join(a, e.Name()))
		db, _ := os.ReadFile(filepath.Join(b, e.Name()))
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between two processes", e.Name())
		}
	}
}
