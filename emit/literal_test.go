package emit

import (
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

func TestConstLit(t *testing.T) {
	tests := []struct {
		t    ir.Type
		bits uint64
		want string
	}{
		{ir.F32, 0x3F800000, "1.0e+00 : f32"}, // MLIR has no float token without '.'
		{ir.F32, 0xBF000000, "-5.0e-01 : f32"},
		{ir.F32, 0x3FC00000, "1.5e+00 : f32"},
		{ir.F32, 0x80000000, "-0.0e+00 : f32"},
		{ir.F32, 0x7FC00000, "0x7FC00000 : f32"},
		{ir.F16, 0x3C00, "1.0e+00 : f16"},
		{ir.F16, 0x7C00, "0x7C00 : f16"},
		{ir.I1, 1, "true"},
		{ir.I1, 0, "false"},
		{ir.I8, uint64(0xFFFFFFFFFFFFFF80), "-128 : i8"},
		{ir.I64, 1 << 63, "-9223372036854775808 : i64"},
		{ir.Index, 7, "7 : index"},
	}
	for _, tt := range tests {
		if got := constLit(tt.t, tt.bits); got != tt.want {
			t.Errorf("constLit(%s, %#x) = %q, want %q", tt.t, tt.bits, got, tt.want)
		}
	}
}

func TestLoc(t *testing.T) {
	f := diag.NewFile("dir/k \"1\".q35", []byte("a\n  bc\n"))
	if got, want := loc(diag.Pos{File: f, Off: 4}), ` loc("dir/k \221\22.q35":2:3)`; got != want {
		t.Errorf("loc = %s, want %s", got, want)
	}
	if got := loc(diag.Pos{}); got != "" {
		t.Errorf("loc of an unknown position = %q, want nothing", got)
	}
}

func TestIdentifiers(t *testing.T) {
	for s, want := range map[string][2]bool{ // {bare @name, %name}
		"matmul": {true, true}, "_k2": {true, true}, "a.b$c": {true, true}, "x-y": {false, true},
		"2x": {false, false}, "": {false, false}, "a b": {false, false}, "é": {false, false},
	} {
		if got := [2]bool{isBareID(s), isSuffixID(s)}; got != want {
			t.Errorf("isBareID, isSuffixID(%q) = %v, want %v", s, got, want)
		}
	}
}
