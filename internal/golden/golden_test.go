package golden

import (
	"strings"
	"testing"
)

func TestDiffShowsChangedLines(t *testing.T) {
	a := "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
	b := "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\n"
	d := Diff(a, b)
	for _, want := range []string{"- three", "+ THREE", "  two", "  four"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "seven") {
		t.Errorf("diff shows far context:\n%s", d)
	}
}

func TestDiffEqualIsEmpty(t *testing.T) {
	if d := Diff("a\nb\n", "a\nb\n"); d != "" {
		t.Errorf("diff of equal texts = %q", d)
	}
}
