package diag

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	f := NewFile("k.q35", []byte("const N = 4\n\tlet x = y + 1\nend"))
	long := NewFile("long.q35", []byte(strings.Repeat(" ", 1000)+"@@@"+strings.Repeat(" ", 10<<20)))
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"span", Diagnostic{Span: Span{Pos: Pos{f, 6}, End: 7}, Msg: "bad"},
			"k.q35:1:7: error: bad\n    const N = 4\n          ^\n"},
		{"tab expands to four spaces", Diagnostic{Span: Span{Pos: Pos{f, 21}, End: 22}, Msg: "undefined: y"},
			"k.q35:2:10: error: undefined: y\n        let x = y + 1\n                ^\n"},
		{"wide underline", Diagnostic{Span: Span{Pos: Pos{f, 13}, End: 18}, Msg: "m"},
			"k.q35:2:2: error: m\n        let x = y + 1\n        ^~~~~\n"},
		{"span past the line is clipped", Diagnostic{Span: Span{Pos: Pos{f, 25}, End: 30}, Msg: "m"},
			"k.q35:2:14: error: m\n        let x = y + 1\n                    ^\n"},
		{"long line is clipped around the caret", Diagnostic{Span: Span{Pos: Pos{long, 1000}, End: 1003}, Msg: "m"},
			"long.q35:1:1001: error: m\n    ..." + strings.Repeat(" ", 150) + "@@@" + strings.Repeat(" ", 147) + "...\n    " + strings.Repeat(" ", 153) + "^~~\n"},
		{"long underline is clipped", Diagnostic{Span: Span{Pos: Pos{long, 0}, End: 5000}, Msg: "m"},
			"long.q35:1:1: error: m\n    " + strings.Repeat(" ", 150) + "...\n    ^" + strings.Repeat("~", 152) + "\n"},
		{"unknown position", Diagnostic{Msg: "internal"}, "error: internal\n"},
		{"note", Diagnostic{Span: Span{Pos: Pos{f, 6}, End: 7}, Msg: "N redefined", Notes: []Diagnostic{{Severity: Note, Span: Span{Pos: Pos{f, 0}, End: 5}, Msg: "here"}}},
			"k.q35:1:7: error: N redefined\n    const N = 4\n          ^\nk.q35:1:1: note: here\n    const N = 4\n    ^~~~~\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			Render(&b, tt.d)
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestListSortsDedupsAndCaps(t *testing.T) {
	f := NewFile("a.q35", []byte(strings.Repeat("x\n", 40)))
	var l List
	for i := 30; i >= 0; i-- {
		l.Errorf(Span{Pos: Pos{f, 2 * i}, End: 2*i + 1}, "e%d", i)
	}
	l.Errorf(Span{Pos: Pos{f, 0}, End: 1}, "e0") // a duplicate of a kept one: dropped by the cap anyway
	l.Sort()
	if l.ErrorCount() != MaxErrors {
		t.Fatalf("kept %d errors, want %d", l.ErrorCount(), MaxErrors)
	}
	for i := 1; i < len(l.Diags); i++ {
		if l.Diags[i-1].Span.Off > l.Diags[i].Span.Off {
			t.Fatal("not sorted by position")
		}
	}
	var b strings.Builder
	l.Render(&b)
	if !strings.HasSuffix(b.String(), "too many errors (12 more not shown)\n") {
		t.Errorf("missing the cap line:\n%s", b.String())
	}
	if l.Err() == nil || !strings.Contains(l.Err().Error(), "a.q35:") {
		t.Error("Err does not carry the rendered list")
	}
}

func TestLineCol(t *testing.T) {
	f := NewFile("u.q35", []byte("é = 1\r\nx"))
	if l, c := f.LineCol(3); l != 1 || c != 3 {
		t.Errorf("LineCol(3) = %d:%d, want 1:3 (columns count runes)", l, c)
	}
	if got := f.Line(1); got != "é = 1" {
		t.Errorf("Line(1) = %q: the \\r is not stripped", got)
	}
	if l, c := f.LineCol(100); l != 2 || c != 2 {
		t.Errorf("LineCol past the end = %d:%d, want 2:2", l, c)
	}
}
