package ir

import (
	"fmt"
	"sort"
)

// This file is PlanDot's symbolic executor. It runs the body of a
// reduction nest once per iteration, with the loop variables outside the
// nest kept as symbols, and tracks every integer value bit by bit: a bit is
// a constant or bit i of a byte the nest loads. A product of an activation
// byte and a code made of loaded bits becomes a term of the accumulator it
// is added to. Anything else (floats, stores, data-dependent shifts, bits
// mixed by arithmetic) ends the analysis with the reason.

// symLin is an affine form Σ k·v + c over loop variables outside the nest,
// its terms sorted by value ID.
type symLin struct {
	ts []symLinTerm
	c  int64
}

type symLinTerm struct {
	v *Value
	k int64
}

func symConst(c int64) symLin { return symLin{c: c} }

func symVar(v *Value) symLin { return symLin{ts: []symLinTerm{{v, 1}}} }

func (a symLin) isConst() bool { return len(a.ts) == 0 }

func (a symLin) scale(k int64) symLin {
	if k == 0 {
		return symConst(0)
	}
	out := symLin{c: a.c * k, ts: make([]symLinTerm, len(a.ts))}
	for i, t := range a.ts {
		out.ts[i] = symLinTerm{t.v, t.k * k}
	}
	return out
}

func (a symLin) plus(b symLin) symLin {
	out := symLin{c: a.c + b.c}
	i, j := 0, 0
	for i < len(a.ts) || j < len(b.ts) {
		switch {
		case j == len(b.ts) || i < len(a.ts) && a.ts[i].v.ID < b.ts[j].v.ID:
			out.ts = append(out.ts, a.ts[i])
			i++
		case i == len(a.ts) || b.ts[j].v.ID < a.ts[i].v.ID:
			out.ts = append(out.ts, b.ts[j])
			j++
		default:
			if k := a.ts[i].k + b.ts[j].k; k != 0 {
				out.ts = append(out.ts, symLinTerm{a.ts[i].v, k})
			}
			i, j = i+1, j+1
		}
	}
	return out
}

// sameVars reports whether a and b differ by a constant.
func (a symLin) sameVars(b symLin) bool {
	return a.plus(b.scale(-1)).isConst()
}

// divisible reports whether every variable's coefficient is a multiple of
// d, so that floordiv and mod by d act on the constant alone.
func (a symLin) divisible(d int64) bool {
	for _, t := range a.ts {
		if t.k%d != 0 {
			return false
		}
	}
	return true
}

// expr returns a as an affine expression plus the constant c.
func (a symLin) expr(c int64) *Expr {
	e := Const(a.c + c)
	for i := len(a.ts) - 1; i >= 0; i-- {
		e = Add(Mul(Dim(a.ts[i].v), a.ts[i].k), e)
	}
	return e
}

// symBit is one bit of a symbolic integer: the constant val when src < 0,
// else bit idx of loaded byte src.
type symBit struct {
	src int32
	idx uint8
	val bool
}

var bit0, bit1 = symBit{src: -1}, symBit{src: -1, val: true}

func (b symBit) isConst() bool { return b.src < 0 }

// symByte is a byte the nest loads: storage byte off of buf.
type symByte struct {
	buf *Buffer
	off symLin
}

type symKind uint8

const (
	symIndex symKind = iota // symLin
	symBits                 // bits, least significant first
	symProd                 // prod
	symSum                  // acc plus terms
)

// symVal is the symbolic value of an IR value at one iteration.
type symVal struct {
	kind   symKind
	symLin symLin
	bits   []symBit
	prod   dotTerm
	acc    int
	terms  []dotTerm
	t      Type
}

// dotTerm is one product: activation byte act (signed) times the code whose
// bits are code (least significant first), sign-extended when signed.
type dotTerm struct {
	act    int32
	code   []symBit
	signed bool
}

// concrete returns the value of all-constant bits, sign-extended.
func concrete(bits []symBit) (int64, bool) {
	var v uint64
	for i, b := range bits {
		if !b.isConst() {
			return 0, false
		}
		if b.val {
			v |= 1 << i
		}
	}
	sh := 64 - uint(len(bits))
	return int64(v<<sh) >> sh, true
}

func constBits(v int64, width uint8) []symBit {
	out := make([]symBit, width)
	for i := range out {
		if v>>i&1 != 0 {
			out[i] = bit1
		} else {
			out[i] = bit0
		}
	}
	return out
}

// dotSym is the state of one symbolic execution.
type dotSym struct {
	root   *Op
	env    map[*Value]symVal
	inside map[*Value]bool // values defined in the nest (IVs, iteration arguments, results)
	bytes  []symByte
	byteID map[string]int32
	steps  int
}

// maxDotSteps bounds the ops the executor runs (the unrolled nest).
const maxDotSteps = 1 << 16

func (s *dotSym) fail(o *Op, format string, args ...any) error {
	return &VectorError{At: o, Msg: fmt.Sprintf(format, args...)}
}

// value returns the symbolic value of v, which is defined in the nest or
// is a loop variable or constant from outside it.
func (s *dotSym) value(o *Op, v *Value) (symVal, error) {
	if x, ok := s.env[v]; ok {
		return x, nil
	}
	if s.inside[v] {
		return symVal{}, s.fail(o, "%s is used before it is defined", srcName(v))
	}
	switch {
	case v.Def != nil && v.Def.Code == OpFor && v.Def.Loop.IV == v:
		return symVal{kind: symIndex, symLin: symVar(v), t: Index}, nil
	case v.Def != nil && v.Def.Code == OpConst:
		return s.constant(v.Def)
	}
	return symVal{}, s.fail(o, "the loop uses %s, computed outside it", srcName(v))
}

func (s *dotSym) constant(o *Op) (symVal, error) {
	t := o.Result().Type
	switch {
	case t.IsIndex():
		return symVal{kind: symIndex, symLin: symConst(int64(o.Bits)), t: t}, nil
	case t.IsInt():
		return symVal{kind: symBits, bits: constBits(int64(o.Bits), t.Bits), t: t}, nil
	}
	return symVal{}, s.fail(o, "the loop computes in %s; only integer products can be packed", t)
}

// block runs the ops of b, except a final yield, whose values it returns.
func (s *dotSym) block(b *Block) ([]symVal, error) {
	for _, o := range b.Ops {
		if s.steps++; s.steps > maxDotSteps {
			return nil, s.fail(s.root, "the loop nest runs more than %d operations", maxDotSteps)
		}
		if o.Code == OpYield {
			out := make([]symVal, len(o.Args))
			for i, a := range o.Args {
				x, err := s.value(o, a)
				if err != nil {
					return nil, err
				}
				out[i] = x
			}
			return out, nil
		}
		if err := s.op(o); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// loop runs every iteration of the loop o and binds its results.
func (s *dotSym) loop(o *Op, inits []symVal) ([]symVal, error) {
	l := o.Loop
	if l.Vector != 0 || l.Parallel || len(l.Lower) != 1 || len(l.Upper) != 1 || l.Step <= 0 {
		return nil, s.fail(o, "the nest holds a vector, parallel or multi-bound loop")
	}
	lo, err := s.expr(o, l.Lower[0])
	if err != nil {
		return nil, err
	}
	hi, err := s.expr(o, l.Upper[0])
	if err != nil {
		return nil, err
	}
	span := hi.plus(lo.scale(-1))
	if !span.isConst() {
		return nil, s.fail(o, "the trip count of the loop over %s depends on outer loops", srcName(l.IV))
	}
	its := inits
	for x := int64(0); x < span.c; x += l.Step {
		s.env[l.IV] = symVal{kind: symIndex, symLin: lo.plus(symConst(x)), t: Index}
		if len(its) != len(l.IterArgs) { // malformed IR: the verifier reports it
			return nil, s.fail(o, "the loop over %s carries %d values, not %d", srcName(l.IV), len(its), len(l.IterArgs))
		}
		for i, a := range l.IterArgs {
			s.env[a] = its[i]
		}
		next, err := s.block(l.Body)
		if err != nil {
			return nil, err
		}
		its = next
	}
	return its, nil
}

// expr evaluates an affine expression; floordiv and mod need every
// symbolic coefficient to be a multiple of the divisor.
func (s *dotSym) expr(o *Op, e *Expr) (symLin, error) {
	switch e.Kind {
	case ExprConst:
		return symConst(e.C), nil
	case ExprDim:
		x, err := s.value(o, e.Dim)
		return x.symLin, err
	case ExprAdd:
		l, err := s.expr(o, e.L)
		if err != nil {
			return symLin{}, err
		}
		r, err := s.expr(o, e.R)
		return l.plus(r), err
	case ExprMul:
		l, err := s.expr(o, e.L)
		return l.scale(e.R.C), err
	}
	l, err := s.expr(o, e.L)
	if err != nil {
		return symLin{}, err
	}
	d := e.R.C
	if !l.divisible(d) {
		return symLin{}, s.fail(o, "%s is not the same in every iteration of the outer loops", e.Format(srcName))
	}
	if e.Kind == ExprFloorDiv {
		out := l.scale(1)
		for i := range out.ts {
			out.ts[i].k /= d
		}
		out.c = floorDiv(l.c, d)
		return out, nil
	}
	return symConst(floorMod(l.c, d)), nil
}

// op runs one op.
func (s *dotSym) op(o *Op) error {
	args := make([]symVal, len(o.Args))
	for i, a := range o.Args {
		x, err := s.value(o, a)
		if err != nil {
			return err
		}
		args[i] = x
	}
	var r symVal
	var err error
	switch {
	case o.Code == OpFor:
		res, err := s.loop(o, args)
		if err != nil {
			return err
		}
		for i, v := range o.Results {
			s.env[v] = res[i]
		}
		return nil
	case o.Code == OpConst:
		r, err = s.constant(o)
	case o.Code == OpLoad:
		r, err = s.load(o)
	case o.Code == OpCast:
		r, err = s.cast(o, args[0])
	case o.Code.IsBinary() && o.Result().Type.IsIndex():
		r, err = s.indexBinary(o, args[0], args[1])
	case o.Code.IsBinary() && o.Result().Type.IsInt():
		r, err = s.intBinary(o, args[0], args[1])
	default:
		return s.fail(o, "%s cannot be part of a packed dot product", o.Code)
	}
	if err != nil {
		return err
	}
	s.env[o.Result()] = r
	return nil
}

func (s *dotSym) indexBinary(o *Op, a, b symVal) (symVal, error) {
	x, y := a.symLin, b.symLin
	var r symLin
	switch o.Code {
	case OpAdd:
		r = x.plus(y)
	case OpSub:
		r = x.plus(y.scale(-1))
	case OpMul:
		switch {
		case y.isConst():
			r = x.scale(y.c)
		case x.isConst():
			r = y.scale(x.c)
		default:
			return symVal{}, s.fail(o, "a product of two loop variables is not affine")
		}
	case OpDiv, OpRem:
		// Truncating division acts on the constant alone when the divisor
		// divides every coefficient and the dividend cannot be negative.
		if !y.isConst() || y.c <= 0 || !x.divisible(y.c) || !s.nonneg(x) {
			return symVal{}, s.fail(o, "%s of index values is not the same in every outer iteration", o.Code)
		}
		if o.Code == OpRem {
			r = symConst(x.c % y.c)
		} else {
			r = x.scale(1)
			for i := range r.ts {
				r.ts[i].k /= y.c
			}
			r.c = x.c / y.c
		}
	case OpAnd, OpOr, OpXor, OpShl, OpShrS, OpShrU, OpMin, OpMax:
		if m := y.c; o.Code == OpAnd && y.isConst() && m >= 0 && m&(m+1) == 0 && x.divisible(m+1) && s.nonneg(x) {
			r = symConst(x.c & m) // x mod 2^b, on the constant alone
			break
		}
		if !x.isConst() || !y.isConst() {
			return symVal{}, s.fail(o, "%s of index values that change with the outer loops", o.Code)
		}
		v, ok := foldIndex(o.Code, x.c, y.c)
		if !ok {
			return symVal{}, s.fail(o, "%s of index values out of range", o.Code)
		}
		r = symConst(v)
	default:
		return symVal{}, s.fail(o, "%s of index values cannot be part of a packed dot product", o.Code)
	}
	return symVal{kind: symIndex, symLin: r, t: Index}, nil
}

// nonneg reports whether x is never negative: a non-negative constant plus
// non-negative multiples of loop variables whose lower bounds are
// non-negative.
func (s *dotSym) nonneg(x symLin) bool {
	if x.c < 0 {
		return false
	}
	for _, t := range x.ts {
		if t.k < 0 || !ivNonneg(t.v) {
			return false
		}
	}
	return true
}

// ivNonneg reports whether the loop variable v starts at a bound that is
// never negative (the loop's lower bound is the max of its expressions, so
// one such expression is enough).
func ivNonneg(v *Value) bool {
	if v.Def == nil || v.Def.Code != OpFor || v.Def.Loop.IV != v || v.Def.Loop.Step <= 0 {
		return false
	}
	for _, e := range v.Def.Loop.Lower {
		if exprNonneg(e) {
			return true
		}
	}
	return false
}

func exprNonneg(e *Expr) bool {
	switch e.Kind {
	case ExprConst:
		return e.C >= 0
	case ExprDim:
		return ivNonneg(e.Dim)
	case ExprAdd:
		return exprNonneg(e.L) && exprNonneg(e.R)
	case ExprMul:
		return exprNonneg(e.L) && e.R.C >= 0
	case ExprFloorDiv:
		return exprNonneg(e.L)
	}
	return true // mod by a positive constant
}

// foldIndex computes a bitwise, shift, min or max op on index constants
// (64-bit), as the interpreter does; shifts by 64 or more do not fold.
func foldIndex(c Opcode, x, y int64) (int64, bool) {
	switch c {
	case OpAnd:
		return x & y, true
	case OpOr:
		return x | y, true
	case OpXor:
		return x ^ y, true
	case OpMin:
		return min(x, y), true
	case OpMax:
		return max(x, y), true
	}
	if y < 0 || y >= 64 {
		return 0, false
	}
	switch c {
	case OpShl:
		return x << y, true
	case OpShrS:
		return x >> y, true
	}
	return int64(uint64(x) >> y), true
}

// load returns the bits of an i8, i4 or raw i4 element.
func (s *dotSym) load(o *Op) (symVal, error) {
	b := o.Buf
	if b.Kind != In || !b.Elem.IsInt() || (b.Elem != I8 && b.Elem != I4) {
		return symVal{}, s.fail(o, "loads of %s (%s %s): only i8 and i4 inputs can be packed", b.Name, b.Kind, b.Elem)
	}
	flat, stride := symConst(0), int64(1)
	for i := len(o.Index) - 1; i >= 0; i-- {
		sub := o.Index[i]
		if sub.Affine == nil {
			return symVal{}, s.fail(o, "the load of %s has a data-dependent subscript", b.Name)
		}
		x, err := s.expr(o, sub.Affine)
		if err != nil {
			return symVal{}, err
		}
		flat = flat.plus(x.scale(stride))
		stride *= b.Shape[i]
	}
	lo, n := uint8(0), uint8(8)
	if b.Elem == I4 {
		if !flat.divisible(2) {
			return symVal{}, s.fail(o, "the nibble %s loads from changes with the outer loops", b.Name)
		}
		half := flat.scale(1)
		for i := range half.ts {
			half.ts[i].k /= 2
		}
		half.c = floorDiv(flat.c, 2)
		if !o.Raw {
			lo, n = uint8(floorMod(flat.c, 2)*4), 4
		}
		flat = half
	}
	id := s.byteOf(b, flat)
	bits := make([]symBit, n)
	for i := range bits {
		bits[i] = symBit{src: id, idx: lo + uint8(i)}
	}
	return symVal{kind: symBits, bits: bits, t: o.Result().Type}, nil
}

func (s *dotSym) byteOf(b *Buffer, off symLin) int32 {
	key := fmt.Sprintf("%p%v", b, off)
	if id, ok := s.byteID[key]; ok {
		return id
	}
	id := int32(len(s.bytes))
	s.bytes = append(s.bytes, symByte{b, off})
	s.byteID[key] = id
	return id
}

func (s *dotSym) cast(o *Op, a symVal) (symVal, error) {
	from, to := o.Args[0].Type, o.Result().Type
	switch {
	case from.IsIndex() && to.IsInt():
		if !a.symLin.isConst() {
			return symVal{}, s.fail(o, "a loop variable converted to %s changes with the outer loops", to)
		}
		return symVal{kind: symBits, bits: constBits(a.symLin.c, to.Bits), t: to}, nil
	case from.IsInt() && to.IsIndex():
		v, ok := concrete(a.bits)
		if !ok || a.kind != symBits {
			return symVal{}, s.fail(o, "a loaded value used as an index")
		}
		return symVal{kind: symIndex, symLin: symConst(v), t: to}, nil
	case from.IsInt() && to.IsInt() && a.kind == symProd:
		if to.Bits < from.Bits {
			return symVal{}, s.fail(o, "a product narrowed to %s", to)
		}
		a.t = to
		return a, nil
	case from.IsInt() && to.IsInt() && a.kind == symBits:
		out := make([]symBit, to.Bits)
		for i := range out {
			switch {
			case i < len(a.bits):
				out[i] = a.bits[i]
			case from == I1:
				out[i] = bit0
			default:
				out[i] = a.bits[len(a.bits)-1]
			}
		}
		return symVal{kind: symBits, bits: out, t: to}, nil
	}
	return symVal{}, s.fail(o, "a conversion from %s to %s cannot be part of a packed dot product", from, to)
}

func (s *dotSym) intBinary(o *Op, a, b symVal) (symVal, error) {
	t := o.Result().Type
	if a.kind == symBits && b.kind == symBits {
		x, xok := concrete(a.bits)
		y, yok := concrete(b.bits)
		if xok && yok {
			return s.fold(o, x, y)
		}
		switch o.Code {
		case OpShl, OpShrS, OpShrU:
			if !yok {
				return symVal{}, s.fail(o, "a shift by a loaded amount")
			}
			return s.shift(o, a.bits, y)
		case OpAnd, OpOr, OpXor:
			return s.bitwise(o, a.bits, b.bits)
		case OpMul:
			return s.product(o, a.bits, b.bits)
		}
		return symVal{}, s.fail(o, "%s of loaded bits cannot be part of a packed dot product", o.Code)
	}
	if o.Code == OpAdd && t == I32 {
		if a.kind == symProd {
			a, b = b, a
		}
		if a.kind == symSum && b.kind == symProd {
			terms := append(append([]dotTerm(nil), a.terms...), b.prod)
			return symVal{kind: symSum, acc: a.acc, terms: terms, t: t}, nil
		}
	}
	return symVal{}, s.fail(o, "%s here is not an accumulation of products", o.Code)
}

// fold computes an op on constants with the interpreter's semantics.
func (s *dotSym) fold(o *Op, x, y int64) (symVal, error) {
	t := o.Result().Type
	w := uint64(t.Bits)
	var r int64
	switch o.Code {
	case OpAdd:
		r = x + y
	case OpSub:
		r = x - y
	case OpMul:
		r = x * y
	case OpAnd:
		r = x & y
	case OpOr:
		r = x | y
	case OpXor:
		r = x ^ y
	case OpShl, OpShrS, OpShrU:
		if uint64(y)&(1<<w-1) >= w || y < 0 {
			return symVal{}, s.fail(o, "shift amount %d out of range for %s", y, t)
		}
		switch o.Code {
		case OpShl:
			r = x << y
		case OpShrS:
			r = x >> y
		default:
			r = int64(uint64(x) << (64 - w) >> (64 - w) >> y)
		}
	default:
		return symVal{}, s.fail(o, "%s of constants is not folded here", o.Code)
	}
	return symVal{kind: symBits, bits: constBits(r, t.Bits), t: t}, nil
}

func (s *dotSym) shift(o *Op, bits []symBit, n int64) (symVal, error) {
	w := int64(len(bits))
	if n < 0 || n >= w {
		return symVal{}, s.fail(o, "shift amount %d out of range for i%d", n, w)
	}
	out := make([]symBit, w)
	for i := int64(0); i < w; i++ {
		switch o.Code {
		case OpShl:
			out[i] = bit0
			if i >= n {
				out[i] = bits[i-n]
			}
		case OpShrS:
			out[i] = bits[min(i+n, w-1)]
		default:
			out[i] = bit0
			if i+n < w {
				out[i] = bits[i+n]
			}
		}
	}
	return symVal{kind: symBits, bits: out, t: o.Result().Type}, nil
}

func (s *dotSym) bitwise(o *Op, x, y []symBit) (symVal, error) {
	out := make([]symBit, len(x))
	for i := range x {
		a, b := x[i], y[i]
		if !a.isConst() && b.isConst() {
			a, b = b, a
		}
		switch {
		case a == b && o.Code != OpXor:
			out[i] = a
		case a.isConst() && o.Code == OpAnd:
			out[i] = map[bool]symBit{false: bit0, true: b}[a.val]
		case a.isConst() && o.Code == OpOr:
			out[i] = map[bool]symBit{false: b, true: bit1}[a.val]
		case a.isConst() && !a.val: // xor with 0
			out[i] = b
		default:
			return symVal{}, s.fail(o, "%s mixes loaded bits", o.Code)
		}
	}
	return symVal{kind: symBits, bits: out, t: o.Result().Type}, nil
}

// activation reports whether bits are a whole loaded byte, sign-extended
// (signed) or zero-extended.
func activation(bits []symBit) (id int32, signed, ok bool) {
	if len(bits) < 8 || bits[0].isConst() {
		return 0, false, false
	}
	id = bits[0].src
	for i := 0; i < 8; i++ {
		if bits[i].src != id || bits[i].idx != uint8(i) {
			return 0, false, false
		}
	}
	signed, unsigned := true, true
	for _, b := range bits[8:] {
		signed = signed && b == bits[7]
		unsigned = unsigned && b == bit0
	}
	return id, signed, signed || unsigned
}

// codeField returns the shortest field of loaded bits that bits extends,
// and whether it is sign-extended; fields are at most 8 bits wide.
func codeField(bits []symBit) ([]symBit, bool, bool) {
	w := len(bits)
	for w > 1 && bits[w-1] == bits[w-2] && !bits[w-1].isConst() {
		w--
	}
	signed := true
	if bits[w-1] == bit0 {
		for w > 0 && bits[w-1] == bit0 {
			w--
		}
		signed = false
	}
	if w == 0 || w > 8 {
		return nil, false, false
	}
	for _, b := range bits[:w] {
		if b.isConst() {
			return nil, false, false
		}
	}
	return bits[:w], signed, true
}

// product makes a term of activation × code, which must be exact in the
// product's type.
func (s *dotSym) product(o *Op, x, y []symBit) (symVal, error) {
	t := o.Result().Type
	try := func(a, c []symBit) (dotTerm, bool) {
		id, signed, ok := activation(a)
		if !ok || !signed {
			return dotTerm{}, false
		}
		field, csigned, ok := codeField(c)
		if !ok {
			return dotTerm{}, false
		}
		lo, hi := int64(0), int64(1)<<len(field)-1
		if csigned {
			lo, hi = -(hi+1)/2, hi/2
		}
		for _, p := range []int64{-128 * lo, -128 * hi, 127 * lo, 127 * hi} {
			if p < t.MinInt() || p > t.MaxInt() {
				return dotTerm{}, false
			}
		}
		return dotTerm{act: id, code: field, signed: csigned}, true
	}
	if term, ok := try(x, y); ok {
		return symVal{kind: symProd, prod: term, t: t}, nil
	}
	if term, ok := try(y, x); ok {
		return symVal{kind: symProd, prod: term, t: t}, nil
	}
	return symVal{}, s.fail(o, "mul is not a signed byte times a code of at most 8 loaded bits, exact in %s", t)
}

// sortTerms orders terms by the first byte and bit of their codes, so that
// lanes next to each other read bytes next to each other.
func (s *dotSym) sortTerms(ts []dotTerm) {
	key := func(t dotTerm) (int64, uint8) {
		return s.bytes[t.code[0].src].off.c, t.code[0].idx
	}
	sort.SliceStable(ts, func(i, j int) bool {
		a, ab := key(ts[i])
		b, bb := key(ts[j])
		return a < b || a == b && ab < bb
	})
}
