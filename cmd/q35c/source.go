package main

import (
	"fmt"
	"io"
	"os"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// maxSourceBytes bounds what q35c reads: kernels are small.
const maxSourceBytes = 16 << 20

// readSource reads path, or stdin for "-" (named "<stdin>" in diagnostics).
func readSource(path string, stdin io.Reader) (string, []byte, error) {
	name, r := path, stdin
	if path == "-" {
		name = "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", nil, &ioError{err}
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return "", nil, &ioError{fmt.Errorf("%s is a directory, not a .q35 file", path)}
		}
		r = f
	}
	src, err := io.ReadAll(io.LimitReader(r, maxSourceBytes+1))
	if err != nil {
		return "", nil, &ioError{fmt.Errorf("reading %s: %v", name, err)}
	}
	if len(src) > maxSourceBytes {
		return "", nil, &ioError{fmt.Errorf("%s is larger than %d MiB; q35c sources are small", name, maxSourceBytes>>20)}
	}
	return name, src, nil
}

// compileFile runs the frontend on one file and verifies the IR it makes.
// Diagnostics go to stderr.
func compileFile(path string, stdin io.Reader, stderr io.Writer) (*frontend.File, *ir.Module, error) {
	name, src, err := readSource(path, stdin)
	if err != nil {
		return nil, nil, err
	}
	return compileSource(name, src, stderr)
}

// compileSource is compileFile for a source already read (sim compiles it
// twice: a reference and a copy for the passes).
func compileSource(name string, src []byte, stderr io.Writer) (*frontend.File, *ir.Module, error) {
	ast, m, diags := frontend.Compile(name, src)
	if err := reportDiags(stderr, diags); err != nil {
		return ast, nil, err
	}
	if err := ir.Verify(m); err != nil {
		return nil, nil, &internalError{msg: "the frontend produced invalid IR: " + err.Error()}
	}
	return ast, m, nil
}

var _ = diag.Error
