package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"github.com/q35c/q35c/ir"
)

// outputExt is the extension of compile's output files, by --emit level,
// when several files are compiled into a directory.
var outputExt = map[string]string{
	"ast":    ".ast",
	"ir":     ".ir",
	"mlir":   ".mlir",
	"llvm":   ".ll",
	"header": ".h",
	"lpu":    ".lpu.mlir",
}

// outputName is the name of path's output in the -o directory:
// examples/matmul_q35.q35 gives matmul_q35.mlir for --emit mlir.
func outputName(path, emit string) string {
	return strings.TrimSuffix(filepath.Base(path), ".q35") + outputExt[emit]
}

// checkManyArgs refuses, as usage errors, what cannot be compiled into a
// directory: no -o, standard input, two inputs with one output name, an
// output that would replace an input.
func checkManyArgs(paths []string, dir, emit string) error {
	if dir == "-" || dir == "" {
		return fmt.Errorf("compiling %d files needs -o DIR: each file is written to DIR/NAME.EXT", len(paths))
	}
	seen := map[string]string{}
	for _, p := range paths {
		if p == "-" {
			return fmt.Errorf("standard input (-) cannot be compiled with other files or into a directory: it has no name")
		}
		name := outputName(p, "")
		if other, ok := seen[name]; ok {
			return fmt.Errorf("%s and %s would both be written to %s: give files with different base names", other, p, filepath.Join(dir, name+".EXT"))
		}
		seen[name] = p
	}
	inputs := map[string]bool{}
	for _, p := range paths {
		inputs[absPath(p)] = true
	}
	for _, p := range paths {
		if out := filepath.Join(dir, outputName(p, emit)); inputs[absPath(out)] {
			return fmt.Errorf("the output of %s would replace the input %s", p, out)
		}
	}
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// compileMany compiles paths in parallel, at most GOMAXPROCS at a time,
// each into dir. Each file's diagnostics are buffered and printed in the
// order of paths, so the output does not depend on the scheduling. A file
// with errors gets no output; the result is the worst exit status.
func (o *compileOpts) compileMany(ctx context.Context, g *outputGuard, paths []string, target *ir.LPUTarget, stderr io.Writer) error {
	dir := strings.TrimSuffix(o.output, "/")
	if dir == "" {
		dir = "/"
	}
	if err := ensureDir(dir); err != nil {
		return err
	}
	logs := make([]bytes.Buffer, len(paths))
	codes := make([]int, len(paths))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			err := o.compileInto(ctx, g, path, filepath.Join(dir, outputName(path, o.emit)), target, &logs[i])
			codes[i] = exitCode(namedError(path, err), &logs[i])
		}()
	}
	wg.Wait()
	worst := exitOK
	for i := range paths {
		if _, err := stderr.Write(logs[i].Bytes()); err != nil {
			return &ioError{fmt.Errorf("writing standard error: %v", err)}
		}
		worst = max(worst, codes[i])
	}
	if worst != exitOK {
		return &reportedError{code: worst}
	}
	return nil
}

// compileInto compiles one file of compileMany and writes its output; a
// panic is this file's internal error, not the end of the process.
func (o *compileOpts) compileInto(ctx context.Context, g *outputGuard, path, out string, target *ir.LPUTarget, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &internalError{msg: fmt.Sprintf("%s: %v", path, r)}
		}
	}()
	if ctx.Err() != nil {
		return &ioError{fmt.Errorf("%s: %v", path, errInterrupted)}
	}
	if err := notTheInput(path, out); err != nil {
		return err
	}
	data, err := o.emitFile(ctx, path, target, nil, stderr)
	if err != nil {
		return err
	}
	return writeGuarded(g, out, data, nil)
}

// namedError makes an input or output error of one of several files name
// the file, unless its message does already.
func namedError(path string, err error) error {
	var ie *ioError
	if errors.As(err, &ie) && !strings.Contains(ie.err.Error(), path) {
		return &ioError{fmt.Errorf("%s: %v", path, ie.err)}
	}
	return err
}

// ensureDir makes dir if it is missing (not its parents) and checks that
// it is a directory.
func ensureDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return &ioError{fmt.Errorf("cannot write into %s: it is not a directory", dir)}
	case err == nil:
		return nil
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return &ioError{fmt.Errorf("cannot create the output directory %s: %v", dir, unwrapPathErr(err))}
	}
	return nil
}

// untilInterrupted runs fn, which writes its outputs through g. On SIGINT
// or SIGTERM it removes g's temporary files and returns at once with an
// error (exit 1): the process ends without a partial file. fn's goroutine
// is left to die with the process; g refuses its later writes. A panic in
// fn is an internal error, as in run.
func untilInterrupted(parent context.Context, g *outputGuard, fn func(ctx context.Context) error) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- &internalError{msg: fmt.Sprint(r)}
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		g.stop()
		return &ioError{fmt.Errorf("%v; no partial output is left", errInterrupted)}
	}
}

// notTheInput refuses an output that is the input file itself (compile
// k.q35 -o k.q35, or k.mlir compiled into its own directory), which would
// replace the source by its translation.
func notTheInput(in, out string) error {
	if in == "-" || out == "-" {
		return nil
	}
	si, err1 := os.Stat(in)
	so, err2 := os.Stat(out)
	if err1 == nil && err2 == nil && os.SameFile(si, so) {
		return &ioError{fmt.Errorf("cannot write %s: it is the input file", out)}
	}
	return nil
}
