package ir

// The parser of functions, parameters, tables, blocks and ops; the
// printer's counterpart is print.go.

// funcParser holds what one function's text has defined so far.
type funcParser struct {
	*parser
	f      *Func
	namer  *Namer              // replays the printer's naming, to recover name hints
	bufs   map[string]*Buffer  // parameters and tables by name
	scopes []map[string]*Value // visible values, innermost block last
	ivs    map[*Value]bool     // induction variables (a lone one in a subscript is affine)
}

// function parses "func @name(params) { tables ops }".
func (p *parser) function() (*Func, error) {
	start := p.tok.off
	if err := p.want("func"); err != nil {
		return nil, err
	}
	name, err := p.take(tFunc, "a function name (@name)")
	if err != nil {
		return nil, err
	}
	fp := &funcParser{parser: p, f: &Func{Name: name.text[1:], Pos: p.pos(start), Body: &Block{}},
		namer: NewNamer(), bufs: map[string]*Buffer{}, ivs: map[*Value]bool{}}
	if err := fp.params(); err != nil {
		return nil, err
	}
	if err := p.want("{"); err != nil {
		return nil, err
	}
	for p.is("table") {
		if err := fp.table(); err != nil {
			return nil, err
		}
	}
	if err := fp.block(fp.f.Body, 0); err != nil {
		return nil, err
	}
	return fp.f, nil
}

// params parses "(%a: in f32[4, 16], ...)".
func (fp *funcParser) params() error {
	if err := fp.want("("); err != nil {
		return err
	}
	for !fp.accept(")") {
		if len(fp.f.Params) > 0 {
			if err := fp.want(","); err != nil {
				return err
			}
		}
		b, err := fp.buffer()
		if err != nil {
			return err
		}
		if b.Kind, err = fp.kind(); err != nil {
			return err
		}
		if err := fp.bufferType(b); err != nil {
			return err
		}
		fp.f.Params = append(fp.f.Params, b)
	}
	return nil
}

// buffer parses "%name:" and declares a buffer of that name.
func (fp *funcParser) buffer() (*Buffer, error) {
	t, err := fp.take(tValue, "a buffer name (%name)")
	if err != nil {
		return nil, err
	}
	if fp.bufs[t.text[1:]] != nil {
		return nil, fp.failAt(t.off, "buffer %s is declared twice", t.text)
	}
	b := &Buffer{Name: t.text[1:], Pos: fp.pos(t.off)}
	fp.bufs[b.Name] = b
	fp.namer.Reserve(t.text)
	return b, fp.want(":")
}

func (fp *funcParser) kind() (ParamKind, error) {
	switch {
	case fp.accept("in"):
		return In, nil
	case fp.accept("out"):
		return Out, nil
	}
	return In, fp.expected("'in' or 'out'")
}

// bufferType parses "f32[4, 16]" into b.
func (fp *funcParser) bufferType(b *Buffer) error {
	var err error
	if b.Elem, err = fp.typ(); err != nil {
		return err
	}
	b.Shape = []int64{}
	return fp.list("[", "]", func() error {
		d, err := fp.int64("a dimension")
		b.Shape = append(b.Shape, d)
		return err
	})
}

// list parses open item (, item)* close, or open close.
func (p *parser) list(open, close string, item func() error) error {
	if err := p.want(open); err != nil {
		return err
	}
	if p.accept(close) {
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.accept(close) {
			return nil
		}
		if err := p.want(","); err != nil {
			return err
		}
	}
}

// table parses "table %name: i8[16] = [0, 1, ...]".
func (fp *funcParser) table() error {
	fp.next()
	b, err := fp.buffer()
	if err != nil {
		return err
	}
	if err := fp.bufferType(b); err != nil {
		return err
	}
	t := &Table{Buf: b, Data: []int64{}}
	if err := fp.want("="); err != nil {
		return err
	}
	err = fp.list("[", "]", func() error {
		x, err := fp.int64("an integer")
		t.Data = append(t.Data, x)
		return err
	})
	fp.f.Tables = append(fp.f.Tables, t)
	return err
}

// block parses ops into b up to its closing brace; values defined in it
// are visible until then.
func (fp *funcParser) block(b *Block, depth int) error {
	if depth > maxDepth {
		return fp.fail("loops nested more than %d deep", maxDepth)
	}
	fp.scopes = append(fp.scopes, map[string]*Value{})
	defer func() { fp.scopes = fp.scopes[:len(fp.scopes)-1] }()
	for !fp.accept("}") {
		op, err := fp.op(depth)
		if err != nil {
			return err
		}
		b.Ops = append(b.Ops, op)
	}
	return nil
}

// op parses one op: a store, a yield, a loop, or "%r = ..." .
func (fp *funcParser) op(depth int) (*Op, error) {
	start := fp.tok.off
	switch {
	case fp.accept("store"):
		return fp.store(start)
	case fp.accept("yield"):
		return fp.yield(start)
	case fp.is("for"):
		return fp.loop(start, nil, depth)
	case fp.tok.kind != tValue:
		return nil, fp.expected("an op")
	}
	var res []token
	for {
		t, err := fp.take(tValue, "a result name (%name)")
		if err != nil {
			return nil, err
		}
		res = append(res, t)
		if !fp.accept(",") {
			break
		}
	}
	if err := fp.want("="); err != nil {
		return nil, err
	}
	if fp.is("for") {
		return fp.loop(start, res, depth)
	}
	if len(res) != 1 {
		return nil, fp.failAt(res[1].off, "only a loop has more than one result")
	}
	return fp.valueOp(start, res[0])
}

// valueOp parses the right-hand side of an op with one result r.
func (fp *funcParser) valueOp(start int, r token) (*Op, error) {
	op := &Op{Pos: fp.pos(start)}
	hint, err := fp.hint(r)
	if err != nil {
		return nil, err
	}
	name := fp.tok
	if name.kind != tIdent {
		return nil, fp.expected("an opcode")
	}
	fp.next()
	var t Type
	switch name.text {
	case "const":
		t, err = fp.constant(op)
	case "cmp":
		t, err = fp.cmp(op)
	case "cast":
		t, err = fp.cast(op)
	case "load", "load.byte":
		op.Raw = name.text == "load.byte"
		t, err = fp.load(op)
	default:
		t, err = fp.generic(op, name)
	}
	if err != nil {
		return nil, err
	}
	v := fp.f.NewValue(t, hint)
	v.Def = op
	op.Results = []*Value{v}
	fp.define(r.text, v)
	return op, nil
}

// genericArity gives the operand count of the ops printed as "%r = code args : T".
func genericArity(c Opcode) int {
	switch {
	case c.IsBinary():
		return 2
	case c == OpNeg:
		return 1
	case c == OpSelect:
		return 3
	}
	return 0
}

// generic parses "args : T" of a binary op, neg or select.
func (fp *funcParser) generic(op *Op, name token) (Type, error) {
	for c := range opNames {
		if opNames[c] == name.text {
			op.Code = Opcode(c)
		}
	}
	n := genericArity(op.Code)
	if n == 0 {
		return Invalid, fp.failAt(name.off, "expected an opcode, found %s", name)
	}
	var err error
	if op.Args, err = fp.uses(); err != nil {
		return Invalid, err
	}
	if len(op.Args) != n {
		return Invalid, fp.failAt(name.off, "%s takes %d operands, found %d", op.Code, n, len(op.Args))
	}
	if err := fp.want(":"); err != nil {
		return Invalid, err
	}
	return fp.typ()
}

// constant parses "LIT : T".
func (fp *funcParser) constant(op *Op) (Type, error) {
	op.Code = OpConst
	lit, err := fp.take(tNumber, "a constant")
	if err != nil {
		return Invalid, err
	}
	if err := fp.want(":"); err != nil {
		return Invalid, err
	}
	t, err := fp.typ()
	if err != nil {
		return Invalid, err
	}
	bits, ok := ParseConst(t, lit.text)
	if !ok {
		return Invalid, fp.failAt(lit.off, "expected a constant of type %s, found %s", t, lit)
	}
	op.Bits = bits
	return t, nil
}

// cmp parses "PRED a, b : T"; the result is i1.
func (fp *funcParser) cmp(op *Op) (Type, error) {
	op.Code = OpCmp
	pred := -1
	for i, s := range predNames {
		if fp.tok.kind == tIdent && fp.tok.text == s {
			pred = i
		}
	}
	if pred < 0 {
		return Invalid, fp.expected("a predicate (eq, ne, lt, le, gt, ge)")
	}
	op.Pred = Pred(pred)
	fp.next()
	var err error
	if op.Args, err = fp.uses(); err != nil {
		return Invalid, err
	}
	if len(op.Args) != 2 {
		return Invalid, fp.fail("cmp takes 2 operands, found %d", len(op.Args))
	}
	if err := fp.want(":"); err != nil {
		return Invalid, err
	}
	return I1, fp.typeOf(op.Args[0])
}

// cast parses "a : T to U"; the result is a U.
func (fp *funcParser) cast(op *Op) (Type, error) {
	op.Code = OpCast
	a, err := fp.use()
	if err != nil {
		return Invalid, err
	}
	op.Args = []*Value{a}
	if err := fp.want(":"); err != nil {
		return Invalid, err
	}
	if err := fp.typeOf(a); err != nil {
		return Invalid, err
	}
	if err := fp.want("to"); err != nil {
		return Invalid, err
	}
	return fp.typ()
}

// typeOf parses a type that must be v's.
func (fp *funcParser) typeOf(v *Value) error {
	at := fp.tok.off
	t, err := fp.typ()
	if err == nil && t != v.Type {
		return fp.failAt(at, "expected %s (the operand's type), found %s", v.Type, t)
	}
	return err
}

// load parses "%buf[subscripts] : T".
func (fp *funcParser) load(op *Op) (Type, error) {
	op.Code = OpLoad
	if err := fp.access(op); err != nil {
		return Invalid, err
	}
	if err := fp.want(":"); err != nil {
		return Invalid, err
	}
	return fp.typ()
}

// store parses "store v, %buf[subscripts] : T" after the keyword.
func (fp *funcParser) store(start int) (*Op, error) {
	op := &Op{Code: OpStore, Pos: fp.pos(start)}
	v, err := fp.use()
	if err != nil {
		return nil, err
	}
	op.Args = []*Value{v}
	if err := fp.want(","); err != nil {
		return nil, err
	}
	if err := fp.access(op); err != nil {
		return nil, err
	}
	if err := fp.want(":"); err != nil {
		return nil, err
	}
	return op, fp.typeOf(v)
}

// access parses "%buf[subscripts]" into op.
func (fp *funcParser) access(op *Op) error {
	t, err := fp.take(tValue, "a buffer (%name)")
	if err != nil {
		return err
	}
	if op.Buf = fp.bufs[t.text[1:]]; op.Buf == nil {
		return fp.failAt(t.off, "%s is not a parameter or table of @%s", t.text, fp.f.Name)
	}
	op.Index = []Subscript{}
	return fp.list("[", "]", func() error {
		s, err := fp.subscript()
		op.Index = append(op.Index, s)
		return err
	})
}

// subscript parses an affine expression; a lone value that is not an
// induction variable is a dynamic subscript.
func (fp *funcParser) subscript() (Subscript, error) {
	e, err := fp.expr(0)
	if err != nil {
		return Subscript{}, err
	}
	if e.Kind == ExprDim && !fp.ivs[e.Dim] {
		return Subscript{Dyn: e.Dim}, nil
	}
	return Subscript{Affine: e}, nil
}

// yield parses "yield [values]" after the keyword: values on the same line.
func (fp *funcParser) yield(start int) (*Op, error) {
	op := &Op{Code: OpYield, Pos: fp.pos(start)}
	if fp.tok.kind != tValue || fp.tok.nl {
		return op, nil
	}
	var err error
	op.Args, err = fp.uses()
	return op, err
}

// uses parses "a, b, ...": at least one value.
func (fp *funcParser) uses() ([]*Value, error) {
	var vs []*Value
	for {
		v, err := fp.use()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if !fp.accept(",") {
			return vs, nil
		}
	}
}
