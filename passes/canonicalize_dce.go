package passes

import "github.com/q35c/q35c/ir"

// removeDead deletes the ops of f whose results nobody uses and that have
// no effect: every op but stores, yields and loops that contain a store.
// It sweeps each block backwards, so a chain of dead ops goes in one
// sweep, and reports whether it removed anything.
func removeDead(f *ir.Func) bool {
	d := &dce{uses: map[*ir.Value]int{}}
	f.Body.Walk(func(op *ir.Op) { d.count(op, 1) })
	d.sweep(f.Body)
	return d.changed
}

type dce struct {
	uses    map[*ir.Value]int
	changed bool
}

// count adds n to the use count of each value op uses directly.
func (d *dce) count(op *ir.Op, n int) {
	for _, a := range op.Args {
		d.uses[a] += n
	}
	for _, s := range op.Index {
		if s.Dyn != nil {
			d.uses[s.Dyn] += n
		}
	}
}

func (d *dce) sweep(b *ir.Block) {
	dead := map[*ir.Op]bool{}
	for i := len(b.Ops) - 1; i >= 0; i-- {
		op := b.Ops[i]
		if op.Code == ir.OpFor {
			d.sweep(op.Loop.Body)
		}
		if d.isDead(op) {
			dead[op] = true
			d.count(op, -1)
			if op.Code == ir.OpFor {
				op.Loop.Body.Walk(func(in *ir.Op) { d.count(in, -1) })
			}
		}
	}
	if len(dead) == 0 {
		return
	}
	d.changed = true
	kept := b.Ops[:0]
	for _, op := range b.Ops {
		if !dead[op] {
			kept = append(kept, op)
		}
	}
	b.Ops = kept
}

func (d *dce) isDead(op *ir.Op) bool {
	switch op.Code {
	case ir.OpStore, ir.OpYield:
		return false
	case ir.OpFor:
		if hasStore(op.Loop.Body) {
			return false
		}
	}
	for _, r := range op.Results {
		if d.uses[r] > 0 {
			return false
		}
	}
	return true
}

func hasStore(b *ir.Block) bool {
	found := false
	b.Walk(func(op *ir.Op) { found = found || op.Code == ir.OpStore })
	return found
}
