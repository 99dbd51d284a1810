package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
)

// fmtOptions are q35c fmt's flags; they combine as gofmt's do.
type fmtOptions struct {
	list, write, diff bool
}

func newFmtCmd() *cobra.Command {
	var o fmtOptions
	c := &cobra.Command{
		Use:   "fmt [-l] [-w] [-d] FILE|- ...",
		Short: "Format .q35 files in the canonical layout",
		Long: `fmt prints each file in the canonical .q35 layout (docs/language.md,
"Formatting"): one declaration or statement a line, two-space indentation,
one space around binary operators and none around "..", the user's
parentheses and comments kept. Formatting never changes what a file
compiles to, and formatting twice changes nothing.

Without flags the formatted files go to standard output; "-" reads
standard input. -l lists the files whose formatting differs, -w rewrites
them in place (atomically, keeping their mode), -d prints a unified diff;
the flags combine as gofmt's do (-l -w lists and rewrites).

A file that does not parse gets the frontend's diagnostics and is left
alone; the other files are still formatted. Exit status 1 when any file
could not be read, parsed or written, 2 on a usage error.`,
		Example: `  q35c fmt examples/matmul_q35.q35
  q35c fmt -l examples/*.q35 testdata/kernels/*.q35
  q35c fmt -d kernel.q35
  q35c fmt -l -w *.q35
  cat kernel.q35 | q35c fmt -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runFmt(o, args, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	c.Flags().BoolVarP(&o.list, "list", "l", false, "list the files whose formatting differs from fmt's")
	c.Flags().BoolVarP(&o.write, "write", "w", false, "write the result to the file instead of standard output")
	c.Flags().BoolVarP(&o.diff, "diff", "d", false, "print a unified diff instead of the formatted file")
	return c
}

// runFmt formats every file, reporting each failure as it happens; the
// first internal error (a q35c bug) decides the exit status, else any
// failure makes it 1.
func runFmt(o fmtOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	for _, path := range args {
		if path == "-" && o.write {
			return errors.New("fmt: cannot use -w with standard input")
		}
	}
	var internal error
	failed := 0
	for _, path := range args {
		err := fmtFile(o, path, stdin, stdout, stderr)
		var in *internalError
		switch {
		case err == nil:
			continue
		case errors.As(err, &in) && internal == nil:
			internal = err
		default:
			exitCode(err, stderr)
		}
		failed++
	}
	if internal != nil {
		return internal
	}
	if failed > 0 {
		return &diagError{n: failed}
	}
	return nil
}

// fmtFile formats one file as the options say.
func fmtFile(o fmtOptions, path string, stdin io.Reader, stdout, stderr io.Writer) error {
	name, src, err := readSource(path, stdin)
	if err != nil {
		return err
	}
	out, err := frontend.Format(name, src)
	var le *diag.ListError
	if errors.As(err, &le) {
		return reportDiags(stderr, le.List)
	} else if err != nil {
		return &internalError{msg: err.Error()}
	}
	var show []byte
	if changed := !bytes.Equal(src, out); changed {
		if o.list {
			show = append(show, name+"\n"...)
		}
		if o.write {
			if err := writeInPlace(path, out); err != nil {
				return err
			}
		}
		if o.diff {
			show = append(show, unifiedDiff(name+".orig", name, src, out)...)
		}
	}
	if !o.list && !o.write && !o.diff {
		show = out
	}
	if _, err := stdout.Write(show); err != nil {
		return &ioError{fmt.Errorf("writing standard output: %v", err)}
	}
	return nil
}

// renameFile is os.Rename; a test makes it fail.
var renameFile = os.Rename

// writeInPlace replaces the file at path (through symbolic links) with
// data: written to a temporary file in the same directory with the file's
// mode, synced, and renamed over it, so the file is either the old one or
// the new one, never half written; on any error the temporary is removed.
func writeInPlace(path string, data []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return &ioError{err}
	}
	st, err := os.Stat(real)
	if err != nil {
		return &ioError{err}
	}
	if !st.Mode().IsRegular() {
		return &ioError{fmt.Errorf("cannot write %s: not a regular file", path)}
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".fmt*")
	if err != nil {
		return &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(err))}
	}
	err = writeSyncClose(tmp, data, st.Mode().Perm())
	if err == nil {
		err = renameFile(tmp.Name(), real)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return &ioError{fmt.Errorf("cannot write %s: %v", path, unwrapPathErr(err))}
	}
	return nil
}

func writeSyncClose(f *os.File, data []byte, mode os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
