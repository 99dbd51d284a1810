package ir

import "fmt"

// loop checks an OpFor: its step and bounds, its iteration arguments
// against its operands and results, and its body, in which the IV and the
// iteration arguments are visible and which must end with a matching yield.
func (v *verifier) loop(op *Op) {
	l := op.Loop
	if l == nil {
		v.errf(op, "has no loop")
		return
	}
	before := v.p.count()
	if l.Step < 1 {
		v.errf(op, "has step %d, want >= 1", l.Step)
	}
	v.checkBounds(op, "lower", l.Lower)
	v.checkBounds(op, "upper", l.Upper)
	v.checkIterTypes(op)
	if l.Body == nil {
		v.errf(op, "has no body")
		return
	}
	mark := len(v.stack)
	if l.IV == nil || l.IV.Type != Index {
		v.errf(op, "induction variable must be a value of type index")
	} else {
		v.define(op, l.IV, "induction variable")
		v.ivs = append(v.ivs, l.IV)
		defer func() { v.ivs = v.ivs[:len(v.ivs)-1] }()
	}
	for i, a := range l.IterArgs {
		v.define(op, a, fmt.Sprintf("iteration argument %d", i))
	}
	v.block(l.Body, op)
	v.pop(mark)
	v.checkYield(op)
	if v.p.count() != before {
		// PlanVector and PlanDot assume a well-formed nest: a rank-0
		// load or a yield of the wrong arity made them index past the end.
		return
	}
	v.checkVector(op)
	v.checkDot(op)
}

// checkDot checks a dot loop (Loop.Dot): neither vector nor parallel, and
// a nest that PlanDot still accepts.
func (v *verifier) checkDot(op *Op) {
	l := op.Loop
	switch {
	case !l.Dot:
		return
	case l.Vector != 0 || l.Parallel:
		v.errf(op, "is a dot loop and also a vector or parallel loop")
		return
	}
	if _, err := PlanDot(op); err != nil {
		v.errf(op, "is a dot loop that cannot be packed: %v", err)
	}
}

// checkVector checks a vector loop (Loop.Vector >= 2): step 1, not also
// parallel, a constant trip count that is a multiple of the width, and a
// body that PlanVector can widen.
func (v *verifier) checkVector(op *Op) {
	l := op.Loop
	switch {
	case l.Vector == 0:
		return
	case l.Vector < 2:
		v.errf(op, "has vector width %d, want >= 2", l.Vector)
		return
	case l.Step != 1:
		v.errf(op, "is a vector loop with step %d, want 1", l.Step)
		return
	case l.Parallel:
		v.errf(op, "is both a vector loop and parallel")
		return
	}
	if trips, ok := constTrips(l); ok && trips%l.Vector != 0 {
		v.errf(op, "is a vector loop of width %d with %d iterations, not a multiple", l.Vector, trips)
	}
	if _, err := PlanVector(op, l.Vector); err != nil {
		v.errf(op, "is a vector loop that cannot be widened: %v", err)
	}
}

// constTrips returns the trip count of a loop with constant bounds.
func constTrips(l *Loop) (int64, bool) {
	if len(l.Lower) != 1 || len(l.Upper) != 1 {
		return 0, false
	}
	lo, ok1 := l.Lower[0].IsConst()
	hi, ok2 := l.Upper[0].IsConst()
	if !ok1 || !ok2 {
		return 0, false
	}
	return max(0, (hi-lo+l.Step-1)/l.Step), true
}

func (v *verifier) checkBounds(op *Op, which string, es []*Expr) {
	if len(es) == 0 {
		v.errf(op, "has no %s bound", which)
	}
	for i, e := range es {
		v.checkExpr(op, fmt.Sprintf("%s bound %d", which, i), e, op.Loop.IV)
	}
}

// checkIterTypes checks that operands, iteration arguments and results
// correspond one to one with equal types.
func (v *verifier) checkIterTypes(op *Op) {
	its := op.Loop.IterArgs
	if len(op.Args) != len(its) || len(op.Results) != len(its) {
		v.errf(op, "has %d operands, %d iteration arguments and %d results, want equal numbers",
			len(op.Args), len(its), len(op.Results))
		return
	}
	for i, a := range its {
		if a == nil || op.Args[i] == nil || op.Results[i] == nil {
			continue // reported by use and define
		}
		v.wantType(op, fmt.Sprintf("iteration argument %d", i), a.Type, op.Args[i].Type)
		v.wantType(op, fmt.Sprintf("result %d", i), op.Results[i].Type, op.Args[i].Type)
	}
}

// checkYield checks that the body's final yield gives the next value of
// every iteration argument.
func (v *verifier) checkYield(op *Op) {
	ops := op.Loop.Body.Ops
	if len(ops) == 0 || ops[len(ops)-1] == nil || ops[len(ops)-1].Code != OpYield {
		return // reported by block
	}
	y, its := ops[len(ops)-1], op.Loop.IterArgs
	if len(y.Args) != len(its) {
		v.errf(y, "yields %d values, want %d (the loop's iteration arguments)", len(y.Args), len(its))
		return
	}
	for i, a := range y.Args {
		if a != nil && its[i] != nil {
			v.wantType(y, fmt.Sprintf("operand %d", i), a.Type, its[i].Type)
		}
	}
}
