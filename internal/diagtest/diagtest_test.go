package diagtest

import (
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
)

// recorder captures failures instead of failing the real test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }
func (r *recorder) Fatalf(format string, args ...any) { r.errs = append(r.errs, format) }

func TestCheckAnnotations(t *testing.T) {
	src := []byte("a // ERROR \"bad a\"\nb // REMARK \"fits\"\nc\n")
	f := diag.NewFile("x.q35", src)
	at := func(off int, sev diag.Severity, msg string) diag.Diagnostic {
		return diag.Diagnostic{Severity: sev, Span: diag.SpanOf(diag.Pos{File: f, Off: off}, 1), Msg: msg}
	}
	first := strings.Index(string(src), "\n") + 1
	lineOff := []int{0, first, first + strings.Index(string(src[first:]), "\n") + 1}
	tests := []struct {
		name  string
		ds    []diag.Diagnostic
		fails int
	}{
		{"all matched", []diag.Diagnostic{at(lineOff[0], diag.Error, "bad a here"), at(lineOff[1], diag.Remark, "it fits")}, 0},
		{"missing error", []diag.Diagnostic{at(lineOff[1], diag.Remark, "it fits")}, 1},
		{"wrong severity", []diag.Diagnostic{at(lineOff[0], diag.Remark, "bad a"), at(lineOff[1], diag.Remark, "fits")}, 1},
		{"unannotated line", []diag.Diagnostic{at(lineOff[0], diag.Error, "bad a"), at(lineOff[1], diag.Remark, "fits"), at(lineOff[2], diag.Error, "c")}, 1},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		CheckAnnotations(r, src, tt.ds)
		if len(r.errs) != tt.fails {
			t.Errorf("%s: %d failures %q, want %d", tt.name, len(r.errs), r.errs, tt.fails)
		}
	}
}
