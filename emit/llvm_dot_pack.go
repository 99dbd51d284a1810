package emit

import (
	"fmt"

	lir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// A dot loop's activations usually do not depend on every loop around it:
// in a matmul, the group loop's activations are the same for every output
// column n. Before such a loop H runs, dotPack shuffles the activations of
// every dot loop inside H into lane order once, for every value of the loop
// variables they do depend on, and sums their bias corrections (Σ bias·a):
// the packing step of a BLAS, done by the compiler. Inside H each chunk
// then loads 64 ready bytes, and each accumulator subtracts one number.

// maxPackBytes bounds a packed table (it lives on the stack of the
// function or OpenMP thread that runs H).
const maxPackBytes = 256 << 10

type dotPack struct {
	vars  []*ir.Value // loop variables between H and the dot loop the activations depend on
	lo    []int64     // their lower bounds
	step  []int64
	trips []int64
	keys  map[string]int // activation chunk → slot
	nkeys int
	naccs int
	acts  value.Value // [entries][nkeys] <64 x i8>
	corr  value.Value // [entries][naccs] i32
	sets  [][]int     // row sets (see rowSets); their chunks are not in acts or corr
	rows  value.Value // [entries][len(sets)][16] <64 x i8>: transposed activations + 128
}

// hoistDots packs the activations of the dot loops inside loop h that do
// not depend on h's variable, emitting the packing before h runs. Dot loops
// inside a parallel loop are packed when that loop's body is outlined.
func (g *llvmFunc) hoistDots(h *ir.Op) {
	var walk func(b *ir.Block, between []*ir.Op)
	walk = func(b *ir.Block, between []*ir.Op) {
		for _, op := range b.Ops {
			if op.Code != ir.OpFor {
				continue
			}
			l := op.Loop
			switch {
			case l.Dot:
				if _, done := g.packs[op]; !done {
					if p := g.newPack(h, op, between); p != nil {
						g.packs[op] = p
					}
				}
			case l.Parallel && len(l.IterArgs) == 0:
				// outlined: packed there
			default:
				walk(l.Body, append(between, op))
			}
		}
	}
	walk(h.Loop.Body, nil)
}

// newPack lays out and fills the table of dot loop d inside h, or returns
// nil when its activations depend on h or on a loop without constant
// bounds, or the table would be too large.
func (g *llvmFunc) newPack(h, d *ir.Op, between []*ir.Op) *dotPack {
	plan, err := ir.PlanDot(d)
	if err != nil {
		return nil
	}
	p := &dotPack{keys: map[string]int{}, naccs: len(d.Args)}
	inSet := map[int]bool{}
	if g.l.feat.AVX512DotBytes {
		p.sets = rowSets(plan)
		for _, set := range p.sets {
			for _, ci := range set {
				inSet[ci] = true
			}
		}
	}
	seen := map[*ir.Value]bool{}
	for ci, c := range plan.Chunks {
		key := actsKey(c)
		if _, ok := p.keys[key]; !ok && !inSet[ci] {
			p.keys[key] = p.nkeys
			p.nkeys++
		}
		for _, v := range c.Acts.Base.Dims(nil) {
			if seen[v] {
				continue
			}
			seen[v] = true
			if v == h.Loop.IV {
				return nil
			}
			for _, b := range between {
				if b.Loop.IV != v {
					continue
				}
				lo, hi, ok := constBounds(b.Loop)
				if !ok {
					return nil
				}
				p.vars = append(p.vars, v)
				p.lo, p.step = append(p.lo, lo), append(p.step, b.Loop.Step)
				p.trips = append(p.trips, (hi-lo+b.Loop.Step-1)/b.Loop.Step)
			}
		}
	}
	entries := int64(1)
	for _, t := range p.trips {
		entries *= t
	}
	if entries*int64(p.nkeys*ir.DotLanes+4*p.naccs+len(p.sets)*rowLanes*ir.DotLanes) > maxPackBytes {
		return nil
	}
	entry := g.fn.Blocks[0]
	p.acts = stackArray(entry, entries*int64(p.nkeys), bytes64)
	p.corr = stackArray(entry, entries*int64(p.naccs), lt.I32)
	if len(p.sets) > 0 {
		p.rows = stackArray(entry, entries*int64(len(p.sets))*rowLanes, bytes64)
	}
	g.fillPack(p, plan, 0)
	return p
}

// stackArray allocates n elements of t, 64-byte aligned, in the entry
// block and returns a pointer to the first.
func stackArray(entry *lir.Block, n int64, t lt.Type) value.Value {
	a := entry.NewAlloca(lt.NewArray(uint64(n), t))
	a.Align = 64
	return entry.NewBitCast(a, lt.NewPointer(t))
}

func constBounds(l *ir.Loop) (lo, hi int64, ok bool) {
	if len(l.Lower) != 1 || len(l.Upper) != 1 || l.Lower[0].Kind != ir.ExprConst || l.Upper[0].Kind != ir.ExprConst || l.Step <= 0 {
		return 0, 0, false
	}
	return l.Lower[0].C, max(l.Upper[0].C, l.Lower[0].C), true
}

// fillPack emits loops over p.vars[k:] around the packing of one entry.
func (g *llvmFunc) fillPack(p *dotPack, plan *ir.DotPlan, k int) {
	if k < len(p.vars) {
		v := p.vars[k]
		old, had := g.vals[v]
		g.forLoop(i64(p.lo[k]), i64(p.lo[k]+p.trips[k]*p.step[k]), p.step[k], nil, func(iv value.Value, _ []value.Value) []value.Value {
			g.vals[v] = iv
			g.fillPack(p, plan, k+1)
			return nil
		})
		if had {
			g.vals[v] = old
		} else {
			delete(g.vals, v)
		}
		return
	}
	d := &dotEmitter{g: g, avx: g.l.feat.AVX512DotBytes, acts: map[string]value.Value{}}
	e := g.packEntry(p)
	corr := make([]value.Value, p.naccs)
	inSet := map[int]bool{}
	for _, set := range p.sets {
		for _, ci := range set {
			inSet[ci] = true
		}
	}
	lanes := map[int]value.Value{}
	for ci, c := range plan.Chunks {
		a := d.shuffleActs(c)
		if inSet[ci] {
			lanes[ci] = a
			continue
		}
		slot := g.cur.NewAdd(g.cur.NewMul(e, i64(int64(p.nkeys))), i64(int64(p.keys[actsKey(c)])))
		g.cur.NewStore(a, g.cur.NewGetElementPtr(bytes64, p.acts, slot))
		if !hasBias(c) {
			continue
		}
		s := d.biasSum(c, a)
		if corr[c.Acc] != nil {
			s = g.cur.NewAdd(corr[c.Acc], s)
		}
		corr[c.Acc] = s
	}
	g.fillRows(p, e, lanes)
	for i, s := range corr {
		if s == nil {
			s = constant.NewInt(lt.I32, 0)
		}
		slot := g.cur.NewAdd(g.cur.NewMul(e, i64(int64(p.naccs))), i64(int64(i)))
		g.cur.NewStore(s, g.cur.NewGetElementPtr(lt.I32, p.corr, slot))
	}
}

// packEntry is the table row of the current values of p.vars.
func (g *llvmFunc) packEntry(p *dotPack) value.Value {
	var e value.Value = i64(0)
	for k, v := range p.vars {
		x := g.cur.NewSDiv(g.cur.NewSub(g.val(v), i64(p.lo[k])), i64(p.step[k]))
		e = g.cur.NewAdd(g.cur.NewMul(e, i64(p.trips[k])), x)
	}
	return e
}

// windowKey spells a window so that equal windows of two plans match.
func windowKey(w ir.DotWindow) string {
	return fmt.Sprintf("%s[%s]%d", w.Buf.Name, w.Base.Format(func(v *ir.Value) string { return fmt.Sprint("%", v.ID) }), w.Len)
}

func actsKey(c *ir.DotChunk) string {
	return fmt.Sprint(windowKey(c.Acts), c.Act)
}

func codesKey(c *ir.DotChunk) string {
	return fmt.Sprint(windowKey(c.Codes), c.Pieces, c.Flip)
}

// biasSum returns Σ bias·a over the chunk's lanes as an i32.
func (d *dotEmitter) biasSum(c *ir.DotChunk, a value.Value) value.Value {
	g := d.g
	if d.avx {
		v16 := lt.NewVector(ir.DotLanes/4, lt.I32)
		s := d.dpbusd(constant.NewZeroInitializer(v16), byteVector(c.Bias), a)
		return g.cur.NewCall(g.l.intrinsic("llvm.vector.reduce.add.v16i32", lt.I32, v16), s)
	}
	bias := make([]constant.Constant, ir.DotLanes)
	for l, b := range c.Bias {
		bias[l] = constant.NewInt(lt.I32, int64(b))
	}
	prod := g.cur.NewMul(g.cur.NewSExt(a, mask64), constant.NewVector(mask64, bias...))
	return g.cur.NewCall(g.l.intrinsic("llvm.vector.reduce.add.v64i32", lt.I32, mask64), prod)
}
