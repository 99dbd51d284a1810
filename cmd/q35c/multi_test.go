package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Compiling every example and test kernel at once into a directory, in
// parallel, writes for each file the bytes a compile of that file alone
// prints, at every --emit level; a file that fails alone (a kernel too
// large for the LPU's SRAM) fails the same way and gets no output.
func TestMultiCompileMatchesOneAtATime(t *testing.T) {
	srcs := sources(t)
	for _, level := range emitLevels {
		t.Run(level, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			code, _, errs := q35c(t, "", append([]string{"compile", "--emit", level, "-o", dir + "/"}, srcs...)...)
			failed := 0
			for _, src := range srcs {
				alone, want, aloneErrs := q35c(t, "", "compile", "--emit", level, src)
				got, err := os.ReadFile(filepath.Join(dir, outputName(src, level)))
				switch {
				case alone != 0:
					failed++
					if err == nil {
						t.Errorf("%s fails alone but was written", src)
					}
					if !strings.Contains(errs, aloneErrs) {
						t.Errorf("%s: the parallel compile does not report what the compile alone does:\n%s", src, aloneErrs)
					}
				case err != nil:
					t.Errorf("%s compiles alone but its output is missing: %v", src, err)
				case string(got) != want:
					t.Errorf("%s: the parallel compile wrote other bytes than the compile alone", src)
				}
			}
			if want := min(failed, 1); code != want {
				t.Errorf("exit %d, want %d (%d files fail alone):\n%s", code, want, failed, errs)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(srcs)-failed {
				t.Errorf("%d files in the output directory, want %d", len(entries), len(srcs)-failed)
			}
		})
	}
}

// Diagnostics come file by file in the order given, each with positions;
// failed files get no output, the others do, and the exit status is 1.
func TestMultiCompileReportsEachFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files := []string{"testdata/errors/undefined_name.q35", "examples/matmul_f32.q35", "no/such/file.q35", "testdata/errors/type_mismatch.q35", "examples/dequant_lut.q35"}
	code, out, errs := q35c(t, "", append([]string{"compile", "--emit", "ir", "-o", dir}, files...)...)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
	}
	at := -1
	for _, want := range []string{"testdata/errors/undefined_name.q35:3:19: error: undefined: scale", "q35c: error: open no/such/file.q35: no such file or directory", "testdata/errors/type_mismatch.q35:4:17: error: mismatched types"} {
		i := strings.Index(errs, want)
		if i <= at {
			t.Errorf("stderr lacks %q after the previous file's errors:\n%s", want, errs)
		}
		at = i
	}
	noStackTrace(t, errs)
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "dequant_lut.ir matmul_f32.ir" {
		t.Errorf("output directory holds %v, want the two files that compile", names)
	}
}

// -o ending in / makes even one file go into a directory.
func TestMultiCompileOneFileIntoDirectory(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := q35c(t, "", "compile", "--emit", "header", "examples/matmul_q35.q35", "-o", dir+"/"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, want, _ := q35c(t, "", "compile", "--emit", "header", "examples/matmul_q35.q35")
	if got, err := os.ReadFile(filepath.Join(dir, "matmul_q35.h")); err != nil || string(got) != want {
		t.Errorf("matmul_q35.h: %v, equal to the compile alone: %v", err, string(got) == want)
	}
}
