package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// -o to something that is not a regular file (a pipe here; /dev/null in
// real life) writes into it: renaming a temporary file over it would
// replace the device or pipe with a plain file.
func TestCompileToAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		got <- string(data)
	}()
	if code, _, errs := q35c(t, "", "compile", "examples/matmul_f32.q35", "-o", fifo); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if data := <-got; !strings.Contains(data, "func.func @matmul_f32") {
		t.Errorf("the pipe received %q", data)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", st.Mode(), err)
	}
}
