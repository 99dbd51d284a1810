package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes data to stdout for "-", else atomically to path: into
// a temporary file in the same directory, renamed over path only when
// everything was written, so no half-written file is ever left behind.
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "-" {
		if _, err := stdout.Write(data); err != nil {
			return &ioError{fmt.Errorf("writing standard output: %v", err)}
		}
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return &ioError{fmt.Errorf("cannot write %s: it is a directory", path)}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(err))}
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(werr))}
	}
	return nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
