package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// writeOutput writes data to stdout for "-", else atomically to path (see
// createAtomic).
func writeOutput(path string, data []byte, stdout io.Writer) error {
	return writeGuarded(nil, path, data, stdout)
}

// writeGuarded is writeOutput with the temporary file registered in g (nil
// for none), so that an interrupt can remove it.
func writeGuarded(g *outputGuard, path string, data []byte, stdout io.Writer) error {
	if path == "-" {
		if _, err := stdout.Write(data); err != nil {
			return &ioError{fmt.Errorf("writing standard output: %v", err)}
		}
		return nil
	}
	f, err := g.create(path)
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
	guard  *outputGuard // nil when no interrupt can stop the command
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

// commit closes the file and renames it into place, unless the command
// was interrupted.
func (f *atomicFile) commit() error {
	if g := f.guard; g != nil {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.temps, f)
		if g.stopped {
			f.abort()
			return &ioError{fmt.Errorf("interrupted; %s was not written", f.path)}
		}
	}
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

// errInterrupted is what a command returns when SIGINT or SIGTERM stopped it.
var errInterrupted = errors.New("interrupted")

// outputGuard keeps the temporary files of one command, so that an
// interrupt can remove them before the process exits: Go's default action
// for SIGINT would end the process with a half-written temporary file left
// in the output's directory. After stop, no file is created or renamed
// into place; a file renamed before is whole.
type outputGuard struct {
	mu      sync.Mutex
	stopped bool
	temps   map[*atomicFile]bool
}

// create is createAtomic registering the temporary file in g (if any).
func (g *outputGuard) create(path string) (*atomicFile, error) {
	if g == nil {
		return createAtomic(path)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return nil, &ioError{fmt.Errorf("interrupted; %s was not written", path)}
	}
	f, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	if !f.direct {
		if g.temps == nil {
			g.temps = map[*atomicFile]bool{}
		}
		g.temps[f] = true
		f.guard = g
	}
	return f, nil
}

// stop removes every temporary file and refuses new ones and renames.
func (g *outputGuard) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
	for f := range g.temps {
		f.abort()
		delete(g.temps, f)
	}
}
