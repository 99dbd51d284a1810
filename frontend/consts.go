package frontend

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/q35c/q35c/ir"
)

// parseInt reads an integer literal: decimal, 0x hex or 0b binary, with _
// separators.
func parseInt(text string) (int64, error) {
	s := strings.ReplaceAll(text, "_", "")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
	case strings.HasPrefix(s, "0b") || strings.HasPrefix(s, "0B"):
		s, base = s[2:], 2
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil || v > math.MaxInt64 {
		return 0, fmt.Errorf("integer literal %s does not fit in 64 bits", text)
	}
	return int64(v), nil
}

func defaultType(v constVal) ir.Type {
	switch v.Kind {
	case constFloat:
		return ir.F32
	case constBool:
		return ir.I1
	}
	return ir.I32
}

func (v constVal) String() string {
	switch v.Kind {
	case constInt:
		return strconv.FormatInt(v.Int, 10)
	case constFloat:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case constBool:
		return strconv.FormatBool(v.Int != 0)
	}
	return "?"
}

func (v constVal) asFloat() float64 {
	if v.Kind == constFloat {
		return v.Float
	}
	return float64(v.Int)
}

// foldConst evaluates an operator on two untyped constants. ok is false
// with a message when the operation is invalid or overflows.
func foldConst(op string, x, y constVal) (constVal, string) {
	if x.Kind == constBool || y.Kind == constBool {
		if x.Kind != y.Kind || (op != "==" && op != "!=" && op != "&" && op != "|" && op != "^") {
			return constVal{}, fmt.Sprintf("operator %s is not defined on untyped bool", op)
		}
	}
	if isCompare(op) {
		return foldCompare(op, x, y), ""
	}
	if x.Kind == constFloat || y.Kind == constFloat {
		return foldFloat(op, x.asFloat(), y.asFloat())
	}
	return foldInt(op, x.Int, y.Int)
}

func isCompare(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func foldCompare(op string, x, y constVal) constVal {
	a, b := x.asFloat(), y.asFloat()
	if x.Kind != constFloat && y.Kind != constFloat {
		a, b = 0, 0
		if x.Int < y.Int {
			a = -1
		} else if x.Int > y.Int {
			a = 1
		}
	}
	r := map[string]bool{"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
	if r {
		return constVal{Kind: constBool, Int: 1}
	}
	return constVal{Kind: constBool}
}

func foldFloat(op string, a, b float64) (constVal, string) {
	var r float64
	switch op {
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/":
		if b == 0 {
			return constVal{}, "division by zero"
		}
		r = a / b
	default:
		return constVal{}, fmt.Sprintf("operator %s is not defined on floats", op)
	}
	return constVal{Kind: constFloat, Float: r}, ""
}

func foldInt(op string, a, b int64) (constVal, string) {
	r, overflow := int64(0), false
	switch op {
	case "+":
		r = a + b
		overflow = (a >= 0) == (b >= 0) && (r >= 0) != (a >= 0)
	case "-":
		r = a - b
		overflow = (a >= 0) != (b >= 0) && (r >= 0) != (a >= 0)
	case "*":
		// |a·b| may reach 2^63 only when the product is negative (MinInt64).
		hi, lo := bits.Mul64(uint64(abs(a)), uint64(abs(b)))
		limit := uint64(math.MaxInt64)
		if (a < 0) != (b < 0) {
			limit++
		}
		overflow = hi != 0 || lo > limit
		r = a * b
	case "/", "%":
		if b == 0 {
			return constVal{}, "division by zero"
		}
		if op == "/" {
			r = a / b
			overflow = a == math.MinInt64 && b == -1 // Go wraps it to MinInt64
		} else {
			r = a % b
		}
	case "&":
		r = a & b
	case "|":
		r = a | b
	case "^":
		r = a ^ b
	case "<<", ">>", ">>>":
		if b < 0 || b > 63 {
			return constVal{}, fmt.Sprintf("shift count %d out of range [0, 63]", b)
		}
		switch op {
		case "<<":
			r = a << b
			overflow = r>>b != a
		case ">>":
			r = a >> b
		default:
			r = int64(uint64(a) >> b)
		}
	}
	if overflow {
		return constVal{}, "constant overflow: the result does not fit in 64 bits"
	}
	return constVal{Kind: constInt, Int: r}, ""
}

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// wrapInt truncates v to t's width and sign-extends it back.
func wrapInt(v int64, t ir.Type) int64 {
	if t.IsIndex() || t.Bits >= 64 {
		return v
	}
	if t.Bits == 1 {
		return v & 1
	}
	sh := 64 - uint(t.Bits)
	return v << sh >> sh
}
