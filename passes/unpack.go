package passes

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// unpack is the unpack pass: it makes the decoding of packed 4-bit and
// 3.5-bit codes explicit in the IR, so that later passes and the emitter
// see plain byte loads and integer ops.
//
//   - A load of a packed i4 element becomes a raw load of the storage byte
//     holding it (ir.Op.Raw) and the ops extracting the nibble: in mode
//     shift (byte << (4 - 4·(k mod 2))) >>s 4 in i8, in mode lut
//     ((byte >>u 4·(k mod 2)) & 15) looked up in a 16-entry table.
//   - A sign extension written as cast(x → i3|i4) then cast(→ a wider
//     integer or index T) becomes (x' << (B-n)) >>s (B-n) in T (B its
//     width, x' = x converted to T), or in mode lut a load from a table of
//     2^n entries indexed by x & (2^n - 1), entry j being j sign-extended
//     from n bits.
//
// Every rewrite computes the same bits as the ops it replaces. Casts of a
// rewritten load's value read the decoded i8 (or table) value directly, and
// a cast to i3/i4 left without uses is removed.
func unpack(f *ir.Func, o Options, d *diag.List) error {
	if f.Body == nil {
		return fmt.Errorf("unpack: func @%s has no body", f.Name)
	}
	u := &unpacker{f: f, lut: o.Str("mode") == "lut", b: &ir.Builder{Func: f}}
	u.analyze()
	f.Body.Ops = u.block(f.Body.Ops)
	// A dot loop (the dot pass ran first) must still be one: decoding
	// through tables loads codes by index, which no packed dot product
	// does, so such a loop becomes an ordinary loop again.
	f.Body.Walk(func(op *ir.Op) {
		if op.Code != ir.OpFor || !op.Loop.Dot {
			return
		}
		if _, err := ir.PlanDot(op); err != nil {
			op.Loop.Dot = false
			if d == nil {
				return
			}
			remark(d, op, "unpack: the loop %s is no longer a packed dot product: %v", ivName(op), err)
		}
	})
	if d != nil {
		d.Add(diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(f.Pos, 0), Msg: u.summary()})
	}
	return nil
}

// unpacker rewrites one function.
type unpacker struct {
	f   *ir.Func
	lut bool
	b   *ir.Builder // appends replacement ops to a scratch block

	uses     map[*ir.Value]int       // operand and dynamic subscript uses
	casts    map[*ir.Value][]*ir.Op  // the casts using a value
	sites    map[*ir.Op]*ir.Op       // sign extensions: outer cast -> the inner cast to i3/i4
	siteUses map[*ir.Value]int       // uses of an inner cast's result by sites
	tables   map[int]*ir.Table       // by bit width
	alias    map[*ir.Value]*ir.Value // results of casts made redundant: their replacements

	loads, sexts int
}

// analyze finds uses, casts and the sign-extension sites of the IR as it
// is before any rewrite.
func (u *unpacker) analyze() {
	u.uses, u.casts = map[*ir.Value]int{}, map[*ir.Value][]*ir.Op{}
	u.sites, u.siteUses, u.tables = map[*ir.Op]*ir.Op{}, map[*ir.Value]int{}, map[int]*ir.Table{}
	u.alias = map[*ir.Value]*ir.Value{}
	u.f.Body.Walk(func(op *ir.Op) {
		for _, a := range op.Args {
			u.uses[a]++
		}
		for _, s := range op.Index {
			if s.Dyn != nil {
				u.uses[s.Dyn]++
			}
		}
		if op.Code != ir.OpCast {
			return
		}
		u.casts[op.Args[0]] = append(u.casts[op.Args[0]], op)
		if inner := sextInner(op); inner != nil {
			u.sites[op] = inner
			u.siteUses[op.Args[0]]++
		}
	})
}

// sextInner returns the cast to i3 or i4 whose result outer widens to a
// larger integer or index, or nil when outer is not such a sign extension.
func sextInner(outer *ir.Op) *ir.Op {
	t, to := outer.Args[0], outer.Result().Type
	inner := t.Def
	switch {
	case t.Type != ir.I3 && t.Type != ir.I4, inner == nil, inner.Code != ir.OpCast:
		return nil
	case !inner.Args[0].Type.IsIntLike(): // fptosi may fault: leave it alone
		return nil
	case sextInner(inner) != nil: // i3 -> i4 -> wider: only the inner one is rewritten
		return nil
	case to.IsIndex(), to.IsInt() && to.Bits > t.Type.Bits:
		return inner
	}
	return nil
}

// block returns ops rewritten.
func (u *unpacker) block(ops []*ir.Op) []*ir.Op {
	var out []*ir.Op
	for _, op := range ops {
		u.substitute(op)
		switch {
		case op.Code == ir.OpCast && u.alias[op.Result()] != nil:
			// a cast of a decoded code to the type it already has: drop it
		case op.Code == ir.OpFor:
			op.Loop.Body.Ops = u.block(op.Loop.Body.Ops)
			out = append(out, op)
		case op.Code == ir.OpLoad && op.Buf.Elem == ir.I4 && !op.Raw:
			out = append(out, u.load(op)...)
		case u.sites[op] != nil:
			out = append(out, u.sext(op)...)
		case op.Code == ir.OpCast && u.uses[op.Result()] > 0 && u.uses[op.Result()] == u.siteUses[op.Result()]:
			// an inner cast to i3/i4 all of whose uses are rewritten: drop it
		default:
			out = append(out, op)
		}
	}
	return out
}

// substitute replaces the uses of aliased values in op.
func (u *unpacker) substitute(op *ir.Op) {
	for i, a := range op.Args {
		if r := u.alias[a]; r != nil {
			op.Args[i] = r
		}
	}
	for i, s := range op.Index {
		if r := u.alias[s.Dyn]; s.Dyn != nil && r != nil {
			op.Index[i].Dyn = r
		}
	}
}

// start points the builder at a fresh scratch block for the rewrite of op.
func (u *unpacker) start(op *ir.Op) {
	u.b.Block, u.b.Pos = &ir.Block{}, op.Pos
}

// define appends an op defining the existing value r.
func (u *unpacker) define(code ir.Opcode, r *ir.Value, args ...*ir.Value) {
	u.b.Append(&ir.Op{Code: code, Args: args, Results: []*ir.Value{r}})
}

// convert returns x converted to t (x itself if it has type t).
func (u *unpacker) convert(x *ir.Value, t ir.Type) *ir.Value {
	if x.Type == t {
		return x
	}
	return u.b.Cast(x, t)
}

// sext rewrites the sign extension outer of an n-bit code.
func (u *unpacker) sext(outer *ir.Op) []*ir.Op {
	u.start(outer)
	u.sexts++
	x, r := u.sites[outer].Args[0], outer.Result()
	n := int64(u.sites[outer].Result().Type.Bits)
	if u.lut {
		m := u.b.Bin(ir.OpAnd, u.convert(x, ir.Index), u.b.ConstInt(ir.Index, 1<<n-1))
		u.lookup(n, m, r)
		return u.b.Block.Ops
	}
	k := u.b.ConstInt(r.Type, int64(r.Type.Bits)-n)
	up := u.b.Bin(ir.OpShl, u.convert(x, r.Type), k)
	u.define(ir.OpShrS, r, up, k)
	return u.b.Block.Ops
}

// lookup appends the load of entry m (an index) of the n-bit
// sign-extension table, defining r (converted from the table's i32).
func (u *unpacker) lookup(n int64, m, r *ir.Value) *ir.Value {
	t := u.table(n)
	idx := []ir.Subscript{{Dyn: m}}
	if r != nil && r.Type == t.Buf.Elem {
		u.b.Append(&ir.Op{Code: ir.OpLoad, Buf: t.Buf, Index: idx, Results: []*ir.Value{r}})
		return r
	}
	v := u.b.Load(t.Buf, idx)
	if r != nil {
		u.define(ir.OpCast, r, v)
	}
	return v
}

// table returns the function's n-bit sign-extension table, adding it the
// first time: i32 entry j is j sign-extended from n bits.
func (u *unpacker) table(n int64) *ir.Table {
	if t := u.tables[int(n)]; t != nil {
		return t
	}
	name := fmt.Sprintf("sext%d", n)
	for i := 1; u.nameTaken(name); i++ {
		name = fmt.Sprintf("sext%d_%d", n, i)
	}
	t := &ir.Table{Buf: &ir.Buffer{Name: name, Kind: ir.In, Elem: ir.I32, Shape: []int64{1 << n}, Pos: u.f.Pos}}
	for j := range int64(1) << n {
		t.Data = append(t.Data, j<<(64-n)>>(64-n))
	}
	u.f.Tables = append(u.f.Tables, t)
	u.tables[int(n)] = t
	return t
}

func (u *unpacker) nameTaken(name string) bool {
	for _, b := range u.f.Params {
		if b.Name == name {
			return true
		}
	}
	for _, t := range u.f.Tables {
		if t.Buf.Name == name {
			return true
		}
	}
	return false
}

// load rewrites a load of a packed i4 element into a raw byte load and the
// nibble's extraction. The casts of the loaded code then read the decoded
// value (the same number, in i8 or i32); the code itself is defined only
// if something else uses it.
func (u *unpacker) load(op *ir.Op) []*ir.Op {
	u.start(op)
	u.loads++
	x := op.Result()
	byteVal := u.b.LoadByte(op.Buf, op.Index)
	k := op.Index[len(op.Index)-1]
	var v *ir.Value
	if u.lut { // ((byte >>u 4·(k mod 2)) & 15) through the table
		sh := u.b.Bin(ir.OpShrU, byteVal, u.nibbleShift(k, false))
		m := u.b.Bin(ir.OpAnd, sh, u.b.ConstInt(ir.I8, 15))
		v = u.lookup(4, u.b.Cast(m, ir.Index), nil)
	} else { // (byte << (4 - 4·(k mod 2))) >>s 4
		up := u.b.Bin(ir.OpShl, byteVal, u.nibbleShift(k, true))
		v = u.b.Bin(ir.OpShrS, up, u.b.ConstInt(ir.I8, 4))
	}
	for _, c := range u.casts[x] {
		c.Args[0] = v
		if c.Result().Type == v.Type {
			u.alias[c.Result()] = v
		}
	}
	if u.uses[x] > len(u.casts[x]) {
		u.define(ir.OpCast, x, v)
	}
	return u.b.Block.Ops
}

// nibbleShift returns the i8 shift that brings element k's nibble to the
// top of its byte (4 - 4·(k mod 2), up) or to the bottom (4·(k mod 2)).
func (u *unpacker) nibbleShift(k ir.Subscript, up bool) *ir.Value {
	var odd *ir.Value // k mod 2, as an index
	if k.Dyn != nil {
		odd = u.b.Bin(ir.OpAnd, u.convert(k.Dyn, ir.Index), u.b.ConstInt(ir.Index, 1))
	} else {
		e := parity(k.Affine)
		if c, ok := e.IsConst(); ok {
			if up {
				c = 1 - c
			}
			return u.b.ConstInt(ir.I8, 4*c)
		}
		odd = u.materialize(e)
	}
	if up {
		odd = u.b.Bin(ir.OpXor, odd, u.b.ConstInt(ir.Index, 1))
	}
	return u.b.Cast(u.b.Bin(ir.OpShl, odd, u.b.ConstInt(ir.Index, 2)), ir.I8)
}

// parity returns e mod 2, simplified: a linear form keeps only its odd
// terms, so that k = 2j + 1 gives the constant 1.
func parity(e *ir.Expr) *ir.Expr {
	l, ok := linearize(e)
	if !ok {
		return ir.Mod(e, 2)
	}
	odd := ir.Const(l.c & 1)
	for _, v := range sortedDims(l) {
		if l.k[v]&1 != 0 {
			odd = ir.Add(odd, ir.Dim(v))
		}
	}
	return ir.Mod(odd, 2)
}

// sortedDims returns the variables of l in a deterministic order.
func sortedDims(l lin) []*ir.Value {
	var vs []*ir.Value
	for v := range l.k {
		vs = append(vs, v)
	}
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].ID < vs[j-1].ID; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
	return vs
}

// materialize appends index ops computing the affine expression e.
// Floor division and modulus by a power of two are shifts and masks (exact
// in two's complement); by other divisors, mod = ((a rem c) + c) rem c and
// floordiv = (a - mod) / c.
func (u *unpacker) materialize(e *ir.Expr) *ir.Value {
	switch e.Kind {
	case ir.ExprConst:
		return u.b.ConstInt(ir.Index, e.C)
	case ir.ExprDim:
		return e.Dim
	case ir.ExprAdd:
		return u.b.Bin(ir.OpAdd, u.materialize(e.L), u.materialize(e.R))
	case ir.ExprMul:
		return u.b.Bin(ir.OpMul, u.materialize(e.L), u.b.ConstInt(ir.Index, e.R.C))
	}
	a, c := u.materialize(e.L), e.R.C
	if c&(c-1) == 0 {
		if e.Kind == ir.ExprMod {
			return u.b.Bin(ir.OpAnd, a, u.b.ConstInt(ir.Index, c-1))
		}
		s := int64(0)
		for 1<<s < c {
			s++
		}
		return u.b.Bin(ir.OpShrS, a, u.b.ConstInt(ir.Index, s))
	}
	cv := u.b.ConstInt(ir.Index, c)
	mod := u.b.Bin(ir.OpRem, u.b.Bin(ir.OpAdd, u.b.Bin(ir.OpRem, a, cv), cv), cv)
	if e.Kind == ir.ExprMod {
		return mod
	}
	return u.b.Bin(ir.OpDiv, u.b.Bin(ir.OpSub, a, mod), cv)
}

// summary says what was rewritten, for the kernel's remark.
func (u *unpacker) summary() string {
	if u.loads+u.sexts == 0 {
		return "unpack: nothing to lower (no packed i4 loads or i3/i4 sign extensions)"
	}
	how := "shifts"
	if u.lut {
		var names []string
		for _, t := range u.f.Tables {
			names = append(names, "%"+t.Buf.Name)
		}
		how = "lookups in " + strings.Join(names, ", ")
	}
	var what []string
	for _, c := range []struct {
		n    int
		what string
	}{{u.loads, "packed i4 load"}, {u.sexts, "sign extension"}} {
		switch {
		case c.n == 1:
			what = append(what, "1 "+c.what)
		case c.n > 1:
			what = append(what, fmt.Sprintf("%d %ss", c.n, c.what))
		}
	}
	return fmt.Sprintf("unpack: %s lowered to %s", strings.Join(what, " and "), how)
}
