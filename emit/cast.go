package emit

import (
	"github.com/q35c/q35c/ir"
)

// cast writes a conversion. A cast to the same type defines no op: the
// result is spelled as its operand.
func (e *emitter) cast(op *ir.Op) {
	x, r := op.Args[0], op.Result()
	from, to := x.Type, r.Type
	if from == to {
		e.alias[r] = e.val(x)
		return
	}
	steps := castSteps(from, to)
	if steps == nil {
		e.failf(op.Pos, "cannot cast %s to %s", from, to)
		return
	}
	cur := e.val(x)
	for i, s := range steps {
		var name string
		if i < len(steps)-1 {
			name = e.tmp("")
		} else {
			name = e.def(r)
		}
		e.line(op.Pos, "%s = arith.%s %s : %s to %s", name, s.op, cur, s.from, s.to)
		cur = name
	}
}

// castStep is one arith conversion op.
type castStep struct {
	op       string
	from, to ir.Type
}

// castSteps returns the arith ops converting from to to (from != to), or nil.
// i1 is a boolean and widens unsigned; other integers widen signed. Index
// converts to and from floats through i64.
func castSteps(from, to ir.Type) []castStep {
	one := func(op string) []castStep { return []castStep{{op, from, to}} }
	switch {
	case from.IsInt() && to.IsInt() && from.Bits > to.Bits:
		return one("trunci")
	case from == ir.I1 && to.IsInt():
		return one("extui")
	case from.IsInt() && to.IsInt():
		return one("extsi")
	case from == ir.I1 && to.IsIndex():
		return []castStep{{"extui", from, ir.I64}, {"index_cast", ir.I64, to}}
	case from.IsInt() && to.IsIndex(), from.IsIndex() && to.IsInt():
		return one("index_cast")
	case from == ir.I1 && to.IsFloat():
		return one("uitofp")
	case from.IsInt() && to.IsFloat():
		return one("sitofp")
	case from.IsFloat() && to.IsInt():
		return one("fptosi")
	case from.IsFloat() && to.IsFloat() && from.Bits < to.Bits:
		return one("extf")
	case from.IsFloat() && to.IsFloat():
		return one("truncf")
	case from.IsIndex() && to.IsFloat():
		return []castStep{{"index_cast", from, ir.I64}, {"sitofp", ir.I64, to}}
	case from.IsFloat() && to.IsIndex():
		return []castStep{{"fptosi", from, ir.I64}, {"index_cast", ir.I64, to}}
	}
	return nil
}
