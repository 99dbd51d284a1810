package golden

import (
	"fmt"
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

// A one-line change in a long text shows as that line only, with its
// context: go-diff's own line mode diffed line-number digits and reported
// unchanged lines.
func TestDiffOneLineOfThirty(t *testing.T) {
	var a, b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&a, "line %d\n", i)
		if i == 13 {
			fmt.Fprintf(&b, "changed %d\n", i)
		} else {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}
	want := "  line 11\n  line 12\n- line 13\n+ changed 13\n  line 14\n  line 15\n"
	if got := Diff(a.String(), b.String()); got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
}
