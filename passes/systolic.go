package passes

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// The systolic pass maps matmul-shaped nests onto an R×C systolic array
// (rows × cols processing elements). A nest is matmul-shaped when it is
//
//	for %m ... {            output row: the activations' row
//	  for %n ... {          output column: the weights' column
//	    ... = for %g ... iter(...) { ... }   the reduction over K
//	    store ..., %C[%m, %n]
//	  }
//	}
//
// that is, two perfectly nested loops without carried values whose
// induction variables index a store directly, and in the inner one's body
// a loop that carries an accumulator (the reduction; in quantized kernels
// it is the group loop g, whose body holds the int32 group sum over k).
//
// The array holds a rows×cols tile of the weights: `cols` output columns
// and `rows` positions along K. The pass
//
//   - tiles the reduction loop by as many of its iterations as cover at
//     most `rows` K positions. It strip-mines the loop in place, so that
//     every accumulation of every output element still runs in its
//     original order (results stay bit-identical, f32 sums included), and
//     it never splits an iteration: a quantization group's int32 sum stays
//     whole, so a group wider than the array leaves the reduction untiled;
//   - tiles the output column loop n by `cols`, and with dataflow=os the
//     output row loop m by `rows` too;
//   - orders the tile loops for the dataflow: ws (weight-stationary) puts
//     the column tile loop outermost and streams the activations (m) under
//     it; os (output-stationary) puts the m and n tile loops outermost.
//     Moving a tile loop outside m is done only when tile_legal.go proves
//     the reordering legal; otherwise the tile loop stays inside m.
//
// The K tile loop stays inside the output element's loops, where the
// accumulator lives in a register: hoisting it would need partial sums in
// memory. The pass records the mapping (which loops the array executes and
// which stream) in a remark at the nest, and says at the nest why a
// top-level nest is not matmul-shaped.

func checkSystolicOptions(o Options) error {
	for _, name := range []string{"rows", "cols"} {
		if n := o.Int(name); n < 1 || n > maxTileSize {
			return fmt.Errorf("systolic: %s=%d is out of range [1, %d]", name, n, int64(maxTileSize))
		}
	}
	return nil
}

// array is the target of one run of the pass.
type array struct {
	rows, cols int64
	dataflow   string // "ws" or "os"
}

func systolic(f *ir.Func, o Options, d *diag.List) error {
	a := array{rows: o.Int("rows"), cols: o.Int("cols"), dataflow: o.Str("dataflow")}
	for i, op := range f.Body.Ops {
		if op.Code != ir.OpFor {
			continue
		}
		mm, why := matchMatmul(op)
		if why == "" && hasVectorLoop(op) {
			why = "a loop of the nest is vectorized already (run systolic before vectorize)"
		}
		if why != "" {
			remark(d, op, "systolic: nest %s is not mapped to the array: %s", ivName(op), why)
			continue
		}
		var notes []string
		f.Body.Ops[i], notes = a.tileOutputs(f, mm, notes)
		notes = a.tileReduction(f, mm, notes)
		remark(d, op, "systolic: nest %s is mapped to the %d×%d array (%s): %s",
			ivName(op), a.rows, a.cols, a.dataflow, strings.Join(notes, "; "))
	}
	return nil
}

// hasVectorLoop reports whether op is or contains a vector loop.
func hasVectorLoop(op *ir.Op) bool {
	found := false
	(&ir.Block{Ops: []*ir.Op{op}}).Walk(func(o *ir.Op) {
		found = found || o.Code == ir.OpFor && o.Loop.Vector != 0
	})
	return found
}

func remark(d *diag.List, op *ir.Op, format string, args ...any) {
	d.Add(diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(op.Pos, 3), Msg: fmt.Sprintf(format, args...)})
}

// matmul is a recognised nest: output loops m and n, the reduction loop
// red in n's body, and kPer, the K positions one iteration of red covers
// (0 if unknown).
type matmul struct {
	m, n, red *ir.Op
	kPer      int64
}

// matchMatmul recognises a matmul-shaped nest rooted at root, or says why
// it is not one.
func matchMatmul(root *ir.Op) (matmul, string) {
	band := perfectBand(root)
	if len(band) < 2 {
		return matmul{}, "output not indexed by two loops (the nest is not two perfectly nested loops around a reduction)"
	}
	m, n := band[0], band[1]
	if len(m.Loop.IterArgs) > 0 || len(n.Loop.IterArgs) > 0 {
		return matmul{}, "an output loop carries a value"
	}
	if cutBand(band[:2], 0) < 2 {
		return matmul{}, fmt.Sprintf("the bounds of loop %s depend on loop %s", ivName(n), ivName(m))
	}
	if !storesAt(n.Loop.Body, m.Loop.IV, n.Loop.IV) {
		return matmul{}, fmt.Sprintf("output not indexed by two loops (no store to [%s, %s] in the body of loop %s)", ivName(m), ivName(n), ivName(n))
	}
	for _, op := range n.Loop.Body.Ops {
		if op.Code == ir.OpFor && len(op.Loop.IterArgs) > 0 {
			return matmul{m: m, n: n, red: op, kPer: kPerIteration(op, m.Loop.IV)}, ""
		}
	}
	return matmul{}, fmt.Sprintf("no reduction loop (no loop in the body of loop %s carries an accumulator)", ivName(n))
}

// storesAt reports whether b stores to some buffer at [%m, %n] exactly.
func storesAt(b *ir.Block, m, n *ir.Value) bool {
	for _, op := range b.Ops {
		if op.Code != ir.OpStore || len(op.Index) != 2 {
			continue
		}
		x, y := op.Index[0].Affine, op.Index[1].Affine
		if x != nil && y != nil && x.Kind == ir.ExprDim && y.Kind == ir.ExprDim && x.Dim == m && y.Dim == n {
			return true
		}
	}
	return false
}

// kPerIteration returns how many K positions one iteration of red covers:
// the span of the K subscripts of the activation loads (those indexed by
// m) over the first iteration of red, or 0 if that cannot be computed.
func kPerIteration(red *ir.Op, m *ir.Value) int64 {
	l := red.Loop
	lo, ok := constMax(l.Lower)
	if !ok {
		return 0
	}
	rs := ranges{m: {0, 0}, l.IV: {lo, lo}}
	k := span{lo: 1, hi: 0} // empty
	known := true
	var visit func(b *ir.Block)
	visit = func(b *ir.Block) {
		for _, op := range b.Ops {
			switch {
			case op.Code == ir.OpFor:
				if s, ok := rs.ivSpan(op.Loop); ok {
					rs[op.Loop.IV] = s
				}
				visit(op.Loop.Body)
			case op.Code == ir.OpLoad && usesIV(op.Index, m):
				known = known && addKSpan(&k, op.Index, m, rs)
			}
		}
	}
	visit(l.Body)
	if !known || k.hi < k.lo {
		return 0
	}
	n, ok := addOK(k.hi-k.lo, 1)
	if !ok {
		return 0
	}
	return n
}

func usesIV(idx []ir.Subscript, v *ir.Value) bool {
	for _, s := range idx {
		if s.Affine != nil && usesDim(s.Affine, map[*ir.Value]bool{v: true}) {
			return true
		}
	}
	return false
}

// addKSpan widens k by the range of the subscripts of idx that do not use
// m, and reports whether they are all known.
func addKSpan(k *span, idx []ir.Subscript, m *ir.Value, rs ranges) bool {
	for _, s := range idx {
		if s.Affine == nil {
			return false
		}
		if usesDim(s.Affine, map[*ir.Value]bool{m: true}) {
			continue
		}
		r, ok := rs.of(s.Affine)
		if !ok || r.hi-r.lo < 0 {
			return false
		}
		if k.hi < k.lo {
			*k = r
		} else {
			*k = span{min(k.lo, r.lo), max(k.hi, r.hi)}
		}
	}
	return true
}

// tileReduction strip-mines the reduction loop by whole iterations
// covering at most a.rows K positions, in place.
func (a array) tileReduction(f *ir.Func, mm matmul, notes []string) []string {
	red := mm.red
	l := red.Loop
	n, known := tripCount(l)
	name := ivName(red)
	switch {
	case !known:
		return append(notes, fmt.Sprintf("reduction %s is not tiled: its trip count is not constant", name))
	case mm.kPer == 0:
		return append(notes, fmt.Sprintf("reduction %s is not tiled: cannot tell how many K positions one of its iterations covers", name))
	case mm.kPer > a.rows:
		return append(notes, fmt.Sprintf("reduction %s is not tiled: one of its iterations (a group) covers %d K positions, more than the %d array rows, and a group's sum is not split",
			name, mm.kPer, a.rows))
	}
	t := a.rows / mm.kPer
	ts, fits := mulOK(t, l.Step)
	if t >= n {
		return append(notes, fmt.Sprintf("reduction %s (%d K positions) fits the array rows untiled", name, n*mm.kPer))
	}
	if t == 1 {
		return append(notes, fmt.Sprintf("reduction %s is not tiled: each of its iterations (%d K positions) is one tile of the array rows", name, mm.kPer))
	}
	if !fits || !boundsFit(l, ts, ranges{}) {
		return append(notes, fmt.Sprintf("reduction %s is not tiled: its bounds are not constant or could overflow", name))
	}
	tl := tileLoop(f, red, t)
	ops := mm.n.Loop.Body.Ops
	for i := range ops {
		if ops[i] == red {
			ops[i] = tl
		}
	}
	nest(f, tl, red)
	return append(notes, fmt.Sprintf("reduction %s tiled by %d (%d K positions) on the array rows, in order", name, t, t*mm.kPer))
}

// tileOutputs tiles the output loops for the dataflow and returns the op
// that replaces the nest's root. The column tile loop goes outside m (ws:
// outermost, with m streaming under it; os: after m's tile loop) only when
// that reordering is proved legal; otherwise it stays inside m.
func (a array) tileOutputs(f *ir.Func, mm matmul, notes []string) (*ir.Op, []string) {
	band := []*ir.Op{mm.m, mm.n}
	size := func(depth int) int64 { return []int64{a.rows, a.cols}[depth] }
	ok := tileable(band, size)
	ok[0] = ok[0] && a.dataflow == "os" // ws: the activations stream through
	var blocked string
	if ok[1] {
		blocked = reorderBlocker(band, 0, 1)
	}
	if blocked != "" {
		ok[0] = false
	}
	notes = append(notes, outputNotes(a, mm, ok)...)
	switch {
	case blocked != "":
		notes = append(notes, "the column tile loop stays inside "+ivName(mm.m)+": "+blocked)
		mm.m.Loop.Body.Ops[0] = wrapTiles(f, band, []int{1}, size)
		return mm.m, notes
	case ok[0] && ok[1]:
		return wrapTiles(f, band, []int{0, 1}, size), notes
	case ok[0]:
		return wrapTiles(f, band, []int{0}, size), notes
	case ok[1]:
		tl := tileLoop(f, mm.n, a.cols)
		nest(f, tl, mm.m)
		return tl, notes
	}
	return mm.m, notes
}

// outputNotes describes the roles of the output loops.
func outputNotes(a array, mm matmul, ok []bool) []string {
	var notes []string
	m, n := ivName(mm.m), ivName(mm.n)
	switch {
	case a.dataflow != "os":
		notes = append(notes, m+" streams the activations")
	case ok[0]:
		notes = append(notes, fmt.Sprintf("%s tiled by %d on the array rows", m, a.rows))
	default:
		notes = append(notes, m+" fits the array rows untiled")
	}
	if ok[1] {
		notes = append(notes, fmt.Sprintf("%s tiled by %d on the array columns", n, a.cols))
	} else {
		notes = append(notes, n+" fits the array columns untiled")
	}
	return notes
}
