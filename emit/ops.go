package emit

import (
	"github.com/q35c/q35c/ir"
)

// op writes one IR op as one or more MLIR ops.
func (e *emitter) op(op *ir.Op) {
	switch {
	case op.Code == ir.OpConst:
		r := op.Result()
		e.line(op.Pos, "%s = arith.constant %s", e.def(r), constLit(r.Type, op.Bits))
	case op.Code.IsBinary():
		e.binary(op)
	case op.Code == ir.OpNeg:
		e.neg(op)
	case op.Code == ir.OpCmp:
		e.cmp(op)
	case op.Code == ir.OpSelect:
		r := op.Result()
		e.line(op.Pos, "%s = arith.select %s : %s", e.def(r), e.vals(op.Args), r.Type)
	case op.Code == ir.OpCast:
		e.cast(op)
	case op.Code == ir.OpLoad:
		e.load(op)
	case op.Code == ir.OpStore:
		e.store(op)
	case op.Code == ir.OpFor:
		e.loop(op)
	case op.Code == ir.OpYield:
		if len(op.Args) > 0 {
			e.line(op.Pos, "affine.yield %s : %s", e.vals(op.Args), types(op.Args))
		}
	default:
		e.failf(op.Pos, "cannot emit op %s", op.Code)
	}
}

// intOps and floatOps name the arith op of each binary opcode.
var (
	intOps = map[ir.Opcode]string{
		ir.OpAdd: "addi", ir.OpSub: "subi", ir.OpMul: "muli", ir.OpDiv: "divsi", ir.OpRem: "remsi",
		ir.OpShl: "shli", ir.OpShrS: "shrsi", ir.OpShrU: "shrui", ir.OpAnd: "andi", ir.OpOr: "ori",
		ir.OpXor: "xori", ir.OpMin: "minsi", ir.OpMax: "maxsi",
	}
	floatOps = map[ir.Opcode]string{
		ir.OpAdd: "addf", ir.OpSub: "subf", ir.OpMul: "mulf", ir.OpDiv: "divf",
		ir.OpMin: "minimumf", ir.OpMax: "maximumf",
	}
)

// binaryName names the arith op of a binary opcode on type t.
func binaryName(code ir.Opcode, t ir.Type) (string, bool) {
	if t.IsFloat() {
		name, ok := floatOps[code]
		return name, ok
	}
	name, ok := intOps[code]
	return name, ok
}

func (e *emitter) binary(op *ir.Op) {
	r := op.Result()
	name, ok := binaryName(op.Code, r.Type)
	if !ok {
		e.failf(op.Pos, "op %s is not defined on %s", op.Code, r.Type)
		return
	}
	e.line(op.Pos, "%s = arith.%s %s : %s", e.def(r), name, e.vals(op.Args), r.Type)
}

// neg writes -x: arith.negf for floats, 0 - x for integers.
func (e *emitter) neg(op *ir.Op) {
	r, x := op.Result(), op.Args[0]
	if r.Type.IsFloat() {
		e.line(op.Pos, "%s = arith.negf %s : %s", e.def(r), e.val(x), r.Type)
		return
	}
	zero := e.tmp("zero")
	e.line(op.Pos, "%s = arith.constant 0 : %s", zero, r.Type)
	e.line(op.Pos, "%s = arith.subi %s, %s : %s", e.def(r), zero, e.val(x), r.Type)
}

// Integer comparisons are signed; float ones ordered except ne.
var (
	intPreds   = [...]string{ir.PredEq: "eq", ir.PredNe: "ne", ir.PredLt: "slt", ir.PredLe: "sle", ir.PredGt: "sgt", ir.PredGe: "sge"}
	floatPreds = [...]string{ir.PredEq: "oeq", ir.PredNe: "une", ir.PredLt: "olt", ir.PredLe: "ole", ir.PredGt: "ogt", ir.PredGe: "oge"}
)

func (e *emitter) cmp(op *ir.Op) {
	t := op.Args[0].Type
	if int(op.Pred) >= len(intPreds) {
		e.failf(op.Pos, "bad comparison predicate %d", op.Pred)
		return
	}
	kind, pred := "cmpi", intPreds[op.Pred]
	if t.IsFloat() {
		kind, pred = "cmpf", floatPreds[op.Pred]
	}
	e.line(op.Pos, "%s = arith.%s %s, %s : %s", e.def(op.Result()), kind, pred, e.vals(op.Args), t)
}
