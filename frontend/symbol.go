package frontend

import (
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// SymKind says what a name denotes.
type SymKind uint8

const (
	SymConst   SymKind = iota // a named compile-time constant
	SymBuffer                 // a kernel's buffer parameter
	SymLoopVar                // a for loop's induction variable (type index)
	SymLet                    // an immutable scalar
	SymVar                    // a mutable scalar; loops carry it when they assign it
)

var symKindNames = [...]string{"constant", "buffer", "loop variable", "value", "variable"}

func (k SymKind) String() string { return symKindNames[k] }

// Symbol is a declared name.
type Symbol struct {
	Kind  SymKind
	Name  string
	Def   diag.Span
	Type  ir.Type
	Const constVal  // SymConst
	Param *Param    // SymBuffer
	IV    *ir.Value // SymLoopVar: the IR induction variable (shared with lowering)
	Lo    int64     // SymLoopVar: smallest value it takes
	Hi    int64     // SymLoopVar: largest value it takes
	depth int       // loop depth of the declaration
	// written records, for out buffers, that a store to it was seen; a load
	// before that reads an output before it is written.
	written bool
	// rangeLo and rangeHi bound a let's value (from its initializer).
	rangeLo, rangeHi int64
	hasRange         bool
	// Affine is, for an index-typed let, its value as an affine expression;
	// uses of the name in subscripts and bounds stay affine.
	Affine *ir.Expr
}

// constVal is a compile-time constant: an integer, a float or a bool.
type constVal struct {
	Kind  constKind
	Int   int64
	Float float64
}

type constKind uint8

const (
	constNone constKind = iota
	constInt
	constFloat
	constBool
)
