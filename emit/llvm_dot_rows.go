package emit

import (
	"fmt"

	"github.com/llir/llvm/ir/constant"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// Row lanes. When many accumulators of a dot loop multiply the same codes
// by different activations (rows of a batch sharing one weight group: the
// M = 32 layer's acc4_0 ... acc4_15), one vpdpbusd per 4 codes serves 16
// rows at once: lane r of an i32 vector is row r's accumulator, the codes'
// dword q is broadcast to every lane, and the activations come from the
// pack already transposed (dword r of vector q is row r's bytes 4q..4q+3).
// No lane sum is needed per row. vpdpbusd multiplies unsigned by signed
// bytes, so here the activations are the unsigned side, stored as a + 128,
// and the codes are signed; each row then subtracts 128 · Σ code, the same
// for every row.

// minRows is the fewest accumulators sharing codes worth row lanes.
const minRows = 8

// rowLanes is the number of rows one vector holds.
const rowLanes = ir.DotLanes / 4

// rowSets groups the plan's chunks that unpack identical codes, in sets of
// at most 16 (chunk indices, in plan order); only groups of at least
// minRows qualify.
func rowSets(plan *ir.DotPlan) [][]int {
	var order []string
	groups := map[string][]int{}
	for i, c := range plan.Chunks {
		k := codesKey(c)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var sets [][]int
	for _, k := range order {
		g := groups[k]
		if len(g) < minRows {
			continue
		}
		for len(g) > 0 {
			n := min(len(g), rowLanes)
			sets = append(sets, g[:n])
			g = g[n:]
		}
	}
	return sets
}

// fillRows stores the transposed activations of every row set for the
// current pack entry e; lanes[i] is chunk i's activations in lane order.
func (g *llvmFunc) fillRows(p *dotPack, e value.Value, lanes map[int]value.Value) {
	v16 := lt.NewVector(rowLanes, lt.I32)
	flip := make([]uint8, ir.DotLanes)
	for i := range flip {
		flip[i] = 0x80
	}
	for s, set := range p.sets {
		words := make([]value.Value, len(set))
		for r, ci := range set {
			words[r] = g.cur.NewBitCast(lanes[ci], v16)
		}
		base := g.cur.NewMul(g.cur.NewAdd(g.cur.NewMul(e, i64(int64(len(p.sets)))), i64(int64(s))), i64(rowLanes))
		for q := int64(0); q < rowLanes; q++ {
			var t value.Value = constant.NewZeroInitializer(v16)
			for r, w := range words {
				t = g.cur.NewInsertElement(t, g.cur.NewExtractElement(w, i64(q)), i64(int64(r)))
			}
			b := g.cur.NewXor(g.cur.NewBitCast(t, bytes64), byteVector(flip))
			st := g.cur.NewStore(b, g.cur.NewGetElementPtr(bytes64, p.rows, g.cur.NewAdd(base, i64(q))))
			st.Align = 64
		}
	}
}

// rowSet emits one row set and returns its accumulators (lane r for the
// set's chunk r), less 128 · Σ code.
func (d *dotEmitter) rowSet(plan *ir.DotPlan, s int, set []int) value.Value {
	g := d.g
	v16 := lt.NewVector(rowLanes, lt.I32)
	c0 := plan.Chunks[set[0]]
	code := g.cur.NewSub(d.unpack(c0), byteVector(c0.Bias))
	ones := make([]uint8, ir.DotLanes)
	for i := range ones {
		ones[i] = 1
	}
	sum := d.dpbusd(constant.NewZeroInitializer(v16), byteVector(ones), code)
	sumc := g.cur.NewCall(g.l.intrinsic("llvm.vector.reduce.add.v16i32", lt.I32, v16), sum)
	// Each dword's broadcast is one in-lane shuffle (vpshufd) of the
	// codes' 128-bit lane already copied to all four lanes (vshufi64x2),
	// instead of a cross-lane permute per dword.
	words := g.cur.NewBitCast(code, v16)
	quarters := make([]value.Value, 4)
	for j := range quarters {
		idx := make([]int64, rowLanes)
		for i := range idx {
			idx[i] = int64(4*j + i%4)
		}
		quarters[j] = g.cur.NewShuffleVector(words, constant.NewUndef(v16), laneMaskN(idx))
	}
	p := d.pack
	base := g.cur.NewMul(g.cur.NewAdd(g.cur.NewMul(d.entry, i64(int64(len(p.sets)))), i64(int64(s))), i64(rowLanes))
	var acc value.Value = constant.NewZeroInitializer(v16)
	for q := int64(0); q < int64(c0.Lanes+3)/4; q++ {
		idx := make([]int64, rowLanes)
		for i := range idx {
			idx[i] = int64(i/4*4) + q%4
		}
		b := g.cur.NewShuffleVector(quarters[q/4], constant.NewUndef(v16), laneMaskN(idx))
		ld := g.cur.NewLoad(bytes64, g.cur.NewGetElementPtr(bytes64, p.rows, g.cur.NewAdd(base, i64(q))))
		ld.Align = 64
		acc = g.cur.NewCall(g.l.intrinsic("llvm.x86.avx512.vpdpbusd.512", v16, v16, v16, v16), acc, g.cur.NewBitCast(ld, v16), b)
	}
	corr := g.cur.NewMul(sumc, constant.NewInt(lt.I32, 128))
	return g.cur.NewSub(acc, g.splatI32(corr))
}

// splatI32 broadcasts x to 16 lanes.
func (g *llvmFunc) splatI32(x value.Value) value.Value {
	v16 := lt.NewVector(rowLanes, lt.I32)
	one := g.cur.NewInsertElement(constant.NewUndef(v16), x, i64(0))
	return g.cur.NewShuffleVector(one, constant.NewUndef(v16), laneMaskN(make([]int64, rowLanes)))
}

// rowResults emits every row set of the plan and returns, per accumulator,
// what the sets add to it (nil for none), and the chunks they cover.
func (d *dotEmitter) rowResults(plan *ir.DotPlan, naccs int) ([]value.Value, map[int]bool) {
	g := d.g
	done := map[int]bool{}
	if d.pack == nil || len(d.pack.sets) == 0 {
		return make([]value.Value, naccs), done
	}
	// Sets whose lanes belong to the same accumulators add up as vectors.
	type tuple struct {
		accs []int
		vec  value.Value
	}
	var tuples []*tuple
	byKey := map[string]*tuple{}
	for s, set := range d.pack.sets {
		accs := make([]int, len(set))
		for r, ci := range set {
			accs[r] = plan.Chunks[ci].Acc
			done[ci] = true
		}
		v := d.rowSet(plan, s, set)
		key := fmt.Sprint(accs)
		if t, ok := byKey[key]; ok {
			t.vec = g.cur.NewAdd(t.vec, v)
			continue
		}
		t := &tuple{accs: accs, vec: v}
		byKey[key] = t
		tuples = append(tuples, t)
	}
	out := make([]value.Value, naccs)
	for _, t := range tuples {
		for r, a := range t.accs {
			x := g.cur.NewExtractElement(t.vec, i64(int64(r)))
			if out[a] == nil {
				out[a] = x
			} else {
				out[a] = g.cur.NewAdd(out[a], x)
			}
		}
	}
	return out, done
}
