package passes

import (
	"fmt"

	"github.com/q35c/q35c/ir"
)

// LowerLPU lowers kernel f, after the lpu target's pipeline (systolic,
// then dot marking the loops the matrix unit runs), to a program for the
// LPU-like chip t (ir.LPUProgram, docs/lpusim.md §8):
//
//   - the kernel's buffers are placed in SRAM, each on a row of
//     t.Vector.Lanes bytes; more bytes than the SRAM holds is an
//     *ir.CapacityError that says how many chips the kernel would need;
//   - every dot loop becomes an ir.LPUMatmul: its loops become rectangular
//     ranges (a tile loop of the systolic pass and the loop it strip-mines
//     are one range), classified by what they move (ir.LoopClass), and the
//     weight matrix they span is cut into the tiles of the dataflow, dealt
//     to the planes in turn: "ws" installs tiles of whole groups (at most
//     rows × cols) and streams every activation row through each; "os"
//     holds a tile of rows × cols outputs per group while the group's
//     weights and activations stream through;
//   - the vector unit's program is a copy of f in which each dot loop is
//     replaced by loads of its sums from the matmul's stream buffer.
//
// It does not change f. Errors carry the position of the loop to blame.
func LowerLPU(f *ir.Func, t *ir.LPUTarget, dataflow string) (*ir.LPUProgram, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if dataflow != "ws" && dataflow != "os" {
		return nil, fmt.Errorf("lpu: unknown dataflow %q (want ws or os)", dataflow)
	}
	p := &ir.LPUProgram{Target: t, Dataflow: dataflow, Kernel: len(f.Params)}
	if err := placeSRAM(p, f); err != nil {
		return nil, err
	}
	vf := &ir.Func{Name: f.Name, Params: append([]*ir.Buffer(nil), f.Params...), Tables: f.Tables, Pos: f.Pos}
	vf.Body = newCloner(vf).block(f.Body)
	l := &lpuLowering{p: p, f: vf}
	var top []*ir.Op
	for _, op := range vf.Body.Ops {
		l.before = len(top)
		if op.Code == ir.OpFor && op.Loop.Dot {
			repl, err := l.matmul(op, nil)
			if err != nil {
				return nil, err
			}
			top = append(top, repl...)
			continue
		}
		if op.Code == ir.OpFor {
			if err := l.walk(op.Loop.Body, []*ir.Op{op}); err != nil {
				return nil, err
			}
		}
		top = append(top, op)
	}
	vf.Body.Ops = top
	for _, r := range l.uses {
		replaceUses(vf.Body, r[0], r[1])
	}
	if err := ir.VerifyFunc(vf); err != nil {
		return nil, fmt.Errorf("lpu: internal error: the vector unit's program does not verify: %v", err)
	}
	p.Func = vf
	return p, nil
}

// placeSRAM places f's parameters and tables one after another in SRAM.
func placeSRAM(p *ir.LPUProgram, f *ir.Func) error {
	t := p.Target
	align, bank := t.Vector.Lanes, t.SRAM.Bytes/t.SRAM.Banks
	var end int64
	place := func(b *ir.Buffer, kind string) {
		off := (end + align - 1) / align * align
		n := b.StorageBytes()
		p.SRAM = append(p.SRAM, ir.SRAMBuffer{Name: b.Name, Kind: kind, Offset: off, Bytes: n,
			FirstBank: off / bank, LastBank: (off + max(n, 1) - 1) / bank})
		end = off + n
	}
	for _, b := range f.Params {
		place(b, b.Kind.String())
	}
	for _, tb := range f.Tables {
		place(tb.Buf, "table")
	}
	p.SRAMBytes = end
	if end > t.SRAM.Bytes {
		return &ir.CapacityError{Kernel: f.Name, Needed: end, Available: t.SRAM.Bytes, Chips: (end + t.SRAM.Bytes - 1) / t.SRAM.Bytes}
	}
	return nil
}

// lpuLowering is one run of LowerLPU.
type lpuLowering struct {
	p      *ir.LPUProgram
	f      *ir.Func
	before int            // the top-level op being lowered
	uses   [][2]*ir.Value // dot loop results and the values replacing them
}

// walk lowers the dot loops in b; path holds the loops around b.
func (l *lpuLowering) walk(b *ir.Block, path []*ir.Op) error {
	out := b.Ops[:0:0]
	for _, op := range b.Ops {
		if op.Code != ir.OpFor {
			out = append(out, op)
			continue
		}
		if op.Loop.Dot {
			repl, err := l.matmul(op, path)
			if err != nil {
				return err
			}
			out = append(out, repl...)
			continue
		}
		if err := l.walk(op.Loop.Body, append(path[:len(path):len(path)], op)); err != nil {
			return err
		}
		out = append(out, op)
	}
	b.Ops = out
	return nil
}

// maxLPUTiles bounds the tiles of one matmul, and maxSums the elements of
// its stream buffer, so that hostile shapes fail before anything large is
// allocated.
const (
	maxLPUTiles = 1 << 22
	maxSums     = 1 << 31
)

// matmul lowers dot loop d inside the loops path and returns the ops that
// replace it in the vector unit's program.
func (l *lpuLowering) matmul(d *ir.Op, path []*ir.Op) ([]*ir.Op, error) {
	plan, err := ir.PlanDot(d)
	if err != nil {
		return nil, fmt.Errorf("%s: lpu: a dot loop the matrix unit cannot run: %v", d.Pos, err)
	}
	mm := &ir.LPUMatmul{Pos: d.Pos, Before: l.before, Plan: plan, Inits: d.Args}
	if mm.Loops, err = lpuLoops(d, path, plan); err != nil {
		return nil, err
	}
	mm.Groups, mm.N, mm.M = 1, 1, 1
	shape := make([]int64, 0, len(mm.Loops)+1)
	elems := int64(len(d.Args))
	for _, lp := range mm.Loops {
		switch lp.Class {
		case ir.ClassK:
			mm.Groups *= lp.Trip
		case ir.ClassN:
			mm.N *= lp.Trip
		default:
			mm.M *= lp.Trip
		}
		shape = append(shape, lp.Trip)
		if lp.Trip > 0 && elems > maxSums/lp.Trip {
			return nil, fmt.Errorf("%s: lpu: the dot loop's sums would need more than %d i32 values of stream buffer", d.Pos, int64(maxSums))
		}
		elems *= lp.Trip
	}
	shape = append(shape, int64(len(d.Args)))
	weightColumns(mm, len(d.Args))
	if err := l.tiles(mm); err != nil {
		return nil, err
	}
	mm.Sums = &ir.Buffer{Name: fmt.Sprintf("sums%d", len(l.p.Matmuls)), Kind: ir.In, Elem: ir.I32, Shape: shape, Pos: d.Pos}
	l.f.Params = append(l.f.Params, mm.Sums)
	l.p.Matmuls = append(l.p.Matmuls, mm)
	return l.readSums(d, mm), nil
}

// readSums builds the loads of one execution's sums that replace d.
func (l *lpuLowering) readSums(d *ir.Op, mm *ir.LPUMatmul) []*ir.Op {
	idx := make([]*ir.Expr, 0, len(mm.Loops)+1)
	for _, lp := range mm.Loops {
		e := ir.Add(ir.Dim(lp.IV), ir.Const(-lp.Lower))
		if lp.Step != 1 {
			e = ir.FloorDiv(e, lp.Step)
		}
		idx = append(idx, e)
	}
	var ops []*ir.Op
	for i, r := range d.Results {
		sum := l.f.NewValue(ir.I32, r.Name)
		ld := &ir.Op{Code: ir.OpLoad, Pos: d.Pos, Buf: mm.Sums, Index: ir.AffineIndex(append(idx[:len(idx):len(idx)], ir.Const(int64(i)))...), Results: []*ir.Value{sum}}
		sum.Def = ld
		ops = append(ops, ld)
		if init := d.Args[i]; !isZeroConst(init) {
			v := l.f.NewValue(ir.I32, r.Name)
			add := &ir.Op{Code: ir.OpAdd, Pos: d.Pos, Args: []*ir.Value{init, sum}, Results: []*ir.Value{v}}
			v.Def = add
			ops = append(ops, add)
			sum = v
		}
		l.uses = append(l.uses, [2]*ir.Value{r, sum})
	}
	return ops
}

func isZeroConst(v *ir.Value) bool {
	return v.Def != nil && v.Def.Code == ir.OpConst && v.Def.Bits == 0
}
