package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes data to stdout for "-", else atomically to path (see
// createAtomic).
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "-" {
		if _, err := stdout.Write(data); err != nil {
			return &ioError{fmt.Errorf("writing standard output: %v", err)}
		}
		return nil
	}
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return f.fail(err)
	}
	return f.commit()
}

// atomicFile is an output file written under a temporary name in the
// destination's directory and renamed over it only when everything was
// written, so no half-written file is ever left behind: commit renames it,
// abort (or a failed commit) removes it. A destination that exists and is
// not a regular file (/dev/null, a pipe) is written directly: renaming over
// it would replace the device with a file.
type atomicFile struct {
	*os.File
	path   string
	direct bool
}

func createAtomic(path string) (*atomicFile, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &ioError{fmt.Errorf("cannot write %s: it is a directory", path)}
	} else if err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(err))}
		}
		return &atomicFile{File: f, path: path, direct: true}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(err))}
	}
	return &atomicFile{File: tmp, path: path}, nil
}

// commit closes the file and renames it into place.
func (f *atomicFile) commit() error {
	err := f.Close()
	if f.direct {
		if err != nil {
			return &ioError{fmt.Errorf("cannot write %s: %v", f.path, unwrapPathErr(err))}
		}
		return nil
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		return f.fail(err)
	}
	return nil
}

// abort closes and removes the temporary file.
func (f *atomicFile) abort() {
	f.Close()
	if !f.direct {
		os.Remove(f.Name())
	}
}

// fail aborts and returns err as an ioError naming the destination.
func (f *atomicFile) fail(err error) error {
	f.abort()
	return &ioError{fmt.Errorf("cannot write %s: %v", f.path, unwrapPathErr(err))}
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
