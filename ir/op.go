package ir

import "github.com/q35c/q35c/internal/diag"

// Opcode says what an Op does.
type Opcode uint8

const (
	OpInvalid Opcode = iota

	OpConst // Results[0] = Bits (see Op.Bits)

	// Binary arithmetic: Results[0] = Args[0] op Args[1]; all three share a type.
	OpAdd
	OpSub
	OpMul
	OpDiv  // ints: truncating signed division; floats: IEEE division
	OpRem  // ints only: signed remainder with the sign of the dividend
	OpShl  // ints only
	OpShrS // ints only: arithmetic shift right
	OpShrU // ints only: logical shift right
	OpAnd  // ints only
	OpOr   // ints only
	OpXor  // ints only
	OpMin  // ints: signed; floats: IEEE minimum (NaN propagates)
	OpMax  // ints: signed; floats: IEEE maximum (NaN propagates)

	OpNeg // Results[0] = -Args[0]

	OpCmp    // Results[0] (i1) = Args[0] Pred Args[1]
	OpSelect // Results[0] = Args[0] ? Args[1] : Args[2]
	OpCast   // Results[0] = Args[0] converted to Results[0].Type (see CastKind)

	OpLoad  // Results[0] = Buf[Index]
	OpStore // Buf[Index] = Args[0]

	OpFor   // affine loop; see Loop
	OpYield // terminates a loop body; Args are the next iteration arguments
)

var opNames = [...]string{
	OpInvalid: "invalid", OpConst: "const",
	OpAdd: "add", OpSub: "sub", OpMul: "mul", OpDiv: "div", OpRem: "rem",
	OpShl: "shl", OpShrS: "shrs", OpShrU: "shru", OpAnd: "and", OpOr: "or", OpXor: "xor",
	OpMin: "min", OpMax: "max", OpNeg: "neg", OpCmp: "cmp", OpSelect: "select", OpCast: "cast",
	OpLoad: "load", OpStore: "store", OpFor: "for", OpYield: "yield",
}

func (c Opcode) String() string {
	if int(c) < len(opNames) {
		return opNames[c]
	}
	return "invalid"
}

// IsBinary reports whether c is a two-operand arithmetic op.
func (c Opcode) IsBinary() bool { return c >= OpAdd && c <= OpMax }

// IntOnly reports whether c is defined only on integer (and index) operands.
func (c Opcode) IntOnly() bool {
	switch c {
	case OpRem, OpShl, OpShrS, OpShrU, OpAnd, OpOr, OpXor:
		return true
	}
	return false
}

// Pred is a comparison predicate. Integer comparisons are signed; float
// comparisons are ordered, except Ne which is true when either side is NaN.
type Pred uint8

const (
	PredEq Pred = iota
	PredNe
	PredLt
	PredLe
	PredGt
	PredGe
)

var predNames = [...]string{"eq", "ne", "lt", "le", "gt", "ge"}

func (p Pred) String() string { return predNames[p] }

// Value is an SSA value: an op result, a loop induction variable or a loop
// iteration argument.
type Value struct {
	ID   int
	Type Type
	Def  *Op    // defining op; for IVs and iteration arguments, the OpFor
	Name string // source name hint for printing; may be empty
}

// Subscript is one index of a load or store: an affine expression of
// induction variables, or (for gathers) an integer value.
type Subscript struct {
	Affine *Expr
	Dyn    *Value
}

// Loop is the payload of an OpFor. It iterates IV from max(Lower) while
// IV < min(Upper), by Step. Op.Args are the initial values of IterArgs; Body
// ends with an OpYield giving their next values; Op.Results are their values
// after the last iteration (the initial values if it runs zero times).
type Loop struct {
	IV       *Value
	Lower    []*Expr
	Upper    []*Expr
	Step     int64
	IterArgs []*Value
	Body     *Block
	Parallel bool // set by analyses; no loop-carried dependences besides IterArgs

	// Vector, when at least 2, says the loop runs Vector consecutive
	// iterations at a time as the lanes of one vector operation (set by the
	// vectorize pass; see PlanVector). Its meaning is still the scalar
	// loop's: Step is 1 and the lanes run in order, so the interpreter
	// executes it as written; the trip count must be a multiple of Vector,
	// and the body must satisfy PlanVector, which the verifier checks.
	Vector int64

	// Dot says the loop is a packed dot product (set by the dot pass; see
	// PlanDot): its iteration arguments accumulate products of activation
	// bytes and unpacked codes, which the emitters compute 64 at a time.
	// Its meaning is still the scalar loop's, which the interpreter runs;
	// the verifier checks that PlanDot still accepts it.
	Dot bool
}

// Op is one operation.
type Op struct {
	Code    Opcode
	Pos     diag.Pos
	Args    []*Value
	Results []*Value

	Bits  uint64      // OpConst: the value's bits (ints sign-extended to 64 bits; floats as IEEE bits of their width)
	Pred  Pred        // OpCmp
	Buf   *Buffer     // OpLoad, OpStore
	Index []Subscript // OpLoad, OpStore
	Raw   bool        // OpLoad of a packed i4 buffer: Results[0] (i8) is the whole storage byte holding Buf[Index]
	Loop  *Loop       // OpFor
}

// Result returns the op's single result.
func (o *Op) Result() *Value { return o.Results[0] }

// Block is a sequence of ops.
type Block struct {
	Ops []*Op
}

// ParamKind says whether a buffer is read or written by its function.
type ParamKind uint8

const (
	In  ParamKind = iota // read only
	Out                  // written (and possibly read after being written)
)

func (k ParamKind) String() string {
	if k == Out {
		return "out"
	}
	return "in"
}

// Buffer is a function parameter: a statically shaped, row-major array.
type Buffer struct {
	Name  string
	Kind  ParamKind
	Elem  Type
	Shape []int64
	Pos   diag.Pos
}

// NumElems returns the product of the shape.
func (b *Buffer) NumElems() int64 {
	n := int64(1)
	for _, d := range b.Shape {
		n *= d
	}
	return n
}

// StorageBytes returns the size of the buffer's storage in bytes; packed
// i4 buffers hold two codes per byte along the flattened row-major order
// (element e in byte e/2, low nibble first), so an odd count rounds up.
func (b *Buffer) StorageBytes() int64 {
	if packed, _ := StorageElem(b.Elem); packed {
		return (b.NumElems() + 1) / 2
	}
	return b.NumElems() * int64(b.Elem.Bits/8)
}

// Func is a kernel: named buffers and a body.
type Func struct {
	Name   string
	Params []*Buffer
	Tables []*Table // read-only constant buffers the body may load from; not parameters (see Table)
	Body   *Block
	Pos    diag.Pos
	nextID int
}

// Module is a compilation unit: the kernels of one source file.
type Module struct {
	Name  string // source file name
	Funcs []*Func
}

// Func returns the function named name, or nil.
func (m *Module) Func(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// NewValue creates a value of type t in f, with a fresh ID.
func (f *Func) NewValue(t Type, name string) *Value {
	f.nextID++
	return &Value{ID: f.nextID, Type: t, Name: name}
}

// Walk calls fn on every op of b in program order, descending into loop
// bodies after visiting the loop op itself.
func (b *Block) Walk(fn func(*Op)) {
	for _, op := range b.Ops {
		fn(op)
		if op.Code == OpFor {
			op.Loop.Body.Walk(fn)
		}
	}
}
