package main

import (
	"github.com/spf13/cobra"
)

func newCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE|- ...",
		Short: "Check .q35 files and print their diagnostics",
		Long: `check parses and checks each file (syntax, names, types, shapes, bounds)
and prints every diagnostic as file:line:col: error: message with the source
line and a caret. It writes nothing else. Exit status 1 when any file has errors.`,
		Example: `  q35c check examples/*.q35
  echo 'kernel k(A: out f32[4]) { A[4] = 1.0 }' | q35c check -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var first error
			for _, path := range args {
				if _, _, err := compileFile(path, c.InOrStdin(), c.ErrOrStderr()); err != nil && first == nil {
					first = err
				} else if err != nil {
					exitCode(err, c.ErrOrStderr()) // report, keep the first for the status
				}
			}
			return first
		},
	}
}
