package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
)

func newCheckCmd() *cobra.Command {
	remarks := false
	c := &cobra.Command{
		Use:   "check FILE|- ...",
		Short: "Check .q35 files and print their diagnostics",
		Long: `check parses and checks each file (syntax, names, types, shapes, bounds),
then proves that no integer accumulator can overflow its type (the overflow
analysis, docs/passes.md), and prints every diagnostic as
file:line:col: error: message with the source line and a caret. With
--remarks it also prints the bound proved for each accumulator. It writes
nothing else. Exit status 1 when any file has errors.`,
		Example: `  q35c check examples/*.q35
  q35c check --remarks examples/matmul_q35.q35
  echo 'kernel k(A: out f32[4]) { A[4] = 1.0 }' | q35c check -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var first error
			for _, path := range args {
				if err := checkFile(path, remarks, c.InOrStdin(), c.ErrOrStderr()); err != nil && first == nil {
					first = err
				} else if err != nil {
					exitCode(err, c.ErrOrStderr()) // report, keep the first for the status
				}
			}
			return first
		},
	}
	c.Flags().BoolVar(&remarks, "remarks", false, "also print the bound proved for every integer accumulator")
	return c
}

// checkFile runs the frontend and the overflow analysis on one file.
func checkFile(path string, remarks bool, stdin io.Reader, stderr io.Writer) error {
	_, m, err := compileFile(path, stdin, stderr)
	if err != nil {
		return err
	}
	return checkOverflow(m, false, remarks, stderr)
}

// checkOverflow runs the overflow analysis on m and prints its findings:
// errors (a kernel that may overflow is refused, exit 1) or, with allow,
// the same findings as warnings; the proven bounds with remarks.
func checkOverflow(m *ir.Module, allow, remarks bool, stderr io.Writer) error {
	l := &diag.List{}
	for _, d := range passes.CheckOverflow(m) {
		switch {
		case d.Severity == diag.Remark && !remarks:
			continue
		case d.Severity == diag.Error && allow:
			d.Severity = diag.Warning
		}
		l.Add(d)
	}
	l.Sort()
	return reportDiags(stderr, l)
}
