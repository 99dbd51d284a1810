package emit

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// constLit spells an arith.constant's value and type: "42 : i32",
// "true", "1.5e+00 : f32", "0x7FC00000 : f32".
func constLit(t ir.Type, bits uint64) string {
	if t == ir.I1 {
		if bits&1 != 0 {
			return "true"
		}
		return "false"
	}
	if t.IsFloat() {
		return floatLit(t, bits) + " : " + t.String()
	}
	return ir.FormatConst(t, bits) + " : " + t.String()
}

// floatLit spells float bits as MLIR reads them. MLIR's float token needs
// a '.', so ir.FormatConst's "1e+00" becomes "1.0e+00"; its hexadecimal
// form is a bit pattern, which MLIR accepts as is.
func floatLit(t ir.Type, bits uint64) string {
	s := ir.FormatConst(t, bits)
	if strings.HasPrefix(s, "0x") || strings.Contains(s, ".") {
		return s
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}

// loc spells pos as a trailing MLIR location, or "" when unknown.
func loc(pos diag.Pos) string {
	if !pos.IsKnown() {
		return ""
	}
	l, c := pos.LineCol()
	return fmt.Sprintf(" loc(%s:%d:%d)", quote(pos.File.Name), l, c)
}

// quote spells s as an MLIR string literal: printable ASCII as is except
// '"' and '\\', everything else as \XX hex escapes.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

// isBareID reports whether s can follow '@' unquoted: [A-Za-z_][A-Za-z0-9_$.]*.
func isBareID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || c == '_' || i > 0 && (isDigit(c) || c == '$' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// isSuffixID reports whether s can follow '%': a letter or [$._-] then
// letters, digits and [$._-]. (All-digit names would clash with the
// Namer's numbered values.)
func isSuffixID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || strings.IndexByte("$._-", c) >= 0 || i > 0 && isDigit(c)) {
			return false
		}
	}
	return s != ""
}

// isSSAName reports whether s can follow '%' as a value name: digits only
// (the Namer's numbered values) or a suffix identifier.
func isSSAName(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == "" || isSuffixID(s)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
