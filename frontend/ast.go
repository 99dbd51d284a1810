package frontend

import (
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// File is the AST of one .q35 source file.
type File struct {
	Src     *diag.File
	Consts  []*ConstDecl
	Kernels []*Kernel
}

// ConstDecl is `const NAME = expr`: a named compile-time constant.
type ConstDecl struct {
	Span  diag.Span
	Name  string
	Value Expr
	Val   constVal // set by the checker
}

// Kernel is one kernel: its buffer parameters and body.
type Kernel struct {
	Span   diag.Span
	Name   string
	Params []*Param
	Body   *Block
}

// Param is a buffer parameter `A: in f32[M, K]`.
type Param struct {
	Span     diag.Span
	Name     string
	Out      bool
	ElemSpan diag.Span
	ElemName string
	Shape    []Expr
	Elem     ir.Type // set by the checker
	Dims     []int64 // set by the checker
}

// Block is a braced list of statements; it is a scope.
type Block struct {
	Span  diag.Span
	Stmts []Stmt
}

// Stmt is a statement: *ForStmt, *LetStmt or *AssignStmt.
type Stmt interface{ stmtSpan() diag.Span }

// ForStmt is `for i in lo..hi step s { ... }`.
type ForStmt struct {
	Span    diag.Span
	Var     *Ident
	Lo, Hi  Expr
	Step    Expr // nil means 1
	Body    *Block
	StepVal int64     // set by the checker
	LoAff   *ir.Expr  // set by the checker: Lo as an affine expression
	HiAff   *ir.Expr  // set by the checker: Hi as an affine expression
	Carried []*Symbol // set by the checker: outer variables the body assigns, in first-assignment order
}

// LetStmt is `let x: T = e` (immutable) or `var x: T = e` (mutable).
type LetStmt struct {
	Span     diag.Span
	Mutable  bool
	Name     *Ident
	TypeSpan diag.Span
	TypeName string // "" when omitted
	Value    Expr
	Sym      *Symbol // set by the checker
}

// AssignStmt is `x = e`, `x op= e`, `A[i] = e` or `A[i] op= e`.
type AssignStmt struct {
	Span   diag.Span
	Target Expr   // *Ident or *IndexExpr
	Op     string // "" for plain assignment, else the binary operator of op=
	Value  Expr
}

func (s *ForStmt) stmtSpan() diag.Span    { return s.Span }
func (s *LetStmt) stmtSpan() diag.Span    { return s.Span }
func (s *AssignStmt) stmtSpan() diag.Span { return s.Span }

// Expr is an expression. The checker records each expression's type.
type Expr interface {
	exprSpan() diag.Span
	typeOf() *exprType
}

// exprType is the checker's annotation of an expression.
type exprType struct {
	T     ir.Type  // ir.Invalid while unchecked or on error
	Const constVal // for untyped and typed constants
}

func (e *exprType) typeOf() *exprType { return e }

// Ident is a name use.
type Ident struct {
	exprType
	Span diag.Span
	Name string
	Sym  *Symbol // set by the checker
}

// IntLit is an integer literal.
type IntLit struct {
	exprType
	Span diag.Span
	Text string
}

// FloatLit is a floating-point literal.
type FloatLit struct {
	exprType
	Span diag.Span
	Text string
}

// BoolLit is true or false.
type BoolLit struct {
	exprType
	Span  diag.Span
	Value bool
}

// IndexExpr is `A[i, j]`.
type IndexExpr struct {
	exprType
	Span   diag.Span
	Buf    *Ident
	Index  []Expr
	Affine []*ir.Expr // set by the checker: each subscript's affine form, nil when data-dependent
}

// UnaryExpr is `-x`, `~x` or `!x`.
type UnaryExpr struct {
	exprType
	Span diag.Span
	Op   string
	X    Expr
}

// BinaryExpr is `x op y`.
type BinaryExpr struct {
	exprType
	Span   diag.Span
	OpSpan diag.Span
	Op     string
	X, Y   Expr
}

// CastExpr is `x as T`.
type CastExpr struct {
	exprType
	Span     diag.Span
	X        Expr
	TypeSpan diag.Span
	TypeName string
}

// CallExpr is a call of a built-in: min, max or select.
type CallExpr struct {
	exprType
	Span diag.Span
	Name string
	Args []Expr
}

func (e *Ident) exprSpan() diag.Span      { return e.Span }
func (e *IntLit) exprSpan() diag.Span     { return e.Span }
func (e *FloatLit) exprSpan() diag.Span   { return e.Span }
func (e *BoolLit) exprSpan() diag.Span    { return e.Span }
func (e *IndexExpr) exprSpan() diag.Span  { return e.Span }
func (e *UnaryExpr) exprSpan() diag.Span  { return e.Span }
func (e *BinaryExpr) exprSpan() diag.Span { return e.Span }
func (e *CastExpr) exprSpan() diag.Span   { return e.Span }
func (e *CallExpr) exprSpan() diag.Span   { return e.Span }
