package passes

import (
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var unpackCases = []passCase{
	{"unpack/load_shift", "unpack", func() *ir.Func { return dotI4(ir.Dim) }},
	{"unpack/load_lut", "unpack{mode=lut}", func() *ir.Func { return dotI4(ir.Dim) }},
	{"unpack/load_even_odd", "unpack", func() *ir.Func {
		return dotI4(func(j *ir.Value) *ir.Expr { return ir.Add(ir.Mul(ir.Dim(j), 2), ir.Const(1)) })
	}},
	{"unpack/load_floordiv", "unpack", func() *ir.Func { return dotI4(func(j *ir.Value) *ir.Expr { return ir.FloorDiv(ir.Dim(j), 3) }) }},
	{"unpack/load_mod", "unpack{mode=lut}", func() *ir.Func { return dotI4(func(j *ir.Value) *ir.Expr { return ir.Mod(ir.Dim(j), 6) }) }},
	{"unpack/load_dynamic", "unpack", gatherI4},
	{"unpack/load_other_uses", "unpack{mode=lut}", codeCompare},
	{"unpack/sext_shift", "unpack", sextCodes},
	{"unpack/sext_lut", "unpack{mode=lut}", sextCodes},
	{"unpack/sext_name_taken", "unpack{mode=lut}", sextNameTaken},
	{"unpack/nothing", "unpack", func() *ir.Func { return scale1D(8, 0, 1) }},
	{"unpack/lut_then_cpu", "unpack{mode=lut},canonicalize,tile{size=4},canonicalize,parallelize", func() *ir.Func { return dotI4(ir.Dim) }},
}

func TestUnpack(t *testing.T) {
	for _, c := range unpackCases {
		t.Run(c.golden, func(t *testing.T) {
			m := runPassCase(t, c)
			m.Funcs[0].Body.Walk(func(op *ir.Op) {
				if op.Code == ir.OpLoad && op.Buf.Elem == ir.I4 && !op.Raw {
					t.Errorf("a load of a packed i4 element is left: %%%s", op.Buf.Name)
				}
			})
		})
	}
}

// dotI4 builds O[n] = Σ_j W[n, sub(j)] as i32, W packed i4 [3, 12], j in
// [0, 12): the affine subscript sub decides the nibble.
func dotI4(sub func(j *ir.Value) *ir.Expr) *ir.Func {
	w, o := param("W", ir.In, ir.I4, 3, 12), param("O", ir.Out, ir.I32, 3)
	k := newKernel(w, o)
	k.rng("n", 0, 3, 1, func(n *ir.Value) {
		zero := named(k.ConstInt(ir.I32, 0), "acc")
		sum := k.loop("j", ex(0), ex(6), 1, []*ir.Value{zero}, func(j *ir.Value, acc []*ir.Value) []*ir.Value {
			k.Pos = pos(3, 9)
			code := k.Load(w, at(n, sub(j)))
			return []*ir.Value{k.Bin(ir.OpAdd, acc[0], k.Cast(code, ir.I32))}
		})
		k.Store(sum.Results[0], o, at(n))
	})
	return k.f
}

// gatherI4 reads W[n, X[n]] with a dynamic i32 subscript into i64.
func gatherI4() *ir.Func {
	x, w, o := param("X", ir.In, ir.I32, 5), param("W", ir.In, ir.I4, 5, 16), param("O", ir.Out, ir.I64, 5)
	k := newKernel(x, w, o)
	k.rng("n", 0, 5, 1, func(n *ir.Value) {
		j := k.Bin(ir.OpAnd, k.Load(x, at(n)), k.ConstInt(ir.I32, 15))
		k.Store(k.Cast(k.Load(w, at(n, dyn{j})), ir.I64), o, at(n))
	})
	return k.f
}

// codeCompare uses a packed code other than through a cast: the code
// itself stays defined.
func codeCompare() *ir.Func {
	w, o := param("W", ir.In, ir.I4, 10), param("O", ir.Out, ir.I8, 10)
	k := newKernel(w, o)
	k.rng("i", 0, 10, 1, func(i *ir.Value) {
		c := k.Load(w, at(i))
		neg := k.Cmp(ir.PredLt, c, k.ConstInt(ir.I4, 0))
		k.Store(k.Select(neg, k.ConstInt(ir.I8, -1), k.Cast(c, ir.I8)), o, at(i))
	})
	return k.f
}

// sextCodes sign-extends the low bits of i32 words as the 3.5-bit decoder
// does: x as i4 as i32, x as i3 as index (a subscript), x as i4 as i8, and
// an i3 code widened to i4 first (only the inner extension counts).
func sextCodes() *ir.Func {
	x, l, o := param("X", ir.In, ir.I32, 6), param("L", ir.In, ir.I8, 8), param("O", ir.Out, ir.I32, 6, 4)
	k := newKernel(x, l, o)
	k.rng("i", 0, 6, 1, func(i *ir.Value) {
		k.Pos = pos(5, 3)
		w := k.Load(x, at(i))
		q4 := k.Cast(k.Cast(w, ir.I4), ir.I32)
		idx := k.Bin(ir.OpAdd, k.Cast(k.Cast(w, ir.I3), ir.Index), k.ConstInt(ir.Index, 4))
		q3 := k.Cast(k.Load(l, at(dyn{idx})), ir.I32)
		q8 := k.Cast(k.Cast(k.Cast(w, ir.I4), ir.I8), ir.I32)
		q34 := k.Cast(k.Cast(k.Cast(w, ir.I3), ir.I4), ir.I32)
		for j, v := range []*ir.Value{q4, q3, q8, q34} {
			k.Store(v, o, at(i, j))
		}
	})
	return k.f
}

// sextNameTaken has a parameter called sext4.
func sextNameTaken() *ir.Func {
	x, o := param("sext4", ir.In, ir.I32, 6), param("O", ir.Out, ir.I64, 6)
	k := newKernel(x, o)
	k.rng("i", 0, 6, 1, func(i *ir.Value) {
		k.Store(k.Cast(k.Cast(k.Load(x, at(i)), ir.I4), ir.I64), o, at(i))
	})
	return k.f
}

// The remark says what was rewritten, per kernel.
func TestUnpackRemark(t *testing.T) {
	m, d, err := runPipeOn("unpack{mode=lut}", sextCodes())
	if err != nil {
		t.Fatal(err)
	}
	want := "unpack: 4 sign extensions lowered to lookups in %sext4, %sext3"
	if len(d.Diags) != 1 || d.Diags[0].Msg != want {
		t.Errorf("remarks = %v, want one: %s", d.Diags, want)
	}
	if !strings.Contains(m.String(), "table %sext3: i32[8] = [0, 1, 2, 3, -4, -3, -2, -1]") {
		t.Errorf("the i3 table is missing or wrong:\n%s", m)
	}
}

// The overflow analysis bounds decoded codes as tightly as packed loads:
// a table load ranges over the table, a shifted-down byte over [-8, 7].
func TestUnpackKeepsOverflowBounds(t *testing.T) {
	for _, pipe := range []string{"unpack", "unpack{mode=lut}"} {
		f := dotI4(ir.Dim)
		want := diagMsgs(CheckOverflowFunc(f))
		if _, _, err := runPipeOn(pipe, f); err != nil {
			t.Fatal(err)
		}
		if got := diagMsgs(CheckOverflowFunc(f)); got != want {
			t.Errorf("%s: overflow report\n%s\nwant\n%s", pipe, got, want)
		}
	}
}

func diagMsgs(ds []diag.Diagnostic) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.Severity.String()+": "+d.Msg)
	}
	return strings.Join(s, "\n")
}

func runPipeOn(text string, f *ir.Func) (*ir.Module, *diag.List, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, nil, err
	}
	m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{f}}
	var d diag.List
	return m, &d, p.Run(m, &d)
}
