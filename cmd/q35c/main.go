// Command q35c compiles .q35 kernel files: it checks them, prints their AST
// or IR, emits MLIR that mlir-opt accepts and LLVM IR, and builds and
// benchmarks native kernels.
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
	"strings"
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
	root.SetArgs(gccStyleFlags(args))
	return exitCode(root.Execute(), stderr)
}

// gccStyleFlags accepts the compilers' single-dash spelling of -march
// (`q35c build k.q35 -march native`), which the flag parser would read as
// the shorthands -m -a -r ...; arguments after "--" are left alone.
func gccStyleFlags(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == "--" {
			break
		}
		if a == "-march" || strings.HasPrefix(a, "-march=") {
			out[i] = "-" + a
		}
	}
	return out
}
