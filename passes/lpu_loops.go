package passes

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// lpuLoops turns the loops around dot loop d into rectangular ranges and
// classifies them by the windows of plan their variable moves: both code
// and activation windows (K, the groups), code windows only (N, the output
// columns), or neither code window (M, the streamed rows). A loop needs
// constant bounds, or must be strip-mined by a loop around it with
// constant bounds (for %t = a to b step T { for %i = %t to min(%t + T, U)
// step s }, s dividing T: the systolic pass's tiles), in which case the
// pair is one range of %i and %t is not a loop of the matmul.
func lpuLoops(d *ir.Op, path []*ir.Op, plan *ir.DotPlan) ([]ir.LPULoop, error) {
	inner := map[*ir.Op]*ir.Op{} // tile loop → the loop it strip-mines
	var loops []ir.LPULoop
	for i, op := range path {
		lo, hi, ok := constBounds(op.Loop)
		if !ok {
			tl, lp, err := stripMined(op, path[:i])
			if err != nil {
				return nil, fmt.Errorf("%s: lpu: the loop %s around the dot loop at %s %s", op.Pos, ivName(op), d.Pos, err)
			}
			if inner[tl] != nil {
				return nil, fmt.Errorf("%s: lpu: the loop %s gives the bounds of two loops around the dot loop at %s", tl.Pos, ivName(tl), d.Pos)
			}
			inner[tl] = op
			loops = append(loops, lp)
			continue
		}
		trip := int64(0)
		if hi > lo {
			trip = (hi - lo + op.Loop.Step - 1) / op.Loop.Step
		}
		loops = append(loops, ir.LPULoop{IV: op.Loop.IV, Pos: op.Pos, Lower: lo, Step: op.Loop.Step, Trip: trip})
	}
	// Drop the tile loops; the windows may only move with what is left.
	kept := loops[:0]
	tileIVs := map[*ir.Value]bool{}
	for i, op := range path {
		if inner[op] != nil {
			tileIVs[op.Loop.IV] = true
			continue
		}
		kept = append(kept, loops[i])
	}
	codes, acts := map[*ir.Value]bool{}, map[*ir.Value]bool{}
	for _, c := range plan.Chunks {
		for _, v := range c.Codes.Var.Dims(nil) {
			codes[v] = true
		}
		for _, v := range c.Acts.Var.Dims(nil) {
			acts[v] = true
		}
	}
	for v := range codes {
		if tileIVs[v] {
			return nil, fmt.Errorf("%s: lpu: the code windows of the dot loop move with the tile loop %%%s", d.Pos, v.Name)
		}
	}
	for v := range acts {
		if tileIVs[v] {
			return nil, fmt.Errorf("%s: lpu: the activation windows of the dot loop move with the tile loop %%%s", d.Pos, v.Name)
		}
	}
	for i := range kept {
		iv := kept[i].IV
		switch {
		case codes[iv] && acts[iv]:
			kept[i].Class = ir.ClassK
		case codes[iv]:
			kept[i].Class = ir.ClassN
		default:
			kept[i].Class = ir.ClassM
		}
	}
	return kept, nil
}

// constBounds returns a loop's bounds when all of them are constants.
func constBounds(l *ir.Loop) (lo, hi int64, ok bool) {
	for i, e := range l.Lower {
		c, isC := e.IsConst()
		if !isC {
			return 0, 0, false
		}
		if i == 0 || c > lo {
			lo = c
		}
	}
	for i, e := range l.Upper {
		c, isC := e.IsConst()
		if !isC {
			return 0, 0, false
		}
		if i == 0 || c < hi {
			hi = c
		}
	}
	return lo, hi, true
}

// stripMined matches loop op as the inner loop of a strip-mined pair whose
// tile loop is among outer, and returns the tile loop and the pair's range.
func stripMined(op *ir.Op, outer []*ir.Op) (*ir.Op, ir.LPULoop, error) {
	l := op.Loop
	bad := func() (*ir.Op, ir.LPULoop, error) {
		return nil, ir.LPULoop{}, fmt.Errorf("has bounds that are neither constants nor a tile of a loop with constant bounds (the matrix unit needs rectangular loops): %s", boundsText(l))
	}
	if len(l.Lower) != 1 {
		return bad()
	}
	t := offsetOf(l.Lower[0])
	if t.iv == nil || t.c != 0 {
		return bad()
	}
	var tl *ir.Op
	for _, o := range outer {
		if o.Loop.IV == t.iv {
			tl = o
		}
	}
	if tl == nil {
		return bad()
	}
	tlo, thi, ok := constBounds(tl.Loop)
	if !ok {
		return bad()
	}
	T := tl.Loop.Step
	if T%l.Step != 0 {
		return bad()
	}
	end, sawTile := int64(0), false
	if thi > tlo {
		end = tlo + (thi-tlo-1)/T*T + T // the last tile's end
	}
	for _, e := range l.Upper {
		if c, isC := e.IsConst(); isC {
			end = min(end, c)
			continue
		}
		o := offsetOf(e)
		if o.iv != t.iv || o.c != T {
			return bad()
		}
		sawTile = true
	}
	if !sawTile {
		return bad()
	}
	lp := ir.LPULoop{IV: l.IV, Pos: op.Pos, Lower: tlo, Step: l.Step}
	if end > tlo {
		lp.Trip = (end - tlo + l.Step - 1) / l.Step
	}
	return tl, lp, nil
}

// ivOffset is iv + c.
type ivOffset struct {
	iv *ir.Value
	c  int64
}

// offsetOf matches e as one induction variable plus a constant.
func offsetOf(e *ir.Expr) ivOffset {
	dims := e.Dims(nil)
	if len(dims) != 1 {
		return ivOffset{}
	}
	v := dims[0]
	at := func(x int64) int64 {
		return e.Eval(func(*ir.Value) int64 { return x })
	}
	c := at(0)
	if at(1) != c+1 || at(1000) != c+1000 || at(-7) != c-7 {
		return ivOffset{}
	}
	return ivOffset{v, c}
}

func boundsText(l *ir.Loop) string {
	name := func(v *ir.Value) string { return "%" + v.Name }
	var lo, hi []string
	for _, e := range l.Lower {
		lo = append(lo, e.Format(name))
	}
	for _, e := range l.Upper {
		hi = append(hi, e.Format(name))
	}
	return fmt.Sprintf("from max(%s) to min(%s)", strings.Join(lo, ", "), strings.Join(hi, ", "))
}

// weightColumns finds the weight column of one execution: accumulators
// whose chunks decode the same codes from the same bytes are one column
// streamed with several activation rows (JamRows); the distinct ones stack
// along K (GroupK positions). It sets each chunk's Column and Row.
func weightColumns(mm *ir.LPUMatmul, accs int) {
	p := mm.Plan
	keys := make([]strings.Builder, accs)
	lanesOf := make([]int64, accs)
	for _, c := range p.Chunks {
		fmt.Fprintf(&keys[c.Acc], "%s@%s+%d:%d:%v:%v:%v;", c.Codes.Buf.Name, exprKey(c.Codes.Var), c.Codes.Off, c.Lanes, c.Pieces, c.Flip, c.Bias)
		lanesOf[c.Acc] += int64(c.Lanes)
		mm.Lanes += int64(c.Lanes)
	}
	colOf := map[string]int64{} // a key's first position
	rank := make([]int64, accs)
	count := map[string]int64{}
	for a := range keys {
		k := keys[a].String()
		if _, ok := colOf[k]; !ok {
			colOf[k] = mm.GroupK
			mm.GroupK += lanesOf[a]
		}
		rank[a] = count[k]
		count[k]++
		mm.JamRows = max(mm.JamRows, count[k])
	}
	next := make([]int64, accs)
	for _, c := range p.Chunks {
		mm.Column = append(mm.Column, colOf[keys[c.Acc].String()]+next[c.Acc])
		mm.Row = append(mm.Row, rank[c.Acc])
		next[c.Acc] += int64(c.Lanes)
	}
}

// exprKey prints an affine expression over value IDs.
func exprKey(e *ir.Expr) string {
	return e.Format(func(v *ir.Value) string { return fmt.Sprint("v", v.ID) })
}

// tiles cuts mm's weight matrix into the folds of the dataflow and deals
// them to the planes in turn (tile i to plane i mod P).
func (l *lpuLowering) tiles(mm *ir.LPUMatmul) error {
	t := l.p.Target
	R, C, P := t.Matrix.Rows, t.Matrix.Cols, t.Matrix.Planes
	if mm.GroupK == 0 || mm.Groups == 0 || mm.N == 0 || mm.M == 0 {
		return nil
	}
	var kt [][2]int64 // K ranges of the column
	switch {
	case l.p.Dataflow == "os":
		for g := range mm.Groups {
			kt = append(kt, [2]int64{g * mm.GroupK, (g + 1) * mm.GroupK})
		}
	case mm.GroupK <= R:
		per := R / mm.GroupK
		for g := int64(0); g < mm.Groups; g += per {
			kt = append(kt, [2]int64{g * mm.GroupK, min(g+per, mm.Groups) * mm.GroupK})
		}
	default:
		for g := range mm.Groups {
			for k := int64(0); k < mm.GroupK; k += R {
				kt = append(kt, [2]int64{g*mm.GroupK + k, g*mm.GroupK + min(k+R, mm.GroupK)})
			}
		}
	}
	mt := [][2]int64{{0, mm.M}} // ws streams every row through each tile
	if l.p.Dataflow == "os" {
		per := max(1, R/mm.JamRows)
		mt = mt[:0]
		for m := int64(0); m < mm.M; m += per {
			mt = append(mt, [2]int64{m, min(m+per, mm.M)})
		}
	}
	nTiles := (mm.N + C - 1) / C
	if n := int64(len(kt)) * int64(len(mt)); n > maxLPUTiles/nTiles {
		return fmt.Errorf("%s: lpu: the dot loop needs %d × %d tiles, more than q35c lowers (%d)", mm.Pos, n, nTiles, int64(maxLPUTiles))
	}
	var i int64
	for _, k := range kt {
		for _, m := range mt {
			for n := int64(0); n < mm.N; n += C {
				mm.Tiles = append(mm.Tiles, ir.LPUTile{Plane: i % P, K0: k[0], K1: k[1], N0: n, N1: min(n+C, mm.N), M0: m[0], M1: m[1]})
				i++
			}
		}
	}
	return nil
}
