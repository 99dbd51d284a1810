package passes

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/q35c/q35c/ir"
)

// TestCarriedDependenceSound builds random loop nests, enumerates every
// element each iteration of the loop under test touches, and checks that
// whenever CarriedDependence proves the iterations independent no two of
// them touch an element one of them stores. It also checks that the test
// proves a fair share of them, so that it is not sound by refusing.
func TestCarriedDependenceSound(t *testing.T) {
	const cases = 3000
	rng := rand.New(rand.NewSource(35))
	proved, conflicts := 0, 0
	for n := range cases {
		g := &nestGen{rng: rng}
		loop := g.build()
		conflict := g.bruteForce(loop)
		if conflict {
			conflicts++
		}
		if dep := CarriedDependence(loop); dep == nil {
			proved++
			if conflict {
				m := &ir.Module{Name: "k", Funcs: []*ir.Func{g.f}}
				t.Fatalf("case %d: CarriedDependence proved that the iterations of %%l0 are independent, but they conflict:\n%s", n, m)
			}
		}
	}
	t.Logf("%d cases: %d proved independent, %d conflict", cases, proved, conflicts)
	if proved < cases/5 || conflicts < cases/5 {
		t.Errorf("%d cases: %d proved independent, %d conflict; want at least %d each", cases, proved, conflicts, cases/5)
	}
}

// nestGen builds one random nest: an outer loop %o, the loop under test
// %l inside it, up to two loops inside %l, and loads and stores of two
// 2-D buffers at random affine subscripts.
type nestGen struct {
	rng *rand.Rand
	f   *ir.Func
	ivs []*ir.Value // induction variables visible where the generator is
	val *ir.Value   // the stored value
	X   *ir.Buffer
	Y   *ir.Buffer
}

func (g *nestGen) build() *ir.Op {
	g.X = &ir.Buffer{Name: "X", Kind: ir.Out, Elem: ir.F32, Shape: []int64{64, 64}}
	g.Y = &ir.Buffer{Name: "Y", Kind: ir.Out, Elem: ir.F32, Shape: []int64{64, 64}}
	g.f = &ir.Func{Name: "k", Params: []*ir.Buffer{g.X, g.Y}}
	b := ir.NewBuilder(g.f)
	g.val = b.ConstFloat(ir.F32, 1)
	outer := b.For("o", []*ir.Expr{ir.Const(0)}, []*ir.Expr{ir.Const(int64(1 + g.rng.Intn(3)))}, 1, nil, nil)
	g.ivs = []*ir.Value{outer.Loop.IV}
	ob := &ir.Builder{Func: g.f, Block: outer.Loop.Body}
	loop := g.loop(ob, 0)
	ob.Yield(nil)
	return loop
}

// loop appends a loop with random bounds and body at nesting depth (0 is
// the loop under test).
func (g *nestGen) loop(b *ir.Builder, depth int) *ir.Op {
	lower := []*ir.Expr{g.expr(false)}
	if g.rng.Intn(4) == 0 {
		lower = append(lower, ir.Const(int64(g.rng.Intn(3))))
	}
	upper := []*ir.Expr{ir.Add(lower[0], ir.Const(int64(1+g.rng.Intn(6))))}
	if g.rng.Intn(3) == 0 {
		upper = append(upper, ir.Const(int64(2+g.rng.Intn(8))))
	}
	op := b.For(fmt.Sprintf("l%d", depth), lower, upper, int64(1+g.rng.Intn(3)), nil, nil)
	g.ivs = append(g.ivs, op.Loop.IV)
	body := &ir.Builder{Func: g.f, Block: op.Loop.Body}
	for range 1 + g.rng.Intn(3) {
		if depth < 2 && g.rng.Intn(3) == 0 {
			g.loop(body, depth+1)
			continue
		}
		g.access(body)
	}
	body.Yield(nil)
	g.ivs = g.ivs[:len(g.ivs)-1]
	return op
}

func (g *nestGen) access(b *ir.Builder) {
	buf := g.X
	if g.rng.Intn(4) == 0 {
		buf = g.Y
	}
	idx := ir.AffineIndex(g.expr(true), g.expr(true))
	if g.rng.Intn(2) == 0 {
		b.Store(g.val, buf, idx)
	} else {
		b.Load(buf, idx)
	}
}

// expr returns a random affine expression of the visible induction
// variables (all but the innermost one for a loop bound, which may only
// use enclosing loops), sometimes under floordiv or mod.
func (g *nestGen) expr(subscript bool) *ir.Expr {
	ivs := g.ivs
	e := ir.Const(int64(g.rng.Intn(4)))
	for _, v := range ivs {
		if c := int64(g.rng.Intn(5)) - 1; c != 0 && g.rng.Intn(2) == 0 {
			e = ir.Add(e, ir.Mul(ir.Dim(v), c))
		}
	}
	if !subscript {
		return e
	}
	switch g.rng.Intn(6) {
	case 0:
		e = ir.FloorDiv(e, int64(2+g.rng.Intn(3)))
	case 1:
		e = ir.Mod(e, int64(2+g.rng.Intn(3)))
	case 2:
		e = ir.Add(ir.FloorDiv(e, 2), ir.Dim(ivs[len(ivs)-1]))
	}
	return e
}

// touch is one access of one iteration: a buffer element, and whether it
// is written.
type touch struct {
	buf   *ir.Buffer
	at    [2]int64
	store bool
}

// bruteForce runs the nest on paper and reports whether two different
// iterations of loop touch the same element, at least one storing it.
func (g *nestGen) bruteForce(loop *ir.Op) bool {
	outer := g.f.Body.Ops[1] // after the constant
	env := map[*ir.Value]int64{}
	conflict := false
	forEach(outer, env, func() {
		var iters [][]touch
		forEach(loop, env, func() {
			var ts []touch
			collect(loop.Loop.Body, env, &ts)
			iters = append(iters, ts)
		})
		conflict = conflict || crossConflict(iters)
	})
	return conflict
}

// forEach runs fn for each iteration of loop op, with its induction
// variable set in env.
func forEach(op *ir.Op, env map[*ir.Value]int64, fn func()) {
	l := op.Loop
	dim := func(v *ir.Value) int64 { return env[v] }
	lo, hi := l.Lower[0].Eval(dim), l.Upper[0].Eval(dim)
	for _, e := range l.Lower[1:] {
		lo = max(lo, e.Eval(dim))
	}
	for _, e := range l.Upper[1:] {
		hi = min(hi, e.Eval(dim))
	}
	for i := lo; i < hi; i += l.Step {
		env[l.IV] = i
		fn()
	}
}

// collect appends the accesses of one execution of block b.
func collect(b *ir.Block, env map[*ir.Value]int64, ts *[]touch) {
	dim := func(v *ir.Value) int64 { return env[v] }
	for _, op := range b.Ops {
		switch op.Code {
		case ir.OpLoad, ir.OpStore:
			*ts = append(*ts, touch{op.Buf, [2]int64{op.Index[0].Affine.Eval(dim), op.Index[1].Affine.Eval(dim)}, op.Code == ir.OpStore})
		case ir.OpFor:
			forEach(op, env, func() { collect(op.Loop.Body, env, ts) })
		}
	}
}

func crossConflict(iters [][]touch) bool {
	for i, a := range iters {
		for _, b := range iters[i+1:] {
			for _, x := range a {
				if slices.ContainsFunc(b, func(y touch) bool { return x.buf == y.buf && x.at == y.at && (x.store || y.store) }) {
					return true
				}
			}
		}
	}
	return false
}

// TestHitsMultiple checks the gap test's arithmetic at its edges.
func TestHitsMultiple(t *testing.T) {
	tests := []struct {
		r    depRange
		g    int64
		tmax int64 // -1: unknown
		want bool
	}{
		{depRange{-3, 3, true}, 4, 100, false},
		{depRange{-4, 3, true}, 4, 100, true},
		{depRange{0, 0, true}, 1, 100, false},
		{depRange{16, 16, true}, 1, 15, false},
		{depRange{15, 15, true}, 1, 15, true},
		{depRange{-15, -15, true}, 1, 15, true},
		{depRange{1, 1, true}, 2, 100, false},
		{depRange{-9, -5, true}, 4, 100, true},
		{depRange{-7, -5, true}, 4, 100, false},
		{depRange{5, 7, true}, 4, -1, false},
		{depRange{5, 8, true}, 4, -1, true},
		{depRange{-1 << 62, 1 << 62, true}, 1 << 62, -1, true},
		{depUnknown, 4, 100, true},
		{depRange{1, 1, true}, 1, 0, false},
	}
	for _, tt := range tests {
		d := &depLoop{tmax: tt.tmax, tknown: tt.tmax >= 0}
		if got := d.hitsMultiple(tt.r, tt.g); got != tt.want {
			t.Errorf("hitsMultiple([%d, %d] ok=%v, %d) with tmax %d = %v, want %v", tt.r.lo, tt.r.hi, tt.r.ok, tt.g, tt.tmax, got, tt.want)
		}
	}
}

// TestDepArithmeticOverflows checks that ranges and forms give up rather
// than wrap around.
func TestDepArithmeticOverflows(t *testing.T) {
	big := depRange{0, 1 << 62, true}
	if r := big.plus(big); r.ok {
		t.Errorf("[0, 2^62] + [0, 2^62] = %+v, want unknown", r)
	}
	if r := big.times(4); r.ok {
		t.Errorf("[0, 2^62] * 4 = %+v, want unknown", r)
	}
	if r := depUnknown.times(0); !r.ok || r.lo != 0 || r.hi != 0 {
		t.Errorf("unknown * 0 = %+v, want [0, 0]", r)
	}
	f := depConst(1<<62).axpy(depConst(1<<62), 2)
	if f.ok {
		t.Errorf("2^62 + 2·2^62 = %+v, want unknown", f)
	}
	if _, ok := depMul(-1<<63, -1); ok {
		t.Error("depMul(MinInt64, -1) fits, it does not")
	}
}
