package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says how bad a diagnostic is.
type Severity uint8

const (
	Error Severity = iota
	Warning
	Remark
	Note
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Remark:
		return "remark"
	case Note:
		return "note"
	}
	return "error"
}

// Diagnostic is one message about the user's program.
type Diagnostic struct {
	Severity Severity
	Span     Span
	Msg      string
	Notes    []Diagnostic
}

// MaxErrors caps how many errors one run reports.
const MaxErrors = 20

// List collects diagnostics. The zero List is ready to use.
type List struct {
	Diags   []Diagnostic
	dropped int
}

// Errorf records an error at span.
func (l *List) Errorf(span Span, format string, args ...any) {
	l.Add(Diagnostic{Severity: Error, Span: span, Msg: fmt.Sprintf(format, args...)})
}

// Add records d, dropping errors past MaxErrors (they are counted).
func (l *List) Add(d Diagnostic) {
	if d.Severity == Error && l.ErrorCount() >= MaxErrors {
		l.dropped++
		return
	}
	l.Diags = append(l.Diags, d)
}

// ErrorCount returns the number of recorded errors.
func (l *List) ErrorCount() int {
	n := 0
	for _, d := range l.Diags {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// HasErrors reports whether any error was recorded.
func (l *List) HasErrors() bool { return l.ErrorCount() > 0 || l.dropped > 0 }

// Sort orders diagnostics by file and offset, keeping insertion order for
// equal positions, and removes exact duplicates.
func (l *List) Sort() {
	sort.SliceStable(l.Diags, func(i, j int) bool {
		a, b := l.Diags[i].Span, l.Diags[j].Span
		an, bn := fileName(a.File), fileName(b.File)
		if an != bn {
			return an < bn
		}
		return a.Off < b.Off
	})
	out := l.Diags[:0]
	for i, d := range l.Diags {
		if i > 0 && sameDiag(d, l.Diags[i-1]) {
			continue
		}
		out = append(out, d)
	}
	l.Diags = out
}

func sameDiag(a, b Diagnostic) bool {
	return a.Severity == b.Severity && a.Span == b.Span && a.Msg == b.Msg
}

func fileName(f *File) string {
	if f == nil {
		return ""
	}
	return f.Name
}

// Err returns the list as an error when it holds errors, else nil.
func (l *List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return &ListError{List: l}
}

// ListError carries a diagnostic list through Go's error interface.
type ListError struct{ List *List }

func (e *ListError) Error() string {
	var b strings.Builder
	e.List.Render(&b)
	return strings.TrimRight(b.String(), "\n")
}
