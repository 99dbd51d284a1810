package passes

import (
	"fmt"
	"strings"

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
		if j.err != "" {
			return nil, j.err
		}
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
	err   string          // why the copies cannot be jammed, if they cannot
}

// sameBounds reports whether every copy of loop l has the same bounds.
func (j *jammer) sameBounds(l *ir.Loop) bool {
	name := func(v *ir.Value) string { return fmt.Sprint("%", v.ID) }
	spell := func(c *cloner) string {
		var b strings.Builder
		for _, e := range append(c.exprs(l.Lower), c.exprs(l.Upper)...) {
			b.WriteString(e.Format(name) + ";")
		}
		return b.String()
	}
	first := spell(j.cs[0])
	for _, c := range j.cs[1:] {
		if spell(c) != first {
			return false
		}
	}
	return true
}

// normalize makes the jammed loop nl run over offsets 0, step, ... from
// each copy's lower bound, when the copies of l run equally many
// iterations from different starts (the group loop p of group g, jammed
// with that of g + 1): copy c's variable is its lower bound plus nl's,
// computed with index ops where the body uses it as a value.
func (j *jammer) normalize(l, nl *ir.Loop) {
	if len(l.Lower) != 1 || len(l.Upper) != 1 {
		j.err = fmt.Sprintf("loop %s has several bounds", depName(l.IV))
		return
	}
	trip := int64(-1)
	for _, c := range j.cs {
		t, ok := diffConst(c.exprs(l.Upper)[0], c.exprs(l.Lower)[0])
		if !ok || trip >= 0 && t != trip {
			j.err = fmt.Sprintf("the copies of loop %s do not run equally many iterations", depName(l.IV))
			return
		}
		trip = t
	}
	usedAsValue := usesValue(l.Body, l.IV)
	nl.Lower, nl.Upper = []*ir.Expr{ir.Const(0)}, []*ir.Expr{ir.Const(max(trip, 0))}
	for _, c := range j.cs {
		iv := ir.Add(c.exprs(l.Lower)[0], ir.Dim(nl.IV))
		c.ivs[l.IV] = iv
		if usedAsValue {
			v, ok := j.materialize(iv, nl.Body)
			if !ok {
				j.err = fmt.Sprintf("the start of loop %s is not a sum of multiples", depName(l.IV))
				return
			}
			c.vals[l.IV] = v
		}
	}
}

// materialize appends index ops computing e (sums and multiples of loop
// variables and constants) to b.
func (j *jammer) materialize(e *ir.Expr, b *ir.Block) (*ir.Value, bool) {
	emit := func(code ir.Opcode, args []*ir.Value, bits uint64) *ir.Value {
		op := &ir.Op{Code: code, Args: args, Bits: bits}
		op.Results = []*ir.Value{j.f.NewValue(ir.Index, "")}
		op.Results[0].Def = op
		b.Ops = append(b.Ops, op)
		return op.Result()
	}
	switch e.Kind {
	case ir.ExprConst:
		return emit(ir.OpConst, nil, uint64(e.C)), true
	case ir.ExprDim:
		return e.Dim, true
	case ir.ExprAdd, ir.ExprMul:
		x, ok := j.materialize(e.L, b)
		if !ok {
			return nil, false
		}
		y, ok := j.materialize(e.R, b)
		if !ok {
			return nil, false
		}
		code := ir.OpAdd
		if e.Kind == ir.ExprMul {
			code = ir.OpMul
		}
		return emit(code, []*ir.Value{x, y}, 0), true
	}
	return nil, false
}

// outer unrolls loop r by rows: its copies' bodies run jammed in one
// iteration of a loop with rows times the step. It returns the new loop
// and the new dot loop (the copy of d).
func (j *jammer) outer(r *ir.Op, rows int64) (*ir.Op, *ir.Op) {
	n, nl := j.unroll(r, rows)
	j.body(r.Loop.Body, nl.Body)
	nl.Body.Ops = append(nl.Body.Ops, &ir.Op{Code: ir.OpYield, Pos: r.Pos})
	return n, j.dotOp
}

// unroll makes the loop that replaces r unrolled by factor: r's bounds, a
// step factor times r's, fresh iteration arguments for r's, and one cloner
// per copy, which maps r's variable to the new one plus the copy's offset.
func (j *jammer) unroll(r *ir.Op, factor int64) (*ir.Op, *ir.Loop) {
	l := r.Loop
	n := &ir.Op{Code: ir.OpFor, Pos: r.Pos, Args: r.Args}
	nl := &ir.Loop{Lower: l.Lower, Upper: l.Upper, Step: l.Step * factor, Body: &ir.Block{}}
	nl.IV = j.f.NewValue(ir.Index, l.IV.Name)
	nl.IV.Def = n
	n.Loop = nl
	for _, a := range l.IterArgs {
		na := j.f.NewValue(a.Type, a.Name)
		na.Def = n
		nl.IterArgs = append(nl.IterArgs, na)
	}
	usedAsValue := usesValue(l.Body, l.IV)
	for i := int64(0); i < factor; i++ {
		c := newCloner(j.f)
		c.ivs[l.IV] = ir.Add(ir.Dim(nl.IV), ir.Const(i*l.Step))
		if usedAsValue {
			c.vals[l.IV] = j.offsetIV(nl, r, i*l.Step)
		}
		j.cs = append(j.cs, c)
	}
	return n, nl
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
	if !j.sameBounds(l) {
		j.normalize(l, nl)
	}
	for _, c := range j.cs {
		if _, moved := c.ivs[l.IV]; !moved {
			c.ivs[l.IV] = ir.Dim(nl.IV)
			c.vals[l.IV] = nl.IV
		}
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

// jamGroups unrolls the loop r right around dot loop d (the loop over
// quantization groups, which carries the scaled sum) by factor and jams the
// copies' dot loops into one, keeping the rest of each copy (the epilogue
// that converts, scales and adds the group's sums) in order after it, copy
// by copy: the float arithmetic runs in the same order as before, and the
// emitters sum factor groups' accumulators with one shuffle tree. parent is
// the block holding r. It returns the new dot loop, or nil and why not.
func jamGroups(f *ir.Func, r, d *ir.Op, parent *ir.Block, factor int64) (*ir.Op, string) {
	l, iv := r.Loop, depName(r.Loop.IV)
	if trips, ok := tripCount(l); !ok || trips%factor != 0 || l.Vector != 0 || l.Dot || len(l.Lower) != 1 || len(l.Upper) != 1 {
		return nil, fmt.Sprintf("loop %s does not run a multiple of %d iterations", iv, factor)
	}
	carried := map[*ir.Value]bool{}
	for _, a := range l.IterArgs {
		carried[a] = true
	}
	at := -1
	for k, op := range l.Body.Ops {
		if op == d {
			at = k
		}
	}
	if at < 0 {
		return nil, fmt.Sprintf("the dot loop is not directly in loop %s", iv)
	}
	ops := l.Body.Ops
	pre, post, yield := ops[:at], ops[at+1:len(ops)-1], ops[len(ops)-1]
	for _, op := range append(append([]*ir.Op(nil), pre...), post...) {
		if op.Code == ir.OpStore || op.Code == ir.OpFor {
			return nil, fmt.Sprintf("loop %s stores or loops besides its dot loop", iv)
		}
	}
	uses := func(ops []*ir.Op) bool {
		found := false
		for _, op := range ops {
			(&ir.Block{Ops: []*ir.Op{op}}).Walk(func(o *ir.Op) {
				for _, a := range o.Args {
					found = found || carried[a]
				}
			})
		}
		return found
	}
	if uses(pre) || uses([]*ir.Op{d}) {
		return nil, fmt.Sprintf("the dot loop depends on what loop %s carries", iv)
	}

	j := &jammer{f: f, path: map[*ir.Op]bool{d: true}}
	n, nl := j.unroll(r, factor)
	j.body(&ir.Block{Ops: append(append([]*ir.Op(nil), pre...), d)}, nl.Body)
	for i, c := range j.cs {
		for k, a := range l.IterArgs {
			if i == 0 {
				c.vals[a] = nl.IterArgs[k]
			} else {
				c.vals[a] = j.cs[i-1].value(yield.Args[k])
			}
		}
		for _, op := range post {
			nl.Body.Ops = append(nl.Body.Ops, c.op(op))
		}
	}
	last := j.cs[len(j.cs)-1]
	ny := &ir.Op{Code: ir.OpYield, Pos: yield.Pos}
	for _, a := range yield.Args {
		ny.Args = append(ny.Args, last.value(a))
	}
	nl.Body.Ops = append(nl.Body.Ops, ny)
	for _, res := range r.Results {
		nr := f.NewValue(res.Type, res.Name)
		nr.Def = n
		n.Results = append(n.Results, nr)
	}
	if j.err != "" {
		return nil, j.err
	}
	if _, err := ir.PlanDot(j.dotOp); err != nil {
		return nil, fmt.Sprintf("jamming %d iterations of loop %s: %v", factor, iv, err)
	}
	for k, op := range parent.Ops {
		if op == r {
			parent.Ops[k] = n
		}
	}
	for k, res := range r.Results {
		replaceUses(f.Body, res, n.Results[k])
	}
	return j.dotOp, ""
}
