package passes

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

var fuseCases = []passCase{
	{"fuse/quant_matmul", "fuse", func() *ir.Func { return quantMatmul(3, 5, 4) }},
	{"fuse/quant_matmul_depth2", "fuse", func() *ir.Func { return quantMatmul(3, 4, 4) }},
	{"fuse/different_bounds", "fuse", func() *ir.Func { return shiftedRows(4, 0, 0, 1) }},
	{"fuse/later_row", "fuse", func() *ir.Func { return shiftedRows(4, 0, 1, 0) }},
	{"fuse/earlier_row", "fuse", func() *ir.Func { return shiftedRows(4, 1, 0, 0) }},
	{"fuse/chain_of_three", "fuse", chainOfThree},
	{"fuse/carried_producer", "fuse", carriedProducer},
	{"fuse/consumer_reduction", "fuse", consumerReduction},
	{"fuse/gather_refused", "fuse", gatherConsumer},
	{"fuse/store_reversed", "fuse", storeReversed},
	{"fuse/unrelated_untouched", "fuse", twoBands},
	{"fuse/then_cpu", "fuse,canonicalize,tile{size=2},canonicalize,parallelize", func() *ir.Func { return quantMatmul(4, 6, 5) }},
}

func TestFuse(t *testing.T) {
	for _, c := range fuseCases {
		t.Run(c.golden, func(t *testing.T) { runPassCase(t, c) })
	}
}

// quantMatmul builds nest 1, Aq[m, k] = X[m, k] clamped to [-127, 127]
// and cast to i8 (Aq an output), a constant, and nest 2, C[m, n] = Σ_k
// Aq[m, k]·W[n, k] in i32, cast to f32 and scaled.
func quantMatmul(m, kk, n int64) *ir.Func {
	x, w := param("X", ir.In, ir.F32, m, kk), param("W", ir.In, ir.I8, n, kk)
	aq, c := param("Aq", ir.Out, ir.I8, m, kk), param("C", ir.Out, ir.F32, m, n)
	k := newKernel(x, w, aq, c)
	k.Pos = pos(2, 3)
	k.rng("m", 0, m, 1, func(mi *ir.Value) {
		k.rng("k", 0, kk, 1, func(ki *ir.Value) {
			v := k.Bin(ir.OpMul, k.Load(x, at(mi, ki)), k.ConstFloat(ir.F32, 16))
			v = k.Bin(ir.OpMax, k.Bin(ir.OpMin, v, k.ConstFloat(ir.F32, 127)), k.ConstFloat(ir.F32, -127))
			k.Store(k.Cast(v, ir.I8), aq, at(mi, ki))
		})
	})
	k.Pos = pos(6, 3)
	scale := named(k.ConstFloat(ir.F32, 0.0625), "scale")
	k.Pos = pos(7, 3)
	k.rng("m", 0, m, 1, func(mi *ir.Value) {
		k.Pos = pos(8, 5)
		k.rng("n", 0, n, 1, func(ni *ir.Value) {
			zero := named(k.ConstInt(ir.I32, 0), "acc")
			sum := k.loop("k", ex(0), ex(kk), 1, []*ir.Value{zero}, func(kv *ir.Value, acc []*ir.Value) []*ir.Value {
				a := k.Cast(k.Load(aq, at(mi, kv)), ir.I32)
				b := k.Cast(k.Load(w, at(ni, kv)), ir.I32)
				return []*ir.Value{named(k.Bin(ir.OpAdd, acc[0], k.Bin(ir.OpMul, a, b)), "acc")}
			})
			k.Store(k.Bin(ir.OpMul, k.Cast(sum.Results[0], ir.F32), scale), c, at(mi, ni))
		})
	})
	return k.f
}

// shiftedRows builds T[m + ps, j] = 2·A[m, j] for m in 0..m, then O[m, j]
// = T[m + cs, j] for m in extra..m (T has rows to spare: rows nobody
// writes read as zero). The consumer reads what iteration m + cs - ps of
// the producer writes.
func shiftedRows(m, ps, cs, extra int64) *ir.Func {
	a, tb, o := param("A", ir.In, ir.F32, m, 3), param("T", ir.Out, ir.F32, m+2, 3), param("O", ir.Out, ir.F32, m, 3)
	k := newKernel(a, tb, o)
	k.Pos = pos(2, 3)
	k.rng("m", 0, m, 1, func(mi *ir.Value) {
		k.rng("j", 0, 3, 1, func(j *ir.Value) {
			v := k.Bin(ir.OpMul, k.Load(a, at(mi, j)), k.ConstFloat(ir.F32, 2))
			k.Store(v, tb, at(ir.Add(ir.Dim(mi), ir.Const(ps)), j))
		})
	})
	k.Pos = pos(5, 3)
	k.rng("m", extra, m, 1, func(mi *ir.Value) {
		k.rng("j", 0, 3, 1, func(j *ir.Value) {
			k.Store(k.Load(tb, at(ir.Add(ir.Dim(mi), ir.Const(cs)), j)), o, at(mi, j))
		})
	})
	return k.f
}

// chainOfThree: B1 = 2·X, B2 = B1 + X (both [m, k]), C[m, n] = Σ_k
// B2[m, k] (an f32 sum per (m, n), in k order).
func chainOfThree() *ir.Func {
	x := param("X", ir.In, ir.F32, 3, 4)
	b1, b2, c := param("B1", ir.Out, ir.F32, 3, 4), param("B2", ir.Out, ir.F32, 3, 4), param("C", ir.Out, ir.F32, 3, 2)
	k := newKernel(x, b1, b2, c)
	k.Pos = pos(2, 3)
	k.rng("m", 0, 3, 1, func(m *ir.Value) {
		k.rng("k", 0, 4, 1, func(kv *ir.Value) {
			k.Store(k.Bin(ir.OpMul, k.Load(x, at(m, kv)), k.ConstFloat(ir.F32, 2)), b1, at(m, kv))
		})
	})
	k.Pos = pos(5, 3)
	k.rng("m", 0, 3, 1, func(m *ir.Value) {
		k.rng("k", 0, 4, 1, func(kv *ir.Value) {
			k.Store(k.Bin(ir.OpAdd, k.Load(b1, at(m, kv)), k.Load(x, at(m, kv))), b2, at(m, kv))
		})
	})
	k.Pos = pos(8, 3)
	k.rng("m", 0, 3, 1, func(m *ir.Value) {
		k.Pos = pos(9, 5)
		k.rng("n", 0, 2, 1, func(n *ir.Value) {
			zero := named(k.ConstFloat(ir.F32, 0), "s")
			sum := k.loop("k", ex(0), ex(4), 1, []*ir.Value{zero}, func(kv *ir.Value, s []*ir.Value) []*ir.Value {
				return []*ir.Value{named(k.Bin(ir.OpAdd, s[0], k.Load(b2, at(m, kv))), "s")}
			})
			k.Store(sum.Results[0], c, at(m, n))
		})
	})
	return k.f
}

// carriedProducer: the producer's loop carries a running sum it stores.
func carriedProducer() *ir.Func {
	a, s, o := param("A", ir.In, ir.I32, 6), param("S", ir.Out, ir.I32, 6), param("O", ir.Out, ir.I32, 6)
	k := newKernel(a, s, o)
	k.Pos = pos(2, 3)
	zero := named(k.ConstInt(ir.I32, 0), "run")
	k.loop("i", ex(0), ex(6), 1, []*ir.Value{zero}, func(i *ir.Value, run []*ir.Value) []*ir.Value {
		next := named(k.Bin(ir.OpAdd, run[0], k.Load(a, at(i))), "run")
		k.Store(next, s, at(i))
		return []*ir.Value{next}
	})
	k.Pos = pos(6, 3)
	k.rng("i", 0, 6, 1, func(i *ir.Value) { k.Store(k.Load(s, at(i)), o, at(i)) })
	return k.f
}

// consumerReduction: the consumer's loop carries an f32 sum of what the
// producer writes; fusing keeps the order of the additions.
func consumerReduction() *ir.Func {
	a, tb, s := param("A", ir.In, ir.F32, 7), param("T", ir.Out, ir.F32, 7), param("S", ir.Out, ir.F32, 1)
	k := newKernel(a, tb, s)
	k.Pos = pos(2, 3)
	k.rng("i", 0, 7, 1, func(i *ir.Value) {
		k.Store(k.Bin(ir.OpMul, k.Load(a, at(i)), k.Load(a, at(i))), tb, at(i))
	})
	k.Pos = pos(5, 3)
	zero := named(k.ConstFloat(ir.F32, 0), "s")
	sum := k.loop("i", ex(0), ex(7), 1, []*ir.Value{zero}, func(i *ir.Value, acc []*ir.Value) []*ir.Value {
		return []*ir.Value{named(k.Bin(ir.OpAdd, acc[0], k.Load(tb, at(i))), "s")}
	})
	k.Store(sum.Results[0], s, at(0))
	return k.f
}

// gatherConsumer reads T at a data-dependent index, which may be an
// element a later producer iteration writes.
func gatherConsumer() *ir.Func {
	a, ix := param("A", ir.In, ir.F32, 4), param("I", ir.In, ir.I8, 4)
	tb, o := param("T", ir.Out, ir.F32, 4), param("O", ir.Out, ir.F32, 4)
	k := newKernel(a, ix, tb, o)
	k.Pos = pos(2, 3)
	k.rng("i", 0, 4, 1, func(i *ir.Value) { k.Store(k.Load(a, at(i)), tb, at(i)) })
	k.Pos = pos(4, 3)
	k.rng("i", 0, 4, 1, func(i *ir.Value) {
		j := k.Cast(k.Bin(ir.OpAnd, k.Cast(k.Load(ix, at(i)), ir.I32), k.ConstInt(ir.I32, 3)), ir.Index)
		k.Store(k.Load(tb, at(dyn{j})), o, at(i))
	})
	return k.f
}

// storeReversed: the consumer reads T[i] and writes O[i + 1], which the
// producer writes in iteration i + 1: the producer's write must stay
// first.
func storeReversed() *ir.Func {
	a, tb, o := param("A", ir.In, ir.I32, 5), param("T", ir.Out, ir.I32, 5), param("O", ir.Out, ir.I32, 6)
	k := newKernel(a, tb, o)
	k.Pos = pos(2, 3)
	k.rng("i", 0, 5, 1, func(i *ir.Value) {
		k.Store(k.Load(a, at(i)), tb, at(i))
		k.Store(k.Load(a, at(i)), o, at(i))
	})
	k.Pos = pos(6, 3)
	k.rng("i", 0, 5, 1, func(i *ir.Value) {
		k.Store(k.Load(tb, at(i)), o, at(ir.Add(ir.Dim(i), ir.Const(1))))
	})
	return k.f
}

// Fusion happens exactly when the consumer reads no row that the producer
// writes later, and never changes what the kernel computes.
func TestFuseShifts(t *testing.T) {
	for ps := int64(0); ps <= 2; ps++ {
		for cs := int64(0); cs <= 2; cs++ {
			f := shiftedRows(3, ps, cs, 0)
			m := &ir.Module{Name: "k.q35", Funcs: []*ir.Func{f}}
			want := execAll(t, m)
			runFuse(t, m)
			if got := execAll(t, m); !equalWords(want, got) {
				t.Errorf("producer row m+%d, consumer row m+%d: fusion changed the results", ps, cs)
			}
			if fused := len(topLoops(f)) == 1; fused != (cs <= ps) {
				t.Errorf("producer row m+%d, consumer row m+%d: fused = %v, want %v", ps, cs, fused, cs <= ps)
			}
		}
	}
}

func runFuse(t *testing.T, m *ir.Module) *diag.List {
	t.Helper()
	p, err := Parse("fuse")
	if err != nil {
		t.Fatal(err)
	}
	var d diag.List
	if err := p.Run(m, &d); err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("fused IR does not verify: %v", err)
	}
	return &d
}

func topLoops(f *ir.Func) []*ir.Op {
	var loops []*ir.Op
	for _, op := range f.Body.Ops {
		if op.Code == ir.OpFor {
			loops = append(loops, op)
		}
	}
	return loops
}

// Every example and test kernel verifies after fuse and computes the same
// bits in the interpreter (kernels over 1M elements a buffer, the LLaMA
// layers, are only verified); fuse_quant_matmul.q35 does get fused.
func TestFuseSources(t *testing.T) {
	var srcs []string
	for _, pat := range []string{"../examples/*.q35", "../testdata/kernels/*.q35", "../testdata/passes/*.q35"} {
		fs, _ := filepath.Glob(pat)
		srcs = append(srcs, fs...)
	}
	if len(srcs) < 10 {
		t.Fatalf("only %d sources found", len(srcs))
	}
	for _, src := range srcs {
		t.Run(filepath.Base(src), func(t *testing.T) {
			text, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			_, m, diags := frontend.Compile(src, text)
			if m == nil {
				t.Fatalf("does not compile: %v", diags)
			}
			var want [][]int64
			big := tooBig(m)
			if !big {
				want = execAll(t, m)
			}
			before := m.String()
			runFuse(t, m)
			if !big && !equalWords(want, execAll(t, m)) {
				t.Errorf("fuse changed the interpreter's results")
			}
			if strings.HasSuffix(src, "fuse_quant_matmul.q35") && m.String() == before {
				t.Errorf("the quantization nest was not fused into the matmul")
			}
		})
	}
}

// The remarks say what was fused and why not.
func TestFuseRemarks(t *testing.T) {
	for _, c := range []struct {
		build func() *ir.Func
		want  string
	}{
		{func() *ir.Func { return quantMatmul(3, 5, 4) }, "nests not fused: the producer's loop %k runs 0 to 5 step 1, the consumer's loop %n runs 0 to 4 step 1"},
		{func() *ir.Func { return quantMatmul(3, 5, 4) }, "loop %m of line 2 is fused into this loop %m: it stores %Aq, which this loop loads"},
		{func() *ir.Func { return shiftedRows(4, 0, 1, 0) }, "nests not fused: the consumer's load %T[%m + 1, %j] may read what the producer's store %T[%m, %j] writes in a later iteration of %m"},
		{storeReversed, "the consumer's store %O[%i + 1] may write an element that the producer's store %O[%i] writes in a later iteration of %i"},
		{carriedProducer, "the producer's loop %i carries run from one iteration to the next"},
	} {
		d := runFuse(t, &ir.Module{Name: "k.q35", Funcs: []*ir.Func{c.build()}})
		var out bytes.Buffer
		d.Render(&out)
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("remarks lack %q:\n%s", c.want, out.String())
		}
	}
}
