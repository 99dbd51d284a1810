package ir

import "fmt"

// Hooks let a client of the interpreter compute parts of a kernel itself
// while the interpreter runs the rest: lpusim computes the dot loops on
// its model of a matrix unit and lets the interpreter play the vector unit
// and the control. The zero Hooks change nothing.
type Hooks struct {
	// Dot, when set, computes each execution of a dot loop (Loop.Dot)
	// instead of its scalar body. val returns the current value of a value
	// defined outside the loop (an induction variable of a loop around it,
	// or an operand of op, such as an accumulator's initial value) in the
	// interpreter's frame representation (integers sign-extended); buf
	// returns the storage of a buffer (a parameter or a table), which the
	// hook must not write. It returns the loop's results, one per
	// iteration argument (i32 values, truncated to 32 bits by the
	// interpreter), or an error that stops execution.
	Dot func(op *Op, val func(*Value) int64, buf func(*Buffer) []byte) ([]int64, error)

	// Before, when set, runs before each top-level op of the function
	// (index i of its body), with the storage of every parameter; an error
	// stops execution. lpusim runs a job's matmuls there.
	Before func(i int, mem [][]byte) error
}

// ExecWith runs f like Exec, with the hooks h computing what they cover.
// With the zero Hooks it is Exec.
func ExecWith(f *Func, mem [][]byte, h Hooks) (err error) {
	if err := VerifyFunc(f); err != nil {
		return err
	}
	if err := checkMemory(f, mem); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil { // an interpreter bug, or the hook's
			err = fmt.Errorf("ir: func @%s: internal error in the interpreter: %v", f.Name, r)
		}
	}()
	c := newCompiler(f, mem)
	c.hooks = h
	if h.Before == nil {
		return run(c.block(f.Body.Ops))
	}
	steps := make([][]step, len(f.Body.Ops))
	for i, op := range f.Body.Ops {
		steps[i] = c.block([]*Op{op})
	}
	for i := range steps {
		if err := h.Before(i, mem); err != nil {
			return err
		}
		if err := run(steps[i]); err != nil {
			return err
		}
	}
	return nil
}

// dotHook compiles a dot loop into a call of Hooks.Dot: the results take
// the hook's values, truncated to the accumulators' type.
func (c *compiler) dotHook(op *Op) step {
	s, hook := c.s, c.hooks.Dot
	outs := make([]int, len(op.Results))
	types := make([]Type, len(op.Results))
	for i, r := range op.Results {
		outs[i], types[i] = c.slot(r), r.Type
	}
	val := func(v *Value) int64 { return s[c.slot(v)] }
	buf := func(b *Buffer) []byte { return c.bufs[b] }
	return func() error {
		res, err := hook(op, val, buf)
		if err != nil {
			return c.fail(op, "%v", err)
		}
		if len(res) != len(outs) {
			return c.fail(op, "the dot hook returned %d values for %d accumulators", len(res), len(outs))
		}
		for i, v := range res {
			s[outs[i]] = sext(v, types[i])
		}
		return nil
	}
}
