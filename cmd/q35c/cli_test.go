package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIExitCodesAndMessages(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		stdout   string // substring
		stderr   string // substring
		noStdout bool
	}{
		{"version", "", []string{"version"}, 0, "q35c ", "", false},
		{"help", "", []string{"--help"}, 0, "q35c compile examples/matmul_q35.q35 -o out.mlir", "", false},
		{"compile help", "", []string{"compile", "--help"}, 0, "--emit", "", false},
		{"no command args", "", []string{"compile"}, 2, "", "requires at least 1 arg(s), only received 0", true},
		{"unknown flag", "", []string{"compile", "--bogus", "x.q35"}, 2, "", "unknown flag: --bogus", true},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "unknown command \"frobnicate\"", true},
		{"bad emit level", "", []string{"compile", "--emit", "wasm", "examples/matmul_f32.q35"}, 2, "", "invalid --emit \"wasm\": want one of ast, ir, mlir, llvm, header, lpu", true},
		{"harness needs mlir", "", []string{"compile", "--emit", "ir", "--harness", "examples/matmul_f32.q35"}, 2, "", "--harness needs --emit mlir", true},
		{"missing file", "", []string{"compile", "no/such/file.q35"}, 1, "", "q35c: error: open no/such/file.q35: no such file or directory", true},
		{"directory", "", []string{"check", "examples"}, 1, "", "examples is a directory", true},
		{"stdin ok", "kernel k(C: out f32[2]) { C[0] = 1.0 }", []string{"compile", "--emit", "ir", "-"}, 0, "func @k(%C: out f32[2])", "", false},
		{"stdin error", "kernel k(C: out f32[2]) { C[2] = 1.0 }", []string{"check", "-"}, 1, "", "<stdin>:1:29: error: index out of bounds", true},
		{"binary garbage", "\x00\xff\xfe kernel", []string{"check", "-"}, 1, "", "<stdin>:1:1: error: syntax error: unexpected character", true},
		{"empty file", "", []string{"compile", "--emit", "ir", "-"}, 0, "// q35c IR for \"<stdin>\"", "", false},
		{"check ok", "", []string{"check", "examples/matmul_q35.q35", "examples/dequant_lut.q35"}, 0, "", "", true},
		{"check reports all files", "", []string{"check", "testdata/errors/write_input.q35", "testdata/errors/undefined_name.q35"}, 1, "", "undefined: scale", true},
		{"ast", "", []string{"compile", "--emit", "ast", "examples/dequant_lut.q35"}, 0, "kernel dequant_lut @10:1", "", false},
		{"compile refuses overflow", "", []string{"compile", "testdata/overflow/dot_i16_past.q35"}, 1, "", "may overflow i16", true},
		{"allow-overflow warns", "", []string{"compile", "--emit", "ir", "--allow-overflow", "testdata/overflow/dot_i16_past.q35"}, 0, "func @", "warning: acc may overflow i16", false},
		{"compile remarks", "", []string{"compile", "--emit", "ir", "--remarks", "examples/matmul_q35.q35"}, 0, "func @matmul_q35", "remark: acc4: |acc4| <= 65536", false},
		{"completion", "", []string{"completion", "bash"}, 0, "bash completion V2 for q35c", "", false},
		{"version takes no args", "", []string{"version", "x"}, 2, "", "unknown command \"x\" for \"q35c version\"", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := q35c(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, out)
			}
			if !strings.Contains(errs, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errs)
			}
			if tt.noStdout && out != "" {
				t.Errorf("unexpected stdout:\n%s", out)
			}
			if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
				t.Errorf("stack trace on stderr:\n%s", errs)
			}
		})
	}
}

func TestCompileWritesOutputAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mlir")
	if code, _, errs := q35c(t, "", "compile", "examples/matmul_f32.q35", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), "func.func @matmul_f32") {
		t.Fatalf("output not written: %v\n%s", err, data)
	}
	// A failed compile leaves the previous file alone and no temporary behind.
	if code, _, _ := q35c(t, "", "compile", "testdata/errors/type_mismatch.q35", "-o", out); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	again, _ := os.ReadFile(out)
	if string(again) != string(data) {
		t.Error("a failed compile changed the output file")
	}
	fresh := filepath.Join(dir, "fresh.mlir")
	q35c(t, "", "compile", "testdata/errors/type_mismatch.q35", "-o", fresh)
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a failed compile created %s", fresh)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only out.mlir: %v", len(entries), entries)
	}
}

func TestCompileToUnwritablePlaces(t *testing.T) {
	dir := t.TempDir()
	for _, target := range []string{filepath.Join(dir, "no", "such", "dir", "out.mlir"), dir} {
		code, _, errs := q35c(t, "", "compile", "examples/matmul_f32.q35", "-o", target)
		if code != 1 || !strings.Contains(errs, "q35c: error: cannot write "+target) {
			t.Errorf("-o %s: exit %d, stderr %q", target, code, errs)
		}
	}
}

func TestPanicsBecomeInternalErrors(t *testing.T) {
	var errb strings.Builder
	code := run([]string{"version"}, strings.NewReader(""), panicWriter{}, &errb)
	if code != exitInternal || !strings.Contains(errb.String(), "q35c: internal error: boom") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// panicWriter panics on write, standing in for a bug deep in the compiler.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }
