package ir

// move copies frame slot src to dst.
type move struct{ dst, src int }

func runMoves(s []int64, ms []move) {
	for _, m := range ms {
		s[m.dst] = s[m.src]
	}
}

// loop compiles an OpFor: the IV runs from max(Lower) while below
// min(Upper), by Step; the iteration arguments start as the operands, take
// the yielded values after each iteration, and are the results at the end.
func (c *compiler) loop(op *Op) step {
	l := op.Loop
	if l.Dot && c.hooks.Dot != nil {
		return c.dotHook(op)
	}
	lower, upper := c.bound(l.Lower, maxInt), c.bound(l.Upper, minInt)
	c.ranges[l.IV] = c.ivRange(l)
	ops := l.Body.Ops
	body := c.block(ops[:len(ops)-1])
	var inits, outs []move
	for i, a := range l.IterArgs {
		inits = append(inits, move{c.slot(a), c.slot(op.Args[i])})
		outs = append(outs, move{c.slot(op.Results[i]), c.slot(a)})
	}
	yield1, yield2 := c.yieldMoves(l.IterArgs, ops[len(ops)-1].Args)
	s, iv, stride, width := c.s, c.slot(l.IV), l.Step, l.Vector
	return func() error {
		runMoves(s, inits)
		lo, hi := lower(), upper()
		if width > 1 && hi > lo && (hi-lo)%width != 0 {
			return c.fail(op, "vector loop of width %d runs %d iterations, not a multiple of the width", width, hi-lo)
		}
		for i := lo; i < hi; {
			s[iv] = i
			for _, st := range body {
				if err := st(); err != nil {
					return err
				}
			}
			runMoves(s, yield1)
			runMoves(s, yield2)
			if i+stride < i { // the next IV would overflow
				break
			}
			i += stride
		}
		runMoves(s, outs)
		return nil
	}
}

func maxInt(a, b int64) int64 { return max(a, b) }
func minInt(a, b int64) int64 { return min(a, b) }

// bound compiles a list of bound expressions combined by pick (max or min).
func (c *compiler) bound(es []*Expr, pick func(a, b int64) int64) func() int64 {
	fs := make([]func() int64, len(es))
	for i, e := range es {
		fs[i] = c.expr(e)
	}
	if len(fs) == 1 {
		return fs[0]
	}
	return func() int64 {
		v := fs[0]()
		for _, f := range fs[1:] {
			v = pick(v, f())
		}
		return v
	}
}

// yieldMoves returns the copies that pass yielded values to the iteration
// arguments. The copy is parallel: when a yielded value is another
// iteration argument (a permutation), it goes through scratch slots.
func (c *compiler) yieldMoves(its, yielded []*Value) (first, second []move) {
	iter := map[int]bool{}
	for _, a := range its {
		iter[c.slot(a)] = true
	}
	permutes := false
	for i, y := range yielded {
		if src := c.slot(y); src != c.slot(its[i]) && iter[src] {
			permutes = true
		}
	}
	for i, y := range yielded {
		dst, src := c.slot(its[i]), c.slot(y)
		switch {
		case dst == src:
		case permutes:
			first = append(first, move{c.scratch + i, src})
			second = append(second, move{dst, c.scratch + i})
		default:
			first = append(first, move{dst, src})
		}
	}
	return first, second
}
