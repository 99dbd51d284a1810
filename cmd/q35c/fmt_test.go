package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	messy     = "const N=4\nkernel k(A:in f32[N],C:out f32[N]){for i in 0..N{C[i]=A[i]*2.0}} // done\n"
	formatted = "const N = 4\n\nkernel k(A: in f32[N], C: out f32[N]) {\n  for i in 0..N {\n    C[i] = A[i] * 2.0\n  }\n} // done\n"
	broken    = "kernel k(A: in f32[4]) {\n  A[0] = \n}\n"
)

// writeTemp writes files into a fresh directory and returns their paths.
func writeTemp(t *testing.T, mode os.FileMode, contents ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, c := range contents {
		p := filepath.Join(dir, fmt.Sprintf("f%d.q35", i))
		if err := os.WriteFile(p, []byte(c), mode); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFmtCLI(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string // exact
		stderr string // substring
	}{
		{"stdin", messy, []string{"fmt", "-"}, 0, formatted, ""},
		{"stdin formatted", formatted, []string{"fmt", "-"}, 0, formatted, ""},
		{"list stdin", messy, []string{"fmt", "-l", "-"}, 0, "<stdin>\n", ""},
		{"list formatted", "", []string{"fmt", "-l", "examples/matmul_q35.q35", "testdata/kernels/loops.q35"}, 0, "", ""},
		{"diff formatted", "", []string{"fmt", "-d", "examples/dequant_lut.q35"}, 0, "", ""},
		{"example unchanged", "", []string{"fmt", "examples/matmul_f32.q35"}, 0, readString(t, "examples/matmul_f32.q35"), ""},
		{"syntax error", broken, []string{"fmt", "-"}, 1, "", "<stdin>:3:1: error: syntax error: unexpected \"}\""},
		{"semantic errors are fine", "kernel k(C: out f32[2]) { C[9] = x }", []string{"fmt", "-"}, 0, "kernel k(C: out f32[2]) {\n  C[9] = x\n}\n", ""},
		{"directory", "", []string{"fmt", "examples"}, 1, "", "q35c: error: examples is a directory, not a .q35 file"},
		{"missing file", "", []string{"fmt", "no/such.q35"}, 1, "", "q35c: error: open no/such.q35: no such file or directory"},
		{"no args", "", []string{"fmt"}, 2, "", "requires at least 1 arg(s)"},
		{"write stdin", messy, []string{"fmt", "-w", "-"}, 2, "", "cannot use -w with standard input"},
		{"unknown flag", "", []string{"fmt", "-x", "a.q35"}, 2, "", "unknown shorthand flag: 'x'"},
		{"help", "", []string{"fmt", "--help"}, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := q35c(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.code, errs)
			}
			if tt.name != "help" && out != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.stdout)
			}
			if !strings.Contains(errs, tt.stderr) || tt.stderr == "" && errs != "" {
				t.Errorf("stderr %q, want %q", errs, tt.stderr)
			}
		})
	}
}

func TestFmtHelpHasExamples(t *testing.T) {
	_, out, _ := q35c(t, "", "fmt", "--help")
	for _, want := range []string{"q35c fmt -l -w *.q35", "q35c fmt -d kernel.q35", "-w, --write", "-l, --list", "-d, --diff"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	if _, root, _ := q35c(t, "", "--help"); !strings.Contains(root, "fmt ") {
		t.Errorf("root help does not list fmt:\n%s", root)
	}
}

// -w rewrites only the files that change, in place, keeping their mode and
// leaving no temporary file; a file that does not parse is left alone and
// the others are still written.
func TestFmtWrite(t *testing.T) {
	paths := writeTemp(t, 0o640, messy, broken, formatted)
	before, _ := os.Stat(paths[2])
	code, out, errs := q35c(t, "", append([]string{"fmt", "-l", "-w"}, paths...)...)
	if code != 1 || out != paths[0]+"\n" {
		t.Errorf("exit %d, stdout %q, want 1 and only %s listed", code, out, paths[0])
	}
	if !strings.Contains(errs, paths[1]+":3:1: error: syntax error") {
		t.Errorf("stderr lacks the syntax error:\n%s", errs)
	}
	if got := readString(t, paths[0]); got != formatted {
		t.Errorf("rewritten file:\n%s", got)
	}
	if got := readString(t, paths[1]); got != broken {
		t.Errorf("a file with a syntax error was changed:\n%s", got)
	}
	if after, _ := os.Stat(paths[2]); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a formatted file was rewritten")
	}
	st, _ := os.Stat(paths[0])
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(paths[0]))
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want the 3 files: %v", len(entries), entries)
	}
}

// -w through a symbolic link rewrites the file it points to and keeps the
// link; an unwritable directory is an error that leaves the file alone.
func TestFmtWriteLinkAndUnwritable(t *testing.T) {
	paths := writeTemp(t, 0o644, messy)
	link := filepath.Join(t.TempDir(), "link.q35")
	if err := os.Symlink(paths[0], link); err != nil {
		t.Skip(err)
	}
	if code, _, errs := q35c(t, "", "fmt", "-w", link); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if got := readString(t, paths[0]); got != formatted {
		t.Errorf("link target:\n%s", got)
	}
	if os.Geteuid() == 0 {
		return // root writes anywhere
	}
	ro := writeTemp(t, 0o644, messy)[0]
	if err := os.Chmod(filepath.Dir(ro), 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Dir(ro), 0o755)
	code, _, errs := q35c(t, "", "fmt", "-w", ro)
	if code != 1 || !strings.Contains(errs, "q35c: error: cannot write "+ro) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if got := readString(t, ro); got != messy {
		t.Errorf("the file changed:\n%s", got)
	}
}

// A failed rename leaves the file as it was and no temporary behind.
func TestFmtWriteFailureLeavesFileAlone(t *testing.T) {
	paths := writeTemp(t, 0o644, messy)
	renameFile = func(string, string) error { return errors.New("disk on fire") }
	defer func() { renameFile = os.Rename }()
	code, _, errs := q35c(t, "", "fmt", "-w", paths[0])
	if code != 1 || !strings.Contains(errs, "q35c: error: cannot write "+paths[0]+": disk on fire") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if got := readString(t, paths[0]); got != messy {
		t.Errorf("the file changed:\n%s", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(paths[0])); len(entries) != 1 {
		t.Errorf("temporary left behind: %v", entries)
	}
}

func TestFmtDiff(t *testing.T) {
	paths := writeTemp(t, 0o644, messy, formatted)
	code, out, errs := q35c(t, "", "fmt", "-d", paths[0], paths[1])
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "--- " + paths[0] + ".orig\n+++ " + paths[0] + "\n" +
		"@@ -1,2 +1,7 @@\n" +
		"-const N=4\n" +
		"-kernel k(A:in f32[N],C:out f32[N]){for i in 0..N{C[i]=A[i]*2.0}} // done\n" +
		"+const N = 4\n+\n+kernel k(A: in f32[N], C: out f32[N]) {\n+  for i in 0..N {\n+    C[i] = A[i] * 2.0\n+  }\n+} // done\n"
	if out != want {
		t.Errorf("diff:\n%s\nwant:\n%s", out, want)
	}
	if got := readString(t, paths[0]); got != messy {
		t.Error("-d changed the file")
	}
	// -l -d lists the file, then its diff.
	if _, out, _ := q35c(t, "", "fmt", "-l", "-d", paths[0]); !strings.HasPrefix(out, paths[0]+"\n--- ") {
		t.Errorf("-l -d:\n%s", out)
	}
}

// unifiedDiff on random texts: applying the hunks to the old text gives the
// new one, hunks are ordered and disjoint, and equal texts give nothing.
func TestUnifiedDiffApplies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	text := func() string {
		var b strings.Builder
		for i, n := 0, r.Intn(30); i < n; i++ {
			b.WriteString("l" + strconv.Itoa(r.Intn(8)) + "\n")
		}
		if r.Intn(4) == 0 {
			b.WriteString("last")
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		a, b := text(), text()
		d := string(unifiedDiff("a", "b", []byte(a), []byte(b)))
		if a == b {
			if d != "" {
				t.Fatalf("diff of equal texts:\n%s", d)
			}
			continue
		}
		if got, err := applyDiff(a, d); err != nil || got != b {
			t.Fatalf("applying\n%s\nto %q gives %q (%v), want %q", d, a, got, err, b)
		}
	}
}

// applyDiff applies a unified diff to a, checking the context lines.
func applyDiff(a, d string) (string, error) {
	old := strings.SplitAfter(a, "\n")
	if old[len(old)-1] == "" {
		old = old[:len(old)-1]
	}
	lines := strings.SplitAfter(d, "\n")
	var out []string
	pos := 0 // next old line to copy
	for i := 2; i < len(lines) && lines[i] != ""; {
		var s1, n1, s2, n2 int
		if _, err := fmt.Sscanf(lines[i], "@@ -%d,%d +%d,%d @@", &s1, &n1, &s2, &n2); err != nil {
			return "", fmt.Errorf("bad hunk header %q", lines[i])
		}
		if n1 > 0 {
			s1--
		}
		if s1 < pos {
			return "", fmt.Errorf("hunks overlap at %q", lines[i])
		}
		out, pos = append(out, old[pos:s1]...), s1
		for i++; i < len(lines) && lines[i] != "" && lines[i][0] != '@'; i++ {
			l := lines[i][1:]
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline`) {
				l = strings.TrimSuffix(l, "\n")
				lines = append(lines[:i+1], lines[i+2:]...)
			}
			switch lines[i][0] {
			case ' ', '-':
				if pos >= len(old) || old[pos] != l {
					return "", fmt.Errorf("context %q does not match line %d", l, pos+1)
				}
				pos++
				if lines[i][0] == ' ' {
					out = append(out, l)
				}
			case '+':
				out = append(out, l)
			}
		}
	}
	return strings.Join(append(out, old[pos:]...), ""), nil
}
