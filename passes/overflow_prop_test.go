package passes

import (
	"math/rand"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// A proof means no overflow: random nests of loops carrying an i8 or i16
// accumulator (perfect and imperfect chains, triangular and stepped
// bounds, add, sub and conditional adds of terms built from loads, casts,
// products, shifts, masks, min, max, neg and select) are analysed; when
// the analysis proves every accumulator, the kernel must compute the same
// result as a twin that adds the very same terms into an i64, on inputs
// at the extremes of their types.
func TestOverflowProofsHold(t *testing.T) {
	kernels := 1000
	if testing.Short() {
		kernels = 120
	}
	proved, refused := 0, 0
	for seed := range int64(kernels) {
		for _, acc := range []ir.Type{ir.I8, ir.I16} {
			narrow := ovGenKernel(t, seed, acc, acc)
			ds := CheckOverflowFunc(narrow)
			if ovHasError(ds) {
				refused++
				continue
			}
			proved++
			wide := ovGenKernel(t, seed, acc, ir.I64)
			for fill := range 6 {
				got, want := ovRunFill(t, narrow, fill), ovRunFill(t, wide, fill)
				if got != want {
					t.Fatalf("seed %d, %s, fill %d: the analysis proved\n%v\nbut the accumulator overflowed: %d, exact %d\n%s",
						seed, acc, fill, ovMsgs(ds), got, want, ovPrint(narrow))
				}
			}
		}
	}
	t.Logf("proved %d, refused %d", proved, refused)
	if proved < kernels/4 || refused < kernels/4 {
		t.Errorf("proved %d and refused %d kernels: the generator should give plenty of both", proved, refused)
	}
}

func ovHasError(ds []diag.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == diag.Error {
			return true
		}
	}
	return false
}

// ovGen generates a kernel: terms are computed in type term, and
// accumulated in type acc (term itself, or i64 for the exact twin).
type ovGen struct {
	rnd       *rand.Rand
	k         *ovKernel
	term, acc ir.Type
	A, W, S   *ir.Buffer
	ivs       []*ir.Value
}

func ovGenKernel(t *testing.T, seed int64, term, acc ir.Type) *ir.Func {
	A, W, S := ovBuf("A", ir.In, ir.I8, 64), ovBuf("W", ir.In, ir.I4, 64), ovBuf("S", ir.In, ir.I16, 64)
	C := ovBuf("C", ir.Out, ir.I64, 1)
	g := &ovGen{rnd: rand.New(rand.NewSource(seed)), k: ovNewKernel(A, W, S, C), term: term, acc: acc, A: A, W: W, S: S}
	init := g.k.b.ConstInt(acc, g.rnd.Int63n(21)-10)
	r := g.level(0, 1+g.rnd.Intn(3), init)
	if acc != ir.I64 {
		r = g.k.b.Cast(r, ir.I64)
	}
	g.k.b.Store(r, C, ir.AffineIndex(ir.Const(0)))
	return g.k.done(t)
}

// level emits loop d of a chain of depth loops carrying v.
func (g *ovGen) level(d, depth int, v *ir.Value) *ir.Value {
	lo, hi, step := g.bounds()
	if d == depth-1 && g.rnd.Intn(3) == 0 {
		return g.withAux(lo, hi, step, v)
	}
	op := g.k.loop(lo, hi, step, []*ir.Value{v}, []string{"acc"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		g.ivs = append(g.ivs, iv)
		x := its[0]
		if d == depth-1 || g.rnd.Intn(3) == 0 {
			x = g.accumulate(x)
		}
		if d < depth-1 {
			x = g.level(d+1, depth, x)
			if g.rnd.Intn(3) == 0 {
				x = g.accumulate(x)
			}
		}
		g.ivs = g.ivs[:len(g.ivs)-1]
		return []*ir.Value{x}
	})
	return op.Results[0]
}

// withAux emits an innermost loop that also carries aux, an accumulator
// of the term type, and adds aux (before or after its update) to v: the
// range of aux inside the loop bounds v's terms (s2 += s1).
func (g *ovGen) withAux(lo, hi *ir.Expr, step int64, v *ir.Value) *ir.Value {
	aux := g.k.b.ConstInt(g.term, g.rnd.Int63n(5)-2)
	op := g.k.loop(lo, hi, step, []*ir.Value{v, aux}, []string{"acc", "aux"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		g.ivs = append(g.ivs, iv)
		b := g.k.b
		small := b.Bin(ir.OpAnd, g.termValue(1), b.ConstInt(g.term, int64(1)<<g.rnd.Intn(7)-1))
		next := b.Bin(ir.OpAdd, its[1], small)
		x := its[1]
		if g.rnd.Intn(2) == 0 {
			x = next
		}
		if g.acc != g.term {
			x = b.Cast(x, g.acc)
		}
		g.ivs = g.ivs[:len(g.ivs)-1]
		return []*ir.Value{b.Bin(ir.OpAdd, its[0], x), next}
	})
	return op.Results[0]
}

// bounds: 0..c, a stepped range, or a triangular one from an outer IV.
func (g *ovGen) bounds() (*ir.Expr, *ir.Expr, int64) {
	c := int64(1 + g.rnd.Intn(12))
	if len(g.ivs) > 0 && g.rnd.Intn(3) == 0 {
		outer := ir.Dim(g.ivs[len(g.ivs)-1])
		if g.rnd.Intn(2) == 0 {
			return ir.Const(0), ir.Add(outer, ir.Const(c%4)), 1
		}
		return outer, ir.Add(outer, ir.Const(c)), 1
	}
	return ir.Const(0), ir.Const(c), int64(1 + g.rnd.Intn(2))
}

// accumulate adds or subtracts a term, sometimes conditionally.
func (g *ovGen) accumulate(v *ir.Value) *ir.Value {
	b := g.k.b
	x := g.termValue(2)
	if g.acc != g.term {
		x = b.Cast(x, g.acc)
	}
	code := ir.OpAdd
	if g.rnd.Intn(4) == 0 {
		code = ir.OpSub
	}
	next := b.Bin(code, v, x)
	if g.rnd.Intn(5) == 0 {
		return b.Select(b.Cmp(ir.PredLt, x, b.ConstInt(g.acc, 0)), next, v)
	}
	return next
}

// termValue builds a random term of type g.term from loads at the sum of
// the enclosing IVs (always below 64).
func (g *ovGen) termValue(depth int) *ir.Value {
	b, t := g.k.b, g.term
	idx := ir.Const(0)
	for _, iv := range g.ivs {
		idx = ir.Add(idx, ir.Dim(iv))
	}
	choice := g.rnd.Intn(9)
	if depth == 0 {
		choice %= 3
	}
	switch choice {
	case 0:
		return b.Cast(g.k.load(g.A, idx), t)
	case 1:
		return b.Cast(g.k.load(g.W, idx), t)
	case 2:
		return b.Cast(b.Cast(g.k.load(g.S, idx), ir.I4), t)
	case 3:
		return b.Bin(ir.OpMul, g.termValue(depth-1), g.termValue(depth-1))
	case 4:
		x := b.Bin(ir.OpShrS, b.Cast(g.k.load(g.A, idx), t), b.ConstInt(t, int64(g.rnd.Intn(7))))
		return b.Bin(ir.OpAnd, x, b.ConstInt(t, int64(g.rnd.Intn(64))))
	case 5:
		return b.Bin(ir.OpMin, g.termValue(depth-1), b.ConstInt(t, int64(g.rnd.Intn(40)-20)))
	case 6:
		return b.Bin(ir.OpMax, g.termValue(depth-1), b.ConstInt(t, int64(g.rnd.Intn(40)-20)))
	case 7:
		return b.Neg(g.termValue(depth - 1))
	}
	c := b.Cmp(ir.PredGt, g.termValue(depth-1), g.termValue(depth-1))
	return b.Select(c, g.termValue(depth-1), g.termValue(depth-1))
}

// ovRunFill runs f with inputs filled at their types' extremes (or
// randomly mixed extremes) and returns C[0].
func ovRunFill(t *testing.T, f *ir.Func, fill int) int64 {
	t.Helper()
	mem := ir.NewMemory(f)
	rnd := rand.New(rand.NewSource(int64(fill)))
	for i, b := range f.Params[:3] {
		for e := range b.NumElems() {
			lo := fill == 0 || fill > 1 && rnd.Intn(2) == 0
			ovPutElem(mem[i], b.Elem, e, lo)
		}
	}
	if err := ir.Exec(f, mem); err != nil {
		t.Fatal(err)
	}
	return ir.OutputWords(f.Params[3], mem[3])[0]
}

func ovPutElem(m []byte, t ir.Type, e int64, lo bool) {
	v := t.MaxInt()
	if lo {
		v = t.MinInt()
	}
	if t == ir.I4 {
		m[e/2] |= byte(v&15) << (4 * (e % 2))
		return
	}
	w := int64(t.Bits / 8)
	ovPut(m[e*w:], int(w), v)
}
