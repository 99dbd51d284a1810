package ir

import "fmt"

// arity returns how many operands and results ops of code take; -1 means
// any number (checked elsewhere).
func arity(code Opcode) (args, results int, ok bool) {
	switch {
	case code == OpConst, code == OpLoad:
		return 0, 1, true
	case code.IsBinary(), code == OpCmp:
		return 2, 1, true
	case code == OpNeg, code == OpCast:
		return 1, 1, true
	case code == OpSelect:
		return 3, 1, true
	case code == OpStore:
		return 1, 0, true
	case code == OpFor:
		return -1, -1, true
	case code == OpYield:
		return -1, 0, true
	}
	return 0, 0, false
}

// op checks one op: arity, operand visibility, typing, then defines its results.
func (v *verifier) op(op *Op) {
	nargs, nres, ok := arity(op.Code)
	if !ok {
		v.errf(op, "invalid opcode %d", op.Code)
		return
	}
	if nargs >= 0 && len(op.Args) != nargs {
		v.errf(op, "has %d operands, want %d", len(op.Args), nargs)
		ok = false
	}
	if nres >= 0 && len(op.Results) != nres {
		v.errf(op, "has %d results, want %d", len(op.Results), nres)
		ok = false
	}
	for i, a := range op.Args {
		ok = v.use(op, a, fmt.Sprintf("operand %d", i)) && ok
	}
	for _, r := range op.Results {
		ok = ok && r != nil
	}
	if ok {
		v.typecheck(op)
	}
	if op.Code == OpFor {
		v.loop(op)
	}
	for i, r := range op.Results {
		v.define(op, r, fmt.Sprintf("result %d", i))
	}
}

// typecheck checks an op whose operands and results exist in the right numbers.
func (v *verifier) typecheck(op *Op) {
	switch {
	case op.Code == OpConst:
		v.checkConst(op)
	case op.Code.IsBinary():
		v.sameTypes(op, op.Args[0].Type, 1, op.Results)
		if t := op.Args[0].Type; op.Code.IntOnly() && t.IsFloat() {
			v.errf(op, "%s is defined only on integers, not on %s", op.Code, t)
		}
	case op.Code == OpNeg:
		v.sameTypes(op, op.Args[0].Type, 1, op.Results)
	case op.Code == OpCmp:
		v.sameTypes(op, op.Args[0].Type, 1, nil)
		v.wantType(op, "result", op.Results[0].Type, I1)
		if op.Pred > PredGe {
			v.errf(op, "invalid predicate %d", op.Pred)
		}
	case op.Code == OpSelect:
		v.wantType(op, "operand 0 (the condition)", op.Args[0].Type, I1)
		v.sameTypes(op, op.Args[1].Type, 2, op.Results)
	case op.Code == OpCast:
		if from, to := op.Args[0].Type, op.Results[0].Type; !CastOK(from, to) {
			v.errf(op, "cannot cast %s to %s", from, to)
		}
	case op.Code == OpLoad, op.Code == OpStore:
		v.checkAccess(op)
	}
}

// sameTypes checks that the operands from number first on and results have type t.
func (v *verifier) sameTypes(op *Op, t Type, first int, results []*Value) {
	for i := first; i < len(op.Args); i++ {
		v.wantType(op, fmt.Sprintf("operand %d", i), op.Args[i].Type, t)
	}
	for i, r := range results {
		v.wantType(op, fmt.Sprintf("result %d", i), r.Type, t)
	}
}

func (v *verifier) wantType(op *Op, what string, got, want Type) {
	if got != want {
		v.errf(op, "%s has type %s, want %s", what, got, want)
	}
}

// checkConst checks that the constant's bits are in canonical form for its
// type: integers sign-extended from their width (i1 is 0 or 1), floats
// holding no bits past their width.
func (v *verifier) checkConst(op *Op) {
	t := op.Results[0].Type
	switch {
	case t == I1:
		if op.Bits > 1 {
			v.errf(op, "i1 constant has bits %#x, want 0 or 1", op.Bits)
		}
	case t.IsIntLike():
		if c := int64(op.Bits); c < t.MinInt() || c > t.MaxInt() {
			v.errf(op, "constant %d does not fit in %s [%d, %d]", c, t, t.MinInt(), t.MaxInt())
		}
	case t.IsFloat():
		if op.Bits>>t.Bits != 0 {
			v.errf(op, "%s constant has bits %#x, wider than %d bits", t, op.Bits, t.Bits)
		}
	}
}

// CastOK reports whether OpCast may convert from to to: between integer
// and index types of any widths, between integers and floats, between f16
// and f32, and from a type to itself. Floats and index do not convert.
func CastOK(from, to Type) bool {
	switch {
	case !validType(from) || !validType(to):
		return false
	case from == to, from.IsIntLike() && to.IsIntLike():
		return true
	case from.IsInt() && to.IsFloat(), from.IsFloat() && to.IsInt(), from.IsFloat() && to.IsFloat():
		return true
	}
	return false
}

// checkAccess checks a load or store: its buffer, subscripts and value type.
func (v *verifier) checkAccess(op *Op) {
	b := op.Buf
	switch {
	case b == nil:
		v.errf(op, "has no buffer")
		return
	case !v.params[b]:
		v.errf(op, "buffer %%%s is not a parameter of this function", b.Name)
		return
	}
	v.checkSubscripts(op, b)
	v.checkUnpacked(op, b)
	if op.Code == OpLoad {
		v.wantType(op, "result 0", op.Results[0].Type, LoadType(op))
		return
	}
	v.wantType(op, "stored value", op.Args[0].Type, b.Elem)
	if b.Kind == In {
		v.errf(op, "stores into %%%s, which is an input", b.Name)
	}
	if packed, _ := StorageElem(b.Elem); packed {
		v.errf(op, "stores into %%%s, a packed i4 buffer", b.Name)
	}
}

func (v *verifier) checkSubscripts(op *Op, b *Buffer) {
	if len(op.Index) != len(b.Shape) {
		v.errf(op, "has %d subscripts, want %d (the rank of %%%s)", len(op.Index), len(b.Shape), b.Name)
		return
	}
	for i, s := range op.Index {
		what := fmt.Sprintf("subscript %d", i)
		switch {
		case (s.Affine == nil) == (s.Dyn == nil):
			v.errf(op, "%s must have exactly one of an affine expression and a value", what)
		case s.Dyn != nil:
			if v.use(op, s.Dyn, what) && !s.Dyn.Type.IsIntLike() {
				v.errf(op, "%s has type %s, want an integer or index", what, s.Dyn.Type)
			}
		case v.checkExpr(op, what, s.Affine, nil):
			if c, ok := s.Affine.IsConst(); ok && (c < 0 || c >= b.Shape[i]) {
				v.errf(op, "%s = %d is out of bounds [0, %d) of %%%s", what, c, b.Shape[i], b.Name)
			}
		}
	}
}

// checkExpr checks that e is a well-formed affine expression over the
// induction variables of enclosing loops, other than own (a loop's own IV
// in its bounds).
func (v *verifier) checkExpr(op *Op, what string, e *Expr, own *Value) bool {
	if msg := v.exprProblem(e, own); msg != "" {
		v.errf(op, "%s %s", what, msg)
		return false
	}
	return true
}

func (v *verifier) exprProblem(e *Expr, own *Value) string {
	if e == nil {
		return "is a nil expression"
	}
	switch e.Kind {
	case ExprConst:
		return ""
	case ExprDim:
		return v.dimProblem(e.Dim, own)
	case ExprAdd:
		if e.L == nil || e.R == nil {
			return "has a nil operand"
		}
		if msg := v.exprProblem(e.L, own); msg != "" {
			return msg
		}
		return v.exprProblem(e.R, own)
	case ExprMul, ExprFloorDiv, ExprMod:
		if e.L == nil || e.R == nil || e.R.Kind != ExprConst {
			return "has a right operand that is not a constant"
		}
		if e.Kind != ExprMul && e.R.C <= 0 {
			return fmt.Sprintf("divides by %d, want > 0", e.R.C)
		}
		return v.exprProblem(e.L, own)
	}
	return fmt.Sprintf("has invalid expression kind %d", e.Kind)
}

func (v *verifier) dimProblem(d, own *Value) string {
	switch {
	case d == nil:
		return "uses a nil dimension"
	case d == own:
		return fmt.Sprintf("uses the loop's own induction variable %s", valueName(d))
	}
	for _, iv := range v.ivs {
		if iv == d {
			return ""
		}
	}
	return fmt.Sprintf("uses %s, which is not the induction variable of an enclosing loop", valueName(d))
}
