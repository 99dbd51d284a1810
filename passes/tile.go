package passes

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The tile pass, like mlir-opt's --affine-loop-tile, tiles the band of
// perfectly nested loops that starts at each top-level loop of a kernel
// (each loop's body is the next loop and its yield). A loop
//
//	for %i = LB to UB step s { body }
//
// tiled by T becomes a tile loop and a point loop
//
//	for %it = LB to UB step T*s {
//	  for %i = %it to min(%it + T*s, UB) step s { body }
//	}
//
// where the min (several upper bounds) handles the partial last tile and is
// left out when T*s divides the trip span exactly. With several loops
// tiled, all tile loops go outside all point loops, which reorders
// iterations; that is done only when it is provably legal (see
// tile_legal.go). Otherwise only the outermost of them is tiled, which
// keeps every iteration in its original order. The body itself is never
// touched: the point loops keep the original induction variables.
//
// Loops are left untiled when their tile size is 1, when they run at most
// T times (a single tile), when their bounds depend on an induction
// variable of an enclosing loop of the band being tiled (the band is cut
// there), or when T*s or the bounds could overflow.

// maxTileSize bounds tile sizes so that T*s stays far from overflow.
const maxTileSize = 1 << 31

func checkTileOptions(o Options) error {
	if o.IsSet("size") && o.IsSet("sizes") {
		return fmt.Errorf("tile: give size or sizes, not both")
	}
	for _, n := range append([]int64{o.Int("size")}, o.Ints("sizes")...) {
		if n < 1 || n > maxTileSize {
			return fmt.Errorf("tile: tile size %d is out of range [1, %d]", n, int64(maxTileSize))
		}
	}
	return nil
}

// tileSizes returns the tile size of the loop at each depth of a band.
func tileSizes(o Options) func(depth int) int64 {
	if o.IsSet("sizes") {
		s := o.Ints("sizes")
		return func(depth int) int64 {
			if depth < len(s) {
				return s[depth]
			}
			return 1
		}
	}
	n := o.Int("size")
	return func(int) int64 { return n }
}

func tile(f *ir.Func, o Options, d *diag.List) error {
	size := tileSizes(o)
	for i, op := range f.Body.Ops {
		if op.Code == ir.OpFor {
			tileBand(f, f.Body, i, size, d)
		}
	}
	return nil
}

// perfectBand returns root and the loops perfectly nested in it.
func perfectBand(root *ir.Op) []*ir.Op {
	band := []*ir.Op{root}
	for {
		ops := band[len(band)-1].Loop.Body.Ops
		if len(ops) != 2 || ops[0].Code != ir.OpFor {
			return band
		}
		band = append(band, ops[0])
	}
}

// tileBand tiles the band rooted at block.Ops[at].
func tileBand(f *ir.Func, block *ir.Block, at int, size func(int) int64, d *diag.List) {
	band := perfectBand(block.Ops[at])
	sel := chooseLoops(band, size, d)
	if len(sel) == 0 {
		return
	}
	if sel[0] > 0 {
		block, at = band[sel[0]-1].Loop.Body, 0
	}
	block.Ops[at] = wrapTiles(f, band, sel, size)
}

// chooseLoops returns the indices of the band's loops to tile: the
// tileable ones from the first up to where the band must be cut, or only
// the first if tiling them together would reorder iterations illegally
// (with a remark saying why).
func chooseLoops(band []*ir.Op, size func(int) int64, d *diag.List) []int {
	tiled := tileable(band, size)
	var sel []int
	for k := range band {
		if tiled[k] && (len(sel) == 0 || k < cutBand(band, sel[0])) {
			sel = append(sel, k)
		}
	}
	if len(sel) < 2 {
		return sel
	}
	first := band[sel[0]]
	if why := reorderBlocker(band, sel[0], sel[len(sel)-1]); why != "" {
		d.Add(diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(first.Pos, 3),
			Msg: fmt.Sprintf("tile: only loop %s is tiled: %s", ivName(first), why)})
		return sel[:1]
	}
	return sel
}

// tileable reports, for each loop of the band, whether tiling it by its
// size is useful and safe from overflow.
func tileable(band []*ir.Op, size func(int) int64) []bool {
	rs := ranges{}
	ok := make([]bool, len(band))
	for k, op := range band {
		l := op.Loop
		t, step := size(k), l.Step
		n, known := tripCount(l)
		ts, fits := mulOK(t, step)
		ok[k] = t > 1 && fits && !(known && n <= t) && boundsFit(l, ts, rs) && l.Vector == 0
		if s, known := rs.ivSpan(l); known {
			rs[l.IV] = s
		}
	}
	return ok
}

// boundsFit reports whether every upper bound of l plus ts is known not
// to overflow.
func boundsFit(l *ir.Loop, ts int64, rs ranges) bool {
	for _, e := range l.Upper {
		s, ok := rs.of(e)
		if !ok {
			return false
		}
		if _, ok := addOK(s.hi, ts); !ok {
			return false
		}
	}
	return true
}

// cutBand returns where the band starting at first ends: before the first
// loop whose bounds use the induction variable of a loop from first on.
func cutBand(band []*ir.Op, first int) int {
	ivs := map[*ir.Value]bool{}
	for k := first; k < len(band); k++ {
		l := band[k].Loop
		for _, e := range append(append([]*ir.Expr(nil), l.Lower...), l.Upper...) {
			if usesDim(e, ivs) {
				return k
			}
		}
		ivs[l.IV] = true
	}
	return len(band)
}

// wrapTiles rewrites the selected loops of band into point loops and nests
// band[sel[0]] in their tile loops, outermost first. It returns the
// outermost tile loop, which takes band[sel[0]]'s place.
func wrapTiles(f *ir.Func, band []*ir.Op, sel []int, size func(int) int64) *ir.Op {
	tiles := make([]*ir.Op, len(sel))
	for j, k := range sel {
		tiles[j] = tileLoop(f, band[k], size(k))
	}
	inner := band[sel[0]]
	for j := len(tiles) - 1; j >= 0; j-- {
		nest(f, tiles[j], inner)
		inner = tiles[j]
	}
	return tiles[0]
}

// tileLoop makes the tile loop of point (tile size t) and narrows point's
// bounds to one tile.
func tileLoop(f *ir.Func, point *ir.Op, t int64) *ir.Op {
	l := point.Loop
	ts := t * l.Step // checked by tileable
	tl := &ir.Loop{IV: f.NewValue(ir.Index, tileName(l.IV)), Lower: l.Lower, Upper: l.Upper, Step: ts, Body: &ir.Block{}, Parallel: l.Parallel}
	op := &ir.Op{Code: ir.OpFor, Pos: point.Pos, Loop: tl}
	tl.IV.Def = op
	iv := ir.Dim(tl.IV)
	upper := []*ir.Expr{ir.Add(iv, ir.Const(ts))}
	if n, ok := tripCount(l); !ok || n%t != 0 {
		upper = append(upper, l.Upper...)
	}
	l.Lower, l.Upper = []*ir.Expr{iv}, upper
	return op
}

func tileName(iv *ir.Value) string {
	if iv.Name == "" {
		return ""
	}
	return iv.Name + "t"
}

// nest makes inner the body of outer, threading inner's iteration
// arguments through outer: outer takes inner's initial values and results,
// and inner starts each tile from outer's iteration arguments.
func nest(f *ir.Func, outer, inner *ir.Op) {
	ol := outer.Loop
	outer.Args, outer.Results = inner.Args, inner.Results
	inner.Args, inner.Results = nil, nil
	for _, r := range outer.Results {
		r.Def = outer
		a := f.NewValue(r.Type, r.Name)
		a.Def = outer
		ol.IterArgs = append(ol.IterArgs, a)
		inner.Args = append(inner.Args, a)
		res := f.NewValue(r.Type, r.Name)
		res.Def = inner
		inner.Results = append(inner.Results, res)
	}
	ol.Body.Ops = []*ir.Op{inner, {Code: ir.OpYield, Pos: inner.Pos, Args: inner.Results}}
}

// ivName names a loop by its induction variable for messages.
func ivName(op *ir.Op) string {
	if op.Loop.IV.Name != "" {
		return op.Loop.IV.Name
	}
	return "at " + op.Pos.String()
}
