package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/q35c/q35c/internal/diag"
)

// diagError carries the diagnostics of a failed compile; they have been
// printed already.
type diagError struct{ n int }

func (e *diagError) Error() string { return fmt.Sprintf("%d error(s)", e.n) }

// ioError is an input or output failure (unreadable file, unwritable output).
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }

// internalError is a bug in q35c, reported without a stack trace.
type internalError struct{ msg string }

func (e *internalError) Error() string { return e.msg }

// reportedError ends a command whose errors have all been printed (the
// files of a parallel compile) with the worst of their exit statuses.
type reportedError struct{ code int }

func (e *reportedError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error, stderr io.Writer) int {
	var re *reportedError
	var de *diagError
	var ie *ioError
	var in *internalError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &re):
		return re.code
	case errors.As(err, &de):
		return exitDiag
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "q35c: error: %v\n", ie.err)
		return exitDiag
	case errors.As(err, &in):
		fmt.Fprintf(stderr, "q35c: internal error: %s\nThis is a bug in q35c; please report it with the input that caused it.\n", in.msg)
		return exitInternal
	}
	fmt.Fprintf(stderr, "q35c: %v\nRun 'q35c --help' for usage.\n", err)
	return exitUsage
}

func printInternal(w io.Writer, r any) {
	fmt.Fprintf(w, "q35c: internal error: %v\nThis is a bug in q35c; please report it with the input that caused it.\n", r)
}

// reportDiags prints diagnostics to w and returns a diagError when any is
// an error.
func reportDiags(w io.Writer, l *diag.List) error {
	l.Render(w)
	if l.HasErrors() {
		return &diagError{n: l.ErrorCount()}
	}
	return nil
}
