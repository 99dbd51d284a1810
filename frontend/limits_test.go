package frontend

import (
	"strings"
	"testing"
)

// Hostile input gets an error, not a stack overflow.
func TestHostileNesting(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"parentheses", "kernel k(C: out f32[1]) { C[0] = " + strings.Repeat("(", 100000) + "1.0" + strings.Repeat(")", 100000) + " }", "nesting too deep"},
		{"prefix operators", "kernel k(C: out i32[1]) { C[0] = " + strings.Repeat("-", 100000) + "1 }", "too many prefix operators"},
		{"long sum", "kernel k(C: out i32[1]) { C[0] = 1" + strings.Repeat(" + 1", 5000) + " }", "expression too large"},
		{"deep loops", "kernel k(C: out f32[1]) {" + strings.Repeat("for i in 0..1 {", 100000) + "C[0] = 1.0" + strings.Repeat("}", 100001), "nesting too deep"},
		{"10 MB of sums on one line", "kernel k(C: out i32[1]) { C[0] = 1" + strings.Repeat("+1", 5<<20) + " }", "file too large: more than 100000 tokens"},
		{"many statements", "kernel k(C: out i32[1]) {\n" + strings.Repeat("C[0] = 1\n", 200000) + "}", "file too large"},
		{"10 MB literal", "kernel k(C: out i64[1]) { C[0] = " + strings.Repeat("9", 10<<20) + " }", "name or number too long: 10485760 bytes"},
		{"10 MB name", "kernel k(C: out i64[1]) { C[0] = " + strings.Repeat("a", 10<<20) + " }", "name or number too long"},
		{"10 MB of blanks on one line is fine", "kernel k(C: out f32[1]) { C[0] = 1.0" + strings.Repeat(" ", 10<<20) + "}", ""},
		{"a long comment is fine", "// " + strings.Repeat("x", 10<<20) + "\nkernel k(C: out f32[1]) { C[0] = 1.0 }", ""},
		{"brackets in comments are ignored", "// " + strings.Repeat("(", 1000) + "\nkernel k(C: out f32[1]) { C[0] = 1.0 }", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m, diags := Compile("h.q35", []byte(tt.src))
			if tt.want == "" {
				if m == nil {
					t.Fatalf("rejected: %v", diags.Err())
				}
				return
			}
			if m != nil || diags.Err() == nil || !strings.Contains(diags.Err().Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, diags.Err())
			}
		})
	}
}
