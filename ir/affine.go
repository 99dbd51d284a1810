package ir

import (
	"fmt"
	"strings"
)

// ExprKind is the kind of an affine expression node.
type ExprKind uint8

const (
	ExprConst    ExprKind = iota // C
	ExprDim                      // an induction variable
	ExprAdd                      // L + R
	ExprMul                      // L * R, R constant
	ExprFloorDiv                 // L floordiv R, R constant > 0
	ExprMod                      // L mod R, R constant > 0
)

// Expr is an affine expression over induction variables. It is immutable;
// share subtrees freely.
type Expr struct {
	Kind ExprKind
	C    int64  // ExprConst
	Dim  *Value // ExprDim: an induction variable (type index)
	L, R *Expr
}

// Const returns the constant expression c.
func Const(c int64) *Expr { return &Expr{Kind: ExprConst, C: c} }

// Dim returns the expression naming induction variable v.
func Dim(v *Value) *Expr { return &Expr{Kind: ExprDim, Dim: v} }

// Add returns l + r, folding constants.
func Add(l, r *Expr) *Expr {
	if l.Kind == ExprConst && r.Kind == ExprConst {
		return Const(l.C + r.C)
	}
	if r.Kind == ExprConst && r.C == 0 {
		return l
	}
	if l.Kind == ExprConst && l.C == 0 {
		return r
	}
	if l.Kind == ExprConst { // keep constants on the right, as MLIR prints them
		l, r = r, l
	}
	return &Expr{Kind: ExprAdd, L: l, R: r}
}

// Mul returns l * c, folding constants.
func Mul(l *Expr, c int64) *Expr {
	switch {
	case l.Kind == ExprConst:
		return Const(l.C * c)
	case c == 1:
		return l
	case c == 0:
		return Const(0)
	}
	return &Expr{Kind: ExprMul, L: l, R: Const(c)}
}

// FloorDiv returns l floordiv c (c > 0), folding constants.
func FloorDiv(l *Expr, c int64) *Expr {
	if l.Kind == ExprConst {
		return Const(floorDiv(l.C, c))
	}
	if c == 1 {
		return l
	}
	return &Expr{Kind: ExprFloorDiv, L: l, R: Const(c)}
}

// Mod returns l mod c (c > 0; result in [0, c)), folding constants.
func Mod(l *Expr, c int64) *Expr {
	if l.Kind == ExprConst {
		return Const(floorMod(l.C, c))
	}
	if c == 1 {
		return Const(0)
	}
	return &Expr{Kind: ExprMod, L: l, R: Const(c)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// Substitute returns e with every induction variable v replaced by sub(v)
// (constants folded again, as the constructors do).
func (e *Expr) Substitute(sub func(*Value) *Expr) *Expr {
	switch e.Kind {
	case ExprDim:
		return sub(e.Dim)
	case ExprAdd:
		return Add(e.L.Substitute(sub), e.R.Substitute(sub))
	case ExprMul:
		return Mul(e.L.Substitute(sub), e.R.C)
	case ExprFloorDiv:
		return FloorDiv(e.L.Substitute(sub), e.R.C)
	case ExprMod:
		return Mod(e.L.Substitute(sub), e.R.C)
	}
	return e
}

// Eval evaluates e with induction variables bound by dim.
func (e *Expr) Eval(dim func(*Value) int64) int64 {
	switch e.Kind {
	case ExprConst:
		return e.C
	case ExprDim:
		return dim(e.Dim)
	case ExprAdd:
		return e.L.Eval(dim) + e.R.Eval(dim)
	case ExprMul:
		return e.L.Eval(dim) * e.R.C
	case ExprFloorDiv:
		return floorDiv(e.L.Eval(dim), e.R.C)
	case ExprMod:
		return floorMod(e.L.Eval(dim), e.R.C)
	}
	panic(fmt.Sprintf("ir: bad affine expression kind %d", e.Kind))
}

// Dims appends the induction variables e uses, in first-use order, without
// duplicates.
func (e *Expr) Dims(out []*Value) []*Value {
	switch e.Kind {
	case ExprDim:
		for _, v := range out {
			if v == e.Dim {
				return out
			}
		}
		return append(out, e.Dim)
	case ExprAdd, ExprMul, ExprFloorDiv, ExprMod:
		return e.R.Dims(e.L.Dims(out))
	}
	return out
}

// IsConst reports whether e is a constant, and its value.
func (e *Expr) IsConst() (int64, bool) { return e.C, e.Kind == ExprConst }

// Format renders e with name giving each induction variable's spelling.
// The syntax is MLIR's affine expression syntax (precedence-aware).
func (e *Expr) Format(name func(*Value) string) string {
	var b strings.Builder
	e.format(&b, name, 0)
	return b.String()
}

// Precedence levels: 0 = sum, 1 = product.
func (e *Expr) format(b *strings.Builder, name func(*Value) string, prec int) {
	switch e.Kind {
	case ExprConst:
		fmt.Fprintf(b, "%d", e.C)
	case ExprDim:
		b.WriteString(name(e.Dim))
	case ExprAdd:
		if prec > 0 {
			b.WriteByte('(')
		}
		e.L.format(b, name, 0)
		if e.R.Kind == ExprConst && e.R.C < 0 {
			fmt.Fprintf(b, " - %d", -e.R.C)
		} else {
			b.WriteString(" + ")
			e.R.format(b, name, 1)
		}
		if prec > 0 {
			b.WriteByte(')')
		}
	case ExprMul, ExprFloorDiv, ExprMod:
		e.L.format(b, name, 1)
		b.WriteString(map[ExprKind]string{ExprMul: " * ", ExprFloorDiv: " floordiv ", ExprMod: " mod "}[e.Kind])
		fmt.Fprintf(b, "%d", e.R.C)
	}
}

// Range returns the smallest and largest value e takes when each induction
// variable v ranges over [lo(v), hi(v)] (inclusive).
func (e *Expr) Range(bounds func(*Value) (lo, hi int64)) (int64, int64) {
	switch e.Kind {
	case ExprConst:
		return e.C, e.C
	case ExprDim:
		return bounds(e.Dim)
	case ExprAdd:
		a, b := e.L.Range(bounds)
		c, d := e.R.Range(bounds)
		return a + c, b + d
	case ExprMul:
		a, b := e.L.Range(bounds)
		if e.R.C >= 0 {
			return a * e.R.C, b * e.R.C
		}
		return b * e.R.C, a * e.R.C
	case ExprFloorDiv:
		a, b := e.L.Range(bounds)
		return floorDiv(a, e.R.C), floorDiv(b, e.R.C)
	case ExprMod:
		a, b := e.L.Range(bounds)
		if floorDiv(a, e.R.C) == floorDiv(b, e.R.C) {
			return floorMod(a, e.R.C), floorMod(b, e.R.C)
		}
		return 0, e.R.C - 1
	}
	return 0, 0
}
