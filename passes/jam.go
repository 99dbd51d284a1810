package passes

import (
	"fmt"

	"github.com/q35c/q35c/ir"
)

// jamRows is the dot pass's unroll-and-jam (mlir-opt's
// --affine-loop-unroll-jam, aimed): when a loop around a dot loop moves
// only the activations the dot loop reads (a batch row m, not the weights),
// it unrolls that loop by rows and jams the copies into every loop down to
// the dot loop, which then holds rows sets of accumulators that share each
// unpacked code; the emitters make those rows the lanes of one vector (see
// emit/llvm_dot_rows.go). path is the loops from the candidate's nest down
// to the dot loop d (d last), and blocks[i] the block holding path[i]. It
// returns the new dot loop, or nil and why not.
func jamRows(f *ir.Func, path []*ir.Op, blocks []*ir.Block, rows int64) (*ir.Op, string) {
	d := path[len(path)-1]
	plan, err := ir.PlanDot(d)
	if err != nil {
		return nil, err.Error()
	}
	why := "no loop around it moves only the activations"
	for i, r := range path[:len(path)-1] {
		if reason := jamRefusal(r, path[i+1:], plan, rows); reason != "" {
			why = reason
			continue
		}
		j := &jammer{f: f, path: map[*ir.Op]bool{}}
		for _, p := range path[i:] {
			j.path[p] = true
		}
		nr, nd := j.outer(r, rows)
		if _, err := ir.PlanDot(nd); err != nil {
			return nil, fmt.Sprintf("jamming %d rows of loop %s: %v", rows, depName(r.Loop.IV), err)
		}
		b := blocks[i]
		for k, op := range b.Ops {
			if op == r {
				b.Ops[k] = nr
			}
		}
		return nd, ""
	}
	return nil, why
}

// jamRefusal says why loop r cannot be jammed by rows into the nest below
// it (inner, ending with the dot loop), or "".
func jamRefusal(r *ir.Op, inner []*ir.Op, plan *ir.DotPlan, rows int64) string {
	l, iv := r.Loop, depName(r.Loop.IV)
	trips, ok := tripCount(l)
	switch {
	case len(l.IterArgs) > 0 || l.Vector != 0 || l.Dot:
		return fmt.Sprintf("loop %s carries values or is already transformed", iv)
	case !ok || trips%rows != 0:
		return fmt.Sprintf("loop %s does not run a multiple of %d iterations", iv, rows)
	}
	set := map[*ir.Value]bool{l.IV: true}
	actsMove := false
	for _, c := range plan.Chunks {
		if usesDim(c.Codes.Base, set) {
			return fmt.Sprintf("loop %s moves the codes, not only the activations", iv)
		}
		actsMove = actsMove || usesDim(c.Acts.Base, set)
	}
	if !actsMove {
		return fmt.Sprintf("loop %s does not move the activations", iv)
	}
	for _, o := range inner {
		for _, e := range append(append([]*ir.Expr(nil), o.Loop.Lower...), o.Loop.Upper...) {
			if usesDim(e, set) {
				return fmt.Sprintf("the bounds of loop %s depend on loop %s", depName(o.Loop.IV), iv)
			}
		}
	}
	if dep := CarriedDependence(r); dep != nil {
		return fmt.Sprintf("the iterations of loop %s are not independent: %s", iv, dep.Msg)
	}
	return ""
}

// jammer builds the jammed nest: one cloner per copy of the unrolled loop.
type jammer struct {
	f     *ir.Func
	cs    []*cloner
	path  map[*ir.Op]bool // loops that are jammed rather than copied
	dotOp *ir.Op          // the new dot loop
}

// outer unrolls loop r by rows: its copies' bodies run jammed in one
// iteration of a loop with rows times the step. It returns the new loop
// and the new dot loop (the copy of d).
func (j *jammer) outer(r *ir.Op, rows int64) (*ir.Op, *ir.Op) {
	l := r.Loop
	n := &ir.Op{Code: ir.OpFor, Pos: r.Pos}
	nl := &ir.Loop{Lower: l.Lower, Upper: l.Upper, Step: l.Step * rows, Body: &ir.Block{}}
	nl.IV = j.f.NewValue(ir.Index, l.IV.Name)
	nl.IV.Def = n
	n.Loop = nl
	usedAsValue := false
	l.Body.Walk(func(o *ir.Op) {
		for _, a := range o.Args {
			usedAsValue = usedAsValue || a == l.IV
		}
	})
	for i := int64(0); i < rows; i++ {
		c := newCloner(j.f)
		c.ivs[l.IV] = ir.Add(ir.Dim(nl.IV), ir.Const(i*l.Step))
		if usedAsValue {
			c.vals[l.IV] = j.offsetIV(nl, r, i*l.Step)
		}
		j.cs = append(j.cs, c)
	}
	j.body(l.Body, nl.Body)
	nl.Body.Ops = append(nl.Body.Ops, &ir.Op{Code: ir.OpYield, Pos: r.Pos})
	return n, j.dotOp
}

// offsetIV appends `iv + k` to the new loop's body and returns it.
func (j *jammer) offsetIV(nl *ir.Loop, r *ir.Op, k int64) *ir.Value {
	if k == 0 {
		return nl.IV
	}
	cst := &ir.Op{Code: ir.OpConst, Pos: r.Pos, Bits: uint64(k)}
	cst.Results = []*ir.Value{j.f.NewValue(ir.Index, "")}
	cst.Results[0].Def = cst
	add := &ir.Op{Code: ir.OpAdd, Pos: r.Pos, Args: []*ir.Value{nl.IV, cst.Result()}}
	add.Results = []*ir.Value{j.f.NewValue(ir.Index, r.Loop.IV.Name)}
	add.Results[0].Def = add
	nl.Body.Ops = append(nl.Body.Ops, cst, add)
	return add.Result()
}

// body appends to out the jammed ops of b, without its yield.
func (j *jammer) body(b, out *ir.Block) {
	for _, op := range b.Ops {
		switch {
		case op.Code == ir.OpYield:
		case op.Code == ir.OpFor && j.path[op]:
			out.Ops = append(out.Ops, j.loop(op))
		default:
			for _, c := range j.cs {
				out.Ops = append(out.Ops, c.op(op))
			}
		}
	}
}

// loop jams the copies of a loop on the path into one loop carrying all
// their iteration arguments.
func (j *jammer) loop(op *ir.Op) *ir.Op {
	l := op.Loop
	n := &ir.Op{Code: ir.OpFor, Pos: op.Pos}
	nl := &ir.Loop{Lower: j.cs[0].exprs(l.Lower), Upper: j.cs[0].exprs(l.Upper), Step: l.Step, Body: &ir.Block{}}
	nl.IV = j.f.NewValue(ir.Index, l.IV.Name)
	nl.IV.Def = n
	n.Loop = nl
	for _, c := range j.cs {
		c.ivs[l.IV] = ir.Dim(nl.IV)
		c.vals[l.IV] = nl.IV
		for i, a := range l.IterArgs {
			nl.IterArgs = append(nl.IterArgs, c.fresh(a, n))
			n.Args = append(n.Args, c.value(op.Args[i]))
		}
	}
	j.body(l.Body, nl.Body)
	yield := &ir.Op{Code: ir.OpYield, Pos: l.Body.Ops[len(l.Body.Ops)-1].Pos}
	for _, c := range j.cs {
		for _, a := range l.Body.Ops[len(l.Body.Ops)-1].Args {
			yield.Args = append(yield.Args, c.value(a))
		}
	}
	nl.Body.Ops = append(nl.Body.Ops, yield)
	for _, c := range j.cs {
		for _, r := range op.Results {
			n.Results = append(n.Results, c.fresh(r, n))
		}
	}
	if !hasLoopOnPath(l.Body, j.path) { // the innermost loop of the path: the dot loop
		j.dotOp = n
	}
	return n
}

func hasLoopOnPath(b *ir.Block, path map[*ir.Op]bool) bool {
	for _, op := range b.Ops {
		if op.Code == ir.OpFor && path[op] {
			return true
		}
	}
	return false
}
