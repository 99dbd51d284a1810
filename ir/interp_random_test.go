package ir

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestExecRandom runs random well-typed functions: each must verify, and
// Exec may fail only with a runtime error, never by panicking.
func TestExecRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	faults := 0
	for n := range 400 {
		g := &randGen{r: r, in: param("in", In, I16, 8, 4), out: param("out", Out, I32, 16)}
		g.k = newKernel(g.in, g.out)
		pool := g.consts()
		g.ops(pool, 12, 2)
		if err := VerifyFunc(g.k.f); err != nil {
			t.Fatalf("function %d does not verify: %v\n%s", n, err, funcText(g.k.f))
		}
		mem := fillAll(g.k.f)
		if err := Exec(g.k.f, mem); err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("function %d: %v\n%s", n, err, funcText(g.k.f))
			}
			faults++
		}
	}
	t.Logf("%d of 400 functions stopped with a runtime error", faults)
}

var randTypes = []Type{I1, I3, I4, I8, I16, I32, I64, Index, F16, F32}

type randGen struct {
	r       *rand.Rand
	k       *kernel
	in, out *Buffer
}

func (g *randGen) consts() []*Value {
	var pool []*Value
	for _, t := range randTypes {
		for range 2 {
			pool = append(pool, g.k.bits(t, g.constBits(t)))
		}
	}
	return pool
}

func (g *randGen) constBits(t Type) uint64 {
	switch {
	case t == I1:
		return g.r.Uint64N(2)
	case t.IsIntLike():
		small := []int64{0, 1, -1, 2, 3, 7, t.MinInt(), t.MaxInt()}
		return uint64(sext(small[g.r.IntN(len(small))], t))
	case t == F16:
		return uint64(g.r.Uint32N(1 << 16))
	}
	return uint64(g.r.Uint32())
}

// pick returns a value of type t from pool, or a new constant.
func (g *randGen) pick(pool []*Value, t Type) *Value {
	var fit []*Value
	for _, v := range pool {
		if v.Type == t {
			fit = append(fit, v)
		}
	}
	if len(fit) == 0 || g.r.IntN(8) == 0 {
		return g.k.bits(t, g.constBits(t))
	}
	return fit[g.r.IntN(len(fit))]
}

// ops appends n random ops drawing operands from pool, nesting loops up
// to depth, and returns the pool grown by their results.
func (g *randGen) ops(pool []*Value, n, depth int) []*Value {
	k := g.k
	for range n {
		t := randTypes[g.r.IntN(len(randTypes))]
		var v *Value
		switch g.r.IntN(9) {
		case 0, 1:
			code := OpAdd + Opcode(g.r.IntN(int(OpMax-OpAdd+1)))
			if t.IsFloat() && code.IntOnly() {
				code = OpMul
			}
			v = k.Bin(code, g.pick(pool, t), g.pick(pool, t))
		case 2:
			v = k.Neg(g.pick(pool, t))
		case 3:
			v = k.Cmp(Pred(g.r.IntN(6)), g.pick(pool, t), g.pick(pool, t))
		case 4:
			v = k.Select(g.pick(pool, I1), g.pick(pool, t), g.pick(pool, t))
		case 5:
			from := randTypes[g.r.IntN(len(randTypes))]
			if CastOK(from, t) {
				v = k.Cast(g.pick(pool, from), t)
			}
		case 6:
			row := Subscript{Affine: Const(g.r.Int64N(8))}
			if g.r.IntN(4) == 0 {
				row = Subscript{Dyn: g.pick(pool, []Type{I8, I32, Index, I1}[g.r.IntN(4)])}
			}
			v = k.Load(g.in, []Subscript{row, {Affine: Const(g.r.Int64N(4))}})
		case 7:
			g.store(pool)
		case 8:
			if depth > 0 {
				v = g.loop(pool, t, depth)
			}
		}
		if v != nil {
			pool = append(pool, v)
		}
	}
	return pool
}

func (g *randGen) store(pool []*Value) {
	v := g.pick(pool, randTypes[g.r.IntN(len(randTypes))])
	if v.Type == Index {
		v = g.k.Cast(v, I64)
	}
	at := Subscript{Affine: Const(g.r.Int64N(16))}
	if g.r.IntN(4) == 0 {
		at = Subscript{Dyn: g.pick(pool, I32)}
	}
	g.k.Store(g.k.Cast(v, I32), g.out, []Subscript{at})
}

// loop appends a loop with random bounds carrying one value of type t.
func (g *randGen) loop(pool []*Value, t Type, depth int) *Value {
	lo, hi := []*Expr{Const(g.r.Int64N(4) - 2)}, []*Expr{Const(g.r.Int64N(6))}
	if g.r.IntN(4) == 0 {
		lo = append(lo, Const(g.r.Int64N(3)))
		hi = append(hi, Const(g.r.Int64N(6)))
	}
	op := g.k.loop("i", lo, hi, 1+g.r.Int64N(3), []*Value{g.pick(pool, t)}, func(iv *Value, its []*Value) []*Value {
		inner := append(append([]*Value{iv}, its...), pool...)
		inner = g.ops(inner, 6, depth-1)
		g.k.Store(g.k.Cast(g.pick(inner, I32), I32), g.out, d(Mod(Dim(iv), 16)))
		return []*Value{g.pick(inner, t)}
	})
	return op.Results[0]
}
