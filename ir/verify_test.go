package ir

import (
	"strings"
	"testing"
)

// verifyCase builds a function that Verify must reject with want.
type verifyCase struct {
	name  string
	build func() *Func
	want  string
}

// in1 returns a kernel over %a: in f32[8, 8] and %o: out i32[8].
func in1() (*kernel, *Buffer, *Buffer) {
	a, o := param("a", In, F32, 8, 8), param("o", Out, I32, 8)
	return newKernel(a, o), a, o
}

var verifyOpCases = []verifyCase{
	{"binary type mismatch", func() *Func {
		k, _, _ := in1()
		x, y := k.i(I32, 1), k.i(I8, 2)
		k.at(3, 5).Append(&Op{Code: OpAdd, Args: []*Value{x, y}, Results: []*Value{k.f.NewValue(I32, "")}})
		return k.f
	}, "ir: func @k: op add at k.q35:3:5: operand 1 has type i8, want i32"},
	{"binary arity", func() *Func {
		k, _, _ := in1()
		k.Append(&Op{Code: OpMul, Args: []*Value{k.i(I32, 1)}, Results: []*Value{k.f.NewValue(I32, "")}})
		return k.f
	}, "op mul: has 1 operands, want 2"},
	{"binary result type", func() *Func {
		k, _, _ := in1()
		k.Append(&Op{Code: OpSub, Args: []*Value{k.i(I32, 1), k.i(I32, 1)}, Results: []*Value{k.f.NewValue(I64, "")}})
		return k.f
	}, "op sub: result 0 has type i64, want i32"},
	{"int-only op on floats", func() *Func {
		k, _, _ := in1()
		x := k.ConstFloat(F32, 1)
		k.at(2, 1).Bin(OpRem, x, x)
		return k.f
	}, "op rem at k.q35:2:1: rem is defined only on integers, not on f32"},
	{"store has a result", func() *Func {
		k, _, o := in1()
		st := k.Store(k.i(I32, 1), o, d(0))
		st.Results = []*Value{k.f.NewValue(I32, "")}
		return k.f
	}, "op store: has 1 results, want 0"},
	{"cmp result not i1", func() *Func {
		k, _, _ := in1()
		x := k.i(I32, 1)
		k.Append(&Op{Code: OpCmp, Args: []*Value{x, x}, Results: []*Value{k.f.NewValue(I32, "")}})
		return k.f
	}, "op cmp: result has type i32, want i1"},
	{"cmp operand types", func() *Func {
		k, _, _ := in1()
		k.Cmp(PredLt, k.i(I32, 1), k.i(I16, 1))
		return k.f
	}, "op cmp: operand 1 has type i16, want i32"},
	{"cmp predicate", func() *Func {
		k, _, _ := in1()
		x := k.i(I32, 1)
		k.Cmp(Pred(9), x, x)
		return k.f
	}, "op cmp: invalid predicate 9"},
	{"select condition not i1", func() *Func {
		k, _, _ := in1()
		x := k.i(I32, 1)
		k.Select(x, x, x)
		return k.f
	}, "op select: operand 0 (the condition) has type i32, want i1"},
	{"select branch types", func() *Func {
		k, _, _ := in1()
		x := k.i(I32, 1)
		k.Select(k.Cmp(PredEq, x, x), x, k.ConstFloat(F32, 1))
		return k.f
	}, "op select: operand 2 has type f32, want i32"},
	{"cast float to index", func() *Func {
		k, _, _ := in1()
		k.Cast(k.ConstFloat(F32, 1), Index)
		return k.f
	}, "op cast: cannot cast f32 to index"},
	{"cast to invalid type", func() *Func {
		k, _, _ := in1()
		k.Cast(k.i(I32, 1), Type{KindInt, 7})
		return k.f
	}, "op cast: cannot cast i32 to i7"},
	{"const out of range", func() *Func {
		k, _, _ := in1()
		k.i(I8, 200)
		return k.f
	}, "op const: constant 200 does not fit in i8 [-128, 127]"},
	{"i1 const not 0 or 1", func() *Func {
		k, _, _ := in1()
		k.i(I1, -1)
		return k.f
	}, "op const: i1 constant has bits 0xffffffffffffffff, want 0 or 1"},
	{"f16 const too wide", func() *Func {
		k, _, _ := in1()
		k.Append(&Op{Code: OpConst, Bits: 0x10000, Results: []*Value{k.f.NewValue(F16, "")}})
		return k.f
	}, "op const: f16 constant has bits 0x10000, wider than 16 bits"},
	{"invalid opcode", func() *Func {
		k, _, _ := in1()
		k.Append(&Op{Code: Opcode(99)})
		return k.f
	}, "op invalid: invalid opcode 99"},
	{"nil operand", func() *Func {
		k, _, _ := in1()
		k.Neg(k.i(I32, 1)).Def.Args[0] = nil
		return k.f
	}, "op neg: operand 0 is nil"},
}

var verifyMemCases = []verifyCase{
	{"load from foreign buffer", func() *Func {
		k, _, _ := in1()
		k.Load(param("x", In, F32, 8), d(0))
		return k.f
	}, "op load: buffer %x is not a parameter of this function"},
	{"subscript count", func() *Func {
		k, a, _ := in1()
		k.Load(a, d(0))
		return k.f
	}, "op load: has 1 subscripts, want 2 (the rank of %a)"},
	{"subscript with affine and value", func() *Func {
		k, a, _ := in1()
		x := k.i(Index, 0)
		k.Load(a, []Subscript{{Affine: Const(0), Dyn: x}, {Affine: Const(0)}})
		return k.f
	}, "op load: subscript 0 must have exactly one of an affine expression and a value"},
	{"float dynamic subscript", func() *Func {
		k, a, _ := in1()
		k.Load(a, []Subscript{{Dyn: k.ConstFloat(F32, 0)}, {Affine: Const(0)}})
		return k.f
	}, "op load: subscript 0 has type f32, want an integer or index"},
	{"constant subscript out of bounds", func() *Func {
		k, a, _ := in1()
		k.Load(a, d(0, 8))
		return k.f
	}, "op load: subscript 1 = 8 is out of bounds [0, 8) of %a"},
	{"subscript uses finished loop's IV", func() *Func {
		k, a, _ := in1()
		var iv *Value
		k.rng("i", 0, 8, func(i *Value) { iv = i })
		k.Load(a, d(iv, 0))
		return k.f
	}, "op load: subscript 0 uses %i (v1), which is not the induction variable of an enclosing loop"},
	{"subscript divides by zero", func() *Func {
		k, a, _ := in1()
		k.rng("i", 0, 8, func(i *Value) {
			k.Load(a, d(&Expr{Kind: ExprFloorDiv, L: Dim(i), R: Const(0)}, 0))
		})
		return k.f
	}, "op load: subscript 0 divides by 0, want > 0"},
	{"load result type", func() *Func {
		k, a, _ := in1()
		k.Load(a, d(0, 0)).Type = I32
		return k.f
	}, "op load: result 0 has type i32, want f32"},
	{"store value type", func() *Func {
		k, _, o := in1()
		k.Store(k.ConstFloat(F32, 0), o, d(0))
		return k.f
	}, "op store: stored value has type f32, want i32"},
	{"store into input", func() *Func {
		k, a, _ := in1()
		k.Store(k.ConstFloat(F32, 0), a, d(0, 0))
		return k.f
	}, "op store: stores into %a, which is an input"},
	{"store into packed buffer", func() *Func {
		q := param("q", Out, I4, 8)
		k := newKernel(q)
		k.Store(k.i(I4, 1), q, d(0))
		return k.f
	}, "op store: stores into %q, a packed i4 buffer"},
	{"buffer element type", func() *Func {
		return newKernel(param("a", In, I3, 8)).f
	}, "ir: func @k: param %a has element type i3, want one of i4, i8, i16, i32, i64, f16, f32"},
	{"buffer dimension", func() *Func {
		return newKernel(param("a", In, I8, 4, 0)).f
	}, "param %a has dimension 1 of size 0, want >= 1"},
	{"duplicate param", func() *Func {
		return newKernel(param("a", In, I8, 4), param("a", Out, I8, 4)).f
	}, "param %a is declared twice"},
}

var verifyLoopCases = []verifyCase{
	{"step 0", func() *Func {
		k, _, _ := in1()
		k.rng("i", 0, 8, func(*Value) {}).Loop.Step = 0
		return k.f
	}, "op for: has step 0, want >= 1"},
	{"no upper bound", func() *Func {
		k, _, _ := in1()
		k.rng("i", 0, 8, func(*Value) {}).Loop.Upper = nil
		return k.f
	}, "op for: has no upper bound"},
	{"bound uses own IV", func() *Func {
		k, _, _ := in1()
		l := k.rng("i", 0, 8, func(*Value) {}).Loop
		l.Upper = append(l.Upper, Add(Dim(l.IV), Const(1)))
		return k.f
	}, "op for: upper bound 1 uses the loop's own induction variable %i (v1)"},
	{"bound uses inner IV", func() *Func {
		k, _, _ := in1()
		var inner *Value
		op := k.rng("i", 0, 8, func(*Value) { k.rng("j", 0, 8, func(j *Value) { inner = j }) })
		op.Loop.Lower[0] = Dim(inner)
		return k.f
	}, "op for: lower bound 0 uses %j (v2), which is not the induction variable of an enclosing loop"},
	{"iteration counts", func() *Func {
		k, _, _ := in1()
		op := k.rng("i", 0, 8, func(*Value) {})
		op.Args = []*Value{k.i(I32, 0)}
		return k.f
	}, "op for: has 1 operands, 0 iteration arguments and 0 results, want equal numbers"},
	{"iteration types", func() *Func {
		k, _, _ := in1()
		op := k.loop("i", []*Expr{Const(0)}, []*Expr{Const(8)}, 1, []*Value{k.i(I32, 0)}, func(_ *Value, its []*Value) []*Value { return its })
		op.Loop.IterArgs[0].Type = I64
		return k.f
	}, "op for: iteration argument 0 has type i64, want i32"},
	{"body without yield", func() *Func {
		k, _, _ := in1()
		op := k.rng("i", 0, 8, func(*Value) {})
		op.Loop.Body.Ops = nil
		return k.f
	}, "op for: body does not end with yield"},
	{"yield at top level", func() *Func {
		k, _, _ := in1()
		k.Yield(nil)
		return k.f
	}, "op yield: yield may only be the last op of a loop body"},
	{"yield inside body", func() *Func {
		k, _, _ := in1()
		k.rng("i", 0, 8, func(*Value) { k.at(4, 2).Yield(nil) })
		return k.f
	}, "op yield at k.q35:4:2: yield may only be the last op of a loop body"},
	{"yield types", func() *Func {
		k, _, _ := in1()
		k.loop("i", []*Expr{Const(0)}, []*Expr{Const(8)}, 1, []*Value{k.i(I32, 0)}, func(*Value, []*Value) []*Value {
			return []*Value{k.ConstFloat(F32, 0)}
		})
		return k.f
	}, "op yield: operand 0 has type f32, want i32"},
	{"yield count", func() *Func {
		k, _, _ := in1()
		k.loop("i", []*Expr{Const(0)}, []*Expr{Const(8)}, 1, []*Value{k.i(I32, 0)}, func(*Value, []*Value) []*Value { return nil })
		return k.f
	}, "op yield: yields 0 values, want 1 (the loop's iteration arguments)"},
}

var verifySSACases = []verifyCase{
	{"use before definition", func() *Func {
		k, _, o := in1()
		later := k.f.NewValue(I32, "later")
		k.Store(later, o, d(0))
		k.Append(&Op{Code: OpConst, Results: []*Value{later}})
		return k.f
	}, "op store: operand 0 %later (v1) is not defined before this use"},
	{"loop body value used outside", func() *Func {
		k, _, o := in1()
		var inside *Value
		k.rng("i", 0, 8, func(*Value) { inside = k.i(I32, 3) })
		k.Store(inside, o, d(0))
		return k.f
	}, "op store: operand 0 v2 is defined in a loop body that does not enclose this use"},
	{"iteration argument used after loop", func() *Func {
		k, _, o := in1()
		op := k.loop("i", []*Expr{Const(0)}, []*Expr{Const(8)}, 1, []*Value{k.i(I32, 0)}, func(_ *Value, its []*Value) []*Value { return its })
		k.Store(op.Loop.IterArgs[0], o, d(0))
		return k.f
	}, "op store: operand 0 v3 is defined in a loop body that does not enclose this use"},
	{"value defined twice", func() *Func {
		k, _, _ := in1()
		x := k.i(I32, 1)
		k.Append(&Op{Code: OpConst, Results: []*Value{x}})
		return k.f
	}, "op const: result 0 v1 is defined twice"},
	{"same op appended twice", func() *Func {
		k, _, _ := in1()
		k.Append(k.i(I32, 1).Def)
		return k.f
	}, "op const: appears more than once in the function"},
	{"loop inside itself", func() *Func {
		k, _, _ := in1()
		op := k.rng("i", 0, 8, func(*Value) {})
		body := op.Loop.Body
		body.Ops = append([]*Op{op}, body.Ops...)
		return k.f
	}, "op for: appears more than once in the function"},

	{"duplicate ID", func() *Func {
		k, _, _ := in1()
		k.i(I32, 1)
		k.i(I32, 2).ID = 1
		return k.f
	}, "op const: result 0 v1 has the ID of another value"},
	{"IV with wrong Def", func() *Func {
		k, _, _ := in1()
		k.rng("i", 0, 8, func(*Value) {}).Loop.IV.Def = nil
		return k.f
	}, "op for: induction variable %i (v1) has Def set to another op, want this one"},
	{"IV not index", func() *Func {
		k, _, _ := in1()
		k.rng("i", 0, 8, func(*Value) {}).Loop.IV.Type = I32
		return k.f
	}, "op for: induction variable must be a value of type index"},
	{"no body", func() *Func { return &Func{Name: "k"} }, "ir: func @k: has no body"},
}

func TestVerifyRejects(t *testing.T) {
	seen := map[string]bool{}
	for _, cases := range [][]verifyCase{verifyOpCases, verifyMemCases, verifyLoopCases, verifySSACases, verifyTableCases} {
		for _, tc := range cases {
			if seen[tc.name] {
				t.Errorf("duplicate case name %q", tc.name)
			}
			seen[tc.name] = true
			t.Run(tc.name, func(t *testing.T) {
				err := VerifyFunc(tc.build())
				if err == nil {
					t.Fatalf("VerifyFunc accepted the function, want error containing %q", tc.want)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("VerifyFunc error:\n%v\nwant it to contain:\n%s", err, tc.want)
				}
			})
		}
	}
}
