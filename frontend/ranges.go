package frontend

import (
	"math"

	"github.com/q35c/q35c/ir"
)

// valueRange bounds the values an integer expression can take, from loop
// ranges, constants and type ranges, so that a data-dependent index can be
// proved in bounds (e.g. a table lookup `lut[(c as index) + 8]` with c: i4).
// known is false when nothing useful is known.
func (c *checker) valueRange(e Expr) (lo, hi int64, known bool) {
	t := e.typeOf()
	if t.Const.Kind == constInt {
		return t.Const.Int, t.Const.Int, true
	}
	if !t.T.IsIntLike() {
		return 0, 0, false
	}
	if a, _ := c.affine(e); a != nil {
		lo, hi := a.Range(c.ivRange)
		return lo, hi, true
	}
	lo, hi, known = c.opRange(e)
	tlo, thi := typeRange(t.T)
	if !known || lo < tlo || hi > thi {
		return tlo, thi, true // it may wrap: anything the type holds
	}
	return lo, hi, true
}

func typeRange(t ir.Type) (int64, int64) {
	if t.IsIndex() {
		return math.MinInt64 / 4, math.MaxInt64 / 4
	}
	if t == ir.I1 {
		return 0, 1
	}
	return t.MinInt(), t.MaxInt()
}

func (c *checker) opRange(e Expr) (int64, int64, bool) {
	switch e := e.(type) {
	case *Ident:
		if s := e.Sym; s != nil && s.hasRange {
			return s.rangeLo, s.rangeHi, true
		}
	case *CastExpr:
		if from := e.X.typeOf().T; from.IsIntLike() {
			return c.valueRange(e.X) // wider: same; narrower: clipped by the caller
		}
	case *BinaryExpr:
		return c.binaryRange(e)
	case *CallExpr:
		return c.callRange(e)
	}
	return 0, 0, false
}

func (c *checker) binaryRange(e *BinaryExpr) (int64, int64, bool) {
	a, b, ok1 := c.valueRange(e.X)
	x, y, ok2 := c.valueRange(e.Y)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	switch e.Op {
	case "+":
		return a + x, b + y, true
	case "-":
		return a - y, b - x, true
	case "*":
		p := []int64{a * x, a * y, b * x, b * y}
		return minOf(p), maxOf(p), true
	case "&":
		if a >= 0 && x >= 0 {
			return 0, min(b, y), true
		}
		if a >= 0 {
			return 0, b, true
		}
		if x >= 0 {
			return 0, y, true
		}
	case ">>", ">>>":
		if x != y || x < 0 || x > 62 {
			break
		}
		if a >= 0 || e.Op == ">>" {
			return a >> x, b >> x, true
		}
		// A logical shift of a possibly negative value: the top x bits are zero.
		if w := int64(e.X.typeOf().T.Bits); x > 0 && w <= 63 {
			return 0, 1<<(w-x) - 1, true
		}
	case "%":
		if x == y && x > 0 {
			if a >= 0 {
				return 0, min(b, x-1), true
			}
			return -(x - 1), x - 1, true
		}
	}
	return 0, 0, false
}

func (c *checker) callRange(e *CallExpr) (int64, int64, bool) {
	args := e.Args
	if e.Name == "select" {
		args = args[1:]
	}
	a, b, ok1 := c.valueRange(args[0])
	x, y, ok2 := c.valueRange(args[1])
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	switch e.Name {
	case "min":
		return min(a, x), min(b, y), true
	case "max":
		return max(a, x), max(b, y), true
	}
	return min(a, x), max(b, y), true
}

func minOf(v []int64) int64 {
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}

func maxOf(v []int64) int64 {
	m := v[0]
	for _, x := range v[1:] {
		m = max(m, x)
	}
	return m
}
