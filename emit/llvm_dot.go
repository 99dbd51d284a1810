package emit

import (
	"fmt"

	"github.com/llir/llvm/ir/constant"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// A dot loop (ir.Loop.Dot) is emitted as ir.PlanDot lays it out: per chunk
// of 64 products, one masked load of the code bytes and one or two of the
// activation bytes, the codes unpacked into 64 biased unsigned bytes, the
// activations shuffled into the same lane order, and a 64-lane dot product
// added to the accumulator's vector; after the last chunk each vector is
// summed and added to the accumulator's initial value. Chunks that unpack
// the same codes or shuffle the same activations share the work.
//
// With Features.AVX512DotBytes the unpacking is one vpermb gathering each
// qword's bytes and one vpmultishiftqb per piece, and the products are
// vpdpbusd (u8 × s8, four per i32 lane) minus a second vpdpbusd of the
// biases; otherwise it is shuffles, per-lane shifts and masks, and i32
// multiplies, which every LLVM target has.

var (
	bytes64 = lt.NewVector(ir.DotLanes, lt.I8)
	mask64  = lt.NewVector(ir.DotLanes, lt.I32)
)

type dotEmitter struct {
	shared map[string]*sharedWindow // code windows one load serves
	g      *llvmFunc
	avx    bool
	pack   *dotPack    // packed activations, if hoisted
	entry  value.Value // the pack's row for this run of the loop
	codes  map[string]value.Value
	acts   map[string]value.Value
}

func (g *llvmFunc) dotLoop(op *ir.Op) {
	plan, err := ir.PlanDot(op)
	if err != nil {
		g.failf(op, "dot loop: %v", err)
		return
	}
	d := &dotEmitter{g: g, avx: g.l.feat.AVX512DotBytes, codes: map[string]value.Value{}, acts: map[string]value.Value{}, pack: g.packs[op]}
	d.shareWindows(plan)
	if d.pack != nil {
		d.entry = g.packEntry(d.pack)
	}
	accT := lt.NewVector(ir.DotLanes/2, lt.I32)
	if d.avx {
		g.l.usedFeat = true
		accT = lt.NewVector(ir.DotLanes/4, lt.I32)
	}
	extra, done := d.rowResults(plan, len(op.Args))
	accs := make([]value.Value, len(op.Args))
	corr := make([]value.Value, len(op.Args))
	for ci, c := range plan.Chunks {
		if done[ci] {
			continue
		}
		u, a := d.unpack(c), d.activations(c)
		if accs[c.Acc] == nil {
			accs[c.Acc], corr[c.Acc] = constant.NewZeroInitializer(accT), constant.NewZeroInitializer(accT)
		}
		if d.avx {
			accs[c.Acc] = d.dpbusd(accs[c.Acc], u, a)
			if hasBias(c) && d.pack == nil {
				corr[c.Acc] = d.dpbusd(corr[c.Acc], byteVector(c.Bias), a)
			}
			continue
		}
		accs[c.Acc] = g.cur.NewAdd(accs[c.Acc], d.pairProducts(c, u, a))
	}
	var live []value.Value
	for i := range accs {
		if accs[i] == nil {
			continue
		}
		if d.avx && d.pack == nil {
			accs[i] = g.cur.NewSub(accs[i], corr[i])
		}
		live = append(live, accs[i])
	}
	sums := d.reduceAll(live, accT)
	var corrRow value.Value // this run's bias corrections in the pack
	if p := d.pack; p != nil {
		corrRow = g.cur.NewGetElementPtr(lt.I32, p.corr, g.cur.NewMul(d.entry, i64(int64(p.naccs))))
	}
	for i, r := range op.Results {
		v := g.val(op.Args[i])
		if extra[i] != nil {
			v = g.cur.NewAdd(v, extra[i])
		}
		if accs[i] != nil {
			if c, ok := v.(*constant.Int); !ok || c.X.Sign() != 0 {
				v = g.cur.NewAdd(v, sums[0])
			} else {
				v = sums[0]
			}
			sums = sums[1:]
			if corrRow != nil {
				v = g.cur.NewSub(v, g.cur.NewLoad(lt.I32, g.cur.NewGetElementPtr(lt.I32, corrRow, i64(int64(i)))))
			}
		}
		g.vals[r] = v
	}
}

// reduceAll sums the lanes of each vector of vs (all of type vt). One
// vector is one llvm.vector.reduce.add; several are reduced together by a
// tree of shuffles and adds that halves the lanes per accumulator at each
// step while packing two vectors into one, so that k accumulators of W
// lanes cost about 3k + 2·log2(W) operations instead of k·2·log2(W).
func (d *dotEmitter) reduceAll(vs []value.Value, vt *lt.VectorType) []value.Value {
	g := d.g
	if len(vs) == 1 {
		return []value.Value{g.cur.NewCall(g.l.intrinsic("llvm.vector.reduce.add."+typeSuffix(vt), lt.I32, vt), vs[0])}
	}
	w := int64(vt.Len)
	n := 1
	for n < len(vs) {
		n *= 2
	}
	level := append([]value.Value(nil), vs...)
	for len(level) < n {
		level = append(level, constant.NewZeroInitializer(vt))
	}
	per := int64(1) // accumulators per vector
	for len(level) > 1 && w/per >= 2 {
		s := w / per // lanes per accumulator
		lo, hi := make([]int64, w), make([]int64, w)
		for o := int64(0); o < w; o++ {
			src, oo := int64(0), o
			if o >= w/2 {
				src, oo = w, o-w/2
			}
			j, r := oo/(s/2), oo%(s/2)
			lo[o], hi[o] = src+j*s+r, src+j*s+s/2+r
		}
		var next []value.Value
		for i := 0; i < len(level); i += 2 {
			a, b := level[i], level[i+1]
			next = append(next, g.cur.NewAdd(g.cur.NewShuffleVector(a, b, laneMaskN(lo)), g.cur.NewShuffleVector(a, b, laneMaskN(hi))))
		}
		level, per = next, per*2
	}
	var out []value.Value
	for _, v := range level {
		for s := w / per; s > 1; s /= 2 {
			lo, hi := make([]int64, w), make([]int64, w)
			for o := int64(0); o < w; o++ {
				j, r := (o%(w/2))/(s/2), (o%(w/2))%(s/2)
				lo[o], hi[o] = j*s+r, j*s+s/2+r
			}
			v = g.cur.NewAdd(g.cur.NewShuffleVector(v, constant.NewUndef(vt), laneMaskN(lo)), g.cur.NewShuffleVector(v, constant.NewUndef(vt), laneMaskN(hi)))
		}
		for j := int64(0); j < per; j++ {
			out = append(out, g.cur.NewExtractElement(v, i64(j)))
		}
	}
	return out[:len(vs)]
}

func hasBias(c *ir.DotChunk) bool {
	for _, b := range c.Bias {
		if b != 0 {
			return true
		}
	}
	return false
}

func byteVector(bs []uint8) constant.Constant {
	cs := make([]constant.Constant, len(bs))
	for i, b := range bs {
		cs[i] = constant.NewInt(lt.I8, int64(int8(b)))
	}
	return constant.NewVector(lt.NewVector(uint64(len(bs)), lt.I8), cs...)
}

func laneMask(idx []int64) constant.Constant { return laneMaskN(idx) }

// laneMaskN is a shufflevector mask selecting lanes idx.
func laneMaskN(idx []int64) constant.Constant {
	cs := make([]constant.Constant, len(idx))
	for i, x := range idx {
		cs[i] = constant.NewInt(lt.I32, x)
	}
	return constant.NewVector(lt.NewVector(uint64(len(idx)), lt.I32), cs...)
}

// window loads n ≤ 64 bytes at byte offset off (plus the window's base) of
// the window's buffer into the low lanes of a 64-byte vector, masked so
// that nothing past them is touched.
func (d *dotEmitter) window(w ir.DotWindow, off, n int64) value.Value {
	g := d.g
	at := g.cur.NewAdd(g.expr(w.Base), i64(off))
	ptr := g.cur.NewGetElementPtr(lt.I8, g.cur.NewBitCast(g.bufs[w.Buf], lt.NewPointer(lt.I8)), at)
	vp := g.cur.NewBitCast(ptr, lt.NewPointer(bytes64))
	if n == ir.DotLanes {
		ld := g.cur.NewLoad(bytes64, vp)
		ld.Align = 1
		return ld
	}
	mask := make([]constant.Constant, ir.DotLanes)
	for i := range mask {
		mask[i] = constant.NewBool(int64(i) < n)
	}
	maskT := lt.NewVector(ir.DotLanes, lt.I1)
	fn := g.l.intrinsic("llvm.masked.load.v64i8.p0", bytes64, lt.NewPointer(bytes64), lt.I32, maskT, bytes64)
	return g.cur.NewCall(fn, vp, constant.NewInt(lt.I32, 1), constant.NewVector(maskT, mask...), constant.NewZeroInitializer(bytes64))
}

// activations returns the chunk's activation bytes in lane order, from
// the packed table when there is one.
func (d *dotEmitter) activations(c *ir.DotChunk) value.Value {
	key := actsKey(c)
	if v, ok := d.acts[key]; ok {
		return v
	}
	var v value.Value
	if p := d.pack; p != nil {
		g := d.g
		slot := g.cur.NewAdd(g.cur.NewMul(d.entry, i64(int64(p.nkeys))), i64(int64(p.keys[key])))
		ld := g.cur.NewLoad(bytes64, g.cur.NewGetElementPtr(bytes64, p.acts, slot))
		ld.Align = 64
		v = ld
	} else {
		v = d.shuffleActs(c)
	}
	d.acts[key] = v
	return v
}

// shuffleActs loads the chunk's activation window and shuffles it into
// lane order.
func (d *dotEmitter) shuffleActs(c *ir.DotChunk) value.Value {
	lo := d.window(c.Acts, 0, min(c.Acts.Len, ir.DotLanes))
	var hi value.Value = constant.NewUndef(bytes64)
	if c.Acts.Len > ir.DotLanes {
		hi = d.window(c.Acts, ir.DotLanes, c.Acts.Len-ir.DotLanes)
	}
	return d.g.cur.NewShuffleVector(lo, hi, laneMask(c.Act))
}

// unpack returns the chunk's biased codes, one unsigned byte per lane.
func (d *dotEmitter) unpack(c *ir.DotChunk) value.Value {
	key := codesKey(c)
	if v, ok := d.codes[key]; ok {
		return v
	}
	g := d.g
	w, delta := d.codeWindow(c)
	pieces := c.Pieces // the window's byte numbers, moved to the shared load's
	if delta != 0 {
		pieces = make([][]ir.DotPiece, len(c.Pieces))
		for p, ps := range c.Pieces {
			pieces[p] = make([]ir.DotPiece, len(ps))
			for l, pc := range ps {
				pieces[p][l] = pc
				pieces[p][l].Byte += delta
			}
		}
	}
	var u value.Value
	or := func(x value.Value) {
		if u == nil {
			u = x
		} else {
			u = g.cur.NewOr(u, x)
		}
	}
	if d.avx {
		for _, grp := range qwordGroups(pieces) {
			packed := g.cur.NewShuffleVector(w, constant.NewUndef(bytes64), laneMask(grp.src))
			for _, p := range grp.pieces {
				ctrl, keep := make([]uint8, ir.DotLanes), make([]uint8, ir.DotLanes)
				for l, pc := range pieces[p] {
					if pc.Len > 0 {
						ctrl[l] = uint8((8*grp.slot[p][l] + int64(pc.Shift) - int64(pc.Dst)) & 63)
						keep[l] = uint8((1<<pc.Len - 1) << pc.Dst)
					}
				}
				ms := g.l.intrinsic("llvm.x86.avx512.pmultishift.qb.512", bytes64, bytes64, bytes64)
				or(g.cur.NewAnd(g.cur.NewCall(ms, byteVector(ctrl), packed), byteVector(keep)))
			}
		}
	} else {
		for _, ps := range pieces {
			src, shr, keep, shl := make([]int64, ir.DotLanes), make([]uint8, ir.DotLanes), make([]uint8, ir.DotLanes), make([]uint8, ir.DotLanes)
			for l, pc := range ps {
				src[l], shr[l], keep[l], shl[l] = pc.Byte, pc.Shift, uint8(1<<pc.Len-1), pc.Dst
			}
			x := g.cur.NewShuffleVector(w, constant.NewUndef(bytes64), laneMask(src))
			y := g.cur.NewAnd(g.cur.NewLShr(x, byteVector(shr)), byteVector(keep))
			or(g.cur.NewShl(y, byteVector(shl)))
		}
	}
	if u == nil {
		u = constant.NewZeroInitializer(bytes64)
	}
	u = g.cur.NewXor(u, byteVector(c.Flip))
	d.codes[key] = u
	return u
}

// sharedWindow is one load serving the code windows of several chunks
// that differ only in their constant offset and fit in 64 bytes together.
type sharedWindow struct {
	w     ir.DotWindow
	fits  bool
	bytes value.Value
}

func varKey(w ir.DotWindow) string {
	return w.Buf.Name + "[" + w.Var.Format(func(v *ir.Value) string { return fmt.Sprint("%", v.ID) }) + "]"
}

// shareWindows finds the code windows of the plan that one load can serve.
func (d *dotEmitter) shareWindows(plan *ir.DotPlan) {
	d.shared = map[string]*sharedWindow{}
	for _, c := range plan.Chunks {
		k := varKey(c.Codes)
		sw, ok := d.shared[k]
		if !ok {
			d.shared[k] = &sharedWindow{w: c.Codes, fits: true}
			continue
		}
		lo, hi := min(sw.w.Off, c.Codes.Off), max(sw.w.Off+sw.w.Len, c.Codes.Off+c.Codes.Len)
		sw.w.Base, sw.w.Off, sw.w.Len = ir.Add(sw.w.Var, ir.Const(lo)), lo, hi-lo
		sw.fits = sw.fits && hi-lo <= ir.DotLanes
	}
}

// codeWindow returns the bytes holding the chunk's code window, and where
// the window starts in them.
func (d *dotEmitter) codeWindow(c *ir.DotChunk) (value.Value, int64) {
	sw := d.shared[varKey(c.Codes)]
	if sw == nil || !sw.fits {
		return d.window(c.Codes, 0, c.Codes.Len), 0
	}
	if sw.bytes == nil {
		sw.bytes = d.window(sw.w, 0, sw.w.Len)
	}
	return sw.bytes, c.Codes.Off - sw.w.Off
}

// pairProducts is the portable form of the chunk's products: i16 lanes
// (|a · code| <= 128 · 255 fits), and adjacent pairs summed into 32 i32
// lanes, the pattern x86's pmaddwd and other targets' widening
// multiply-adds are selected from. Without a pack the code is unbiased
// here; with one, the pack's correction is subtracted after the sum.
func (d *dotEmitter) pairProducts(c *ir.DotChunk, u, a value.Value) value.Value {
	g := d.g
	v16 := lt.NewVector(ir.DotLanes, lt.I16)
	half32 := lt.NewVector(ir.DotLanes/2, lt.I32)
	a16 := g.cur.NewSExt(a, v16)
	var c16 value.Value = g.cur.NewZExt(u, v16)
	if d.pack == nil {
		bias := make([]constant.Constant, ir.DotLanes)
		for l, b := range c.Bias {
			bias[l] = constant.NewInt(lt.I16, int64(b))
		}
		c16 = g.cur.NewSub(c16, constant.NewVector(v16, bias...))
	}
	even, odd := make([]int64, ir.DotLanes/2), make([]int64, ir.DotLanes/2)
	for i := range even {
		even[i], odd[i] = int64(2*i), int64(2*i+1)
	}
	half := func(x value.Value, idx []int64) value.Value {
		return g.cur.NewSExt(g.cur.NewShuffleVector(x, constant.NewUndef(v16), laneMaskN(idx)), half32)
	}
	lo := g.cur.NewMul(half(a16, even), half(c16, even))
	hi := g.cur.NewMul(half(a16, odd), half(c16, odd))
	return g.cur.NewAdd(lo, hi)
}

// dpbusd adds to acc the sums of four u8 × s8 products per i32 lane.
func (d *dotEmitter) dpbusd(acc, u, a value.Value) value.Value {
	g := d.g
	v16 := lt.NewVector(ir.DotLanes/4, lt.I32)
	fn := g.l.intrinsic("llvm.x86.avx512.vpdpbusd.512", v16, v16, v16, v16)
	return g.cur.NewCall(fn, acc, g.cur.NewBitCast(u, v16), g.cur.NewBitCast(a, v16))
}

// qwordGroup is a set of pieces whose bytes one vpermb can gather: for
// every qword of lanes, their source bytes fit its 8 bytes.
type qwordGroup struct {
	pieces []int
	src    []int64   // per byte of the gathered vector: window byte
	slot   [][]int64 // slot[p][lane]: where piece p's byte sits in the lane's qword
}

// qwordGroups packs the pieces into as few gathers as it can, greedily in
// order.
func qwordGroups(pieces [][]ir.DotPiece) []*qwordGroup {
	var groups []*qwordGroup
	for p := range pieces {
		placed := false
		for _, grp := range groups {
			if grp.add(pieces, p) {
				placed = true
				break
			}
		}
		if !placed {
			grp := &qwordGroup{src: make([]int64, ir.DotLanes), slot: make([][]int64, len(pieces))}
			if !grp.add(pieces, p) {
				panic("emit: a piece does not fit an empty gather")
			}
			groups = append(groups, grp)
		}
	}
	return groups
}

// add places piece p in grp if every qword's bytes still fit.
func (grp *qwordGroup) add(pieces [][]ir.DotPiece, p int) bool {
	src := append([]int64(nil), grp.src...)
	slot := make([]int64, ir.DotLanes)
	for q := 0; q < ir.DotLanes/8; q++ {
		used := map[int64]int64{}
		for _, op := range grp.pieces {
			for l := 8 * q; l < 8*q+8; l++ {
				if pieces[op][l].Len > 0 {
					used[pieces[op][l].Byte] = grp.slot[op][l]
				}
			}
		}
		for l := 8 * q; l < 8*q+8; l++ {
			pc := pieces[p][l]
			if pc.Len == 0 {
				continue
			}
			s, ok := used[pc.Byte]
			if !ok {
				s = int64(len(used))
				if s == 8 {
					return false
				}
				used[pc.Byte] = s
				src[8*q+int(s)] = pc.Byte
			}
			slot[l] = s
		}
	}
	grp.src, grp.slot[p] = src, slot
	grp.pieces = append(grp.pieces, p)
	return true
}
