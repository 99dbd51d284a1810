package frontend

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer. Order matters: longer operators before their prefixes.
var q35Lexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "Float", Pattern: `\d[\d_]*\.\d[\d_]*([eE][+-]?\d+)?|\d[\d_]*[eE][+-]?\d+`},
	{Name: "Int", Pattern: `0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*`},
	{Name: "Ident", Pattern: `[a-zA-Z_][a-zA-Z0-9_]*`},
	{Name: "Op", Pattern: `>>>=|<<=|>>=|>>>|<<|>>|<=|>=|==|!=|\.\.|\+=|-=|\*=|/=|%=|&=|\|=|\^=|->|[-+*/%&|^~!<>=(){}\[\],:;]`},
})

// The parse tree. These structs mirror the grammar; build.go turns them into
// the AST. Every node records its start and end so diagnostics can underline
// exactly what the user wrote.

type pFile struct {
	Decls []*pDecl `parser:"@@*"`
}

type pDecl struct {
	Const  *pConst  `parser:"  @@"`
	Kernel *pKernel `parser:"| @@"`
}

type pConst struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"'const' @Ident '='"`
	Value  *pExpr `parser:"@@ ';'?"`
}

type pKernel struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string    `parser:"'kernel' @Ident '('"`
	Params []*pParam `parser:"( @@ ( ',' @@ )* ','? )? ')'"`
	Body   *pBlock   `parser:"@@"`
}

type pParam struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string   `parser:"@Ident ':'"`
	Kind   string   `parser:"@('in' | 'out')"`
	Elem   *pType   `parser:"@@"`
	Shape  []*pExpr `parser:"'[' ( @@ ( ',' @@ )* )? ']'"`
}

type pType struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident"`
}

type pBlock struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Stmts  []*pStmt `parser:"'{' @@* '}'"`
}

type pStmt struct {
	For    *pFor    `parser:"(  @@"`
	Let    *pLet    `parser:" | @@"`
	Assign *pAssign `parser:" | @@ ) ';'?"`
}

type pFor struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Var    *pIdent `parser:"'for' @@ 'in'"`
	Lo     *pExpr  `parser:"@@ '..'"`
	Hi     *pExpr  `parser:"@@"`
	Step   *pExpr  `parser:"( 'step' @@ )?"`
	Body   *pBlock `parser:"@@"`
}

type pIdent struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident"`
}

type pLet struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Keyword string  `parser:"@('let' | 'var')"`
	Name    *pIdent `parser:"@@"`
	Type    *pType  `parser:"( ':' @@ )?"`
	Value   *pExpr  `parser:"'=' @@"`
}

type pAssign struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Target *pRef  `parser:"@@"`
	Op     string `parser:"@('=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>>=' | '>>=')"`
	Value  *pExpr `parser:"@@"`
}

// pRef is a name, optionally subscripted: x or A[i, j].
type pRef struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string   `parser:"@Ident"`
	Index  []*pExpr `parser:"( '[' @@ ( ',' @@ )* ']' )?"`
}

// Expressions, by precedence level (Go's): comparison < additive <
// multiplicative < cast < unary < primary.

type pExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pAdd  `parser:"@@"`
	Op     string `parser:"( @('==' | '!=' | '<=' | '>=' | '<' | '>')"`
	Right  *pAdd  `parser:"  @@ )?"`
}

type pAdd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pMul     `parser:"@@"`
	Rest   []*pAddOp `parser:"@@*"`
}

type pAddOp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string `parser:"@('+' | '-' | '|' | '^')"`
	Right  *pMul  `parser:"@@"`
}

type pMul struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pCast    `parser:"@@"`
	Rest   []*pMulOp `parser:"@@*"`
}

type pMulOp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string `parser:"@('*' | '/' | '%' | '<<' | '>>>' | '>>' | '&')"`
	Right  *pCast `parser:"@@"`
}

type pCast struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *pUnary  `parser:"@@"`
	As     []*pType `parser:"( 'as' @@ )*"`
}

type pUnary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string    `parser:"(  @('-' | '~' | '!')"`
	X      *pUnary   `parser:"   @@ )"`
	Prim   *pPrimary `parser:"| @@"`
}

type pPrimary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Float  *string `parser:"  @Float"`
	Int    *string `parser:"| @Int"`
	Bool   *string `parser:"| @('true' | 'false')"`
	Call   *pCall  `parser:"| @@"`
	Ref    *pRef   `parser:"| @@"`
	Paren  *pExpr  `parser:"| '(' @@ ')'"`
}

type pCall struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string   `parser:"@('min' | 'max' | 'select') '('"`
	Args   []*pExpr `parser:"( @@ ( ',' @@ )* )? ')'"`
}

var parser = participle.MustBuild[pFile](
	participle.Lexer(q35Lexer),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(3),
)
