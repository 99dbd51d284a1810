// Command q35c compiles .q35 kernel files: it checks them, prints their AST
// or IR, and emits MLIR that mlir-opt accepts.
//
// Exit status: 0 on success, 1 when the input has errors (diagnosed with
// positions), 2 on a usage error, 3 on an internal error (a bug in q35c).
//
// This is the only package that ties the frontend, the IR and the emitters
// together.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK       = 0
	exitDiag     = 1
	exitUsage    = 2
	exitInternal = 3
)

// run executes one q35c command line and returns the exit status. It never
// panics: a panic inside the compiler is reported as an internal error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			printInternal(stderr, r)
			code = exitInternal
		}
	}()
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	return exitCode(root.Execute(), stderr)
}
