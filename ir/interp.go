package ir

import (
	"fmt"
	"math"
)

// The interpreter is q35c's reference semantics: every other executor must
// agree with it bit for bit. Each call of Exec first compiles the function
// into Go closures over a flat frame of int64 slots, one per SSA value
// (a widening integer cast shares its operand's slot), each closure
// specialized for its opcode and type, so that running a loop body does no
// dispatch on opcodes, no map lookups and no allocation. Constants are
// stored in the frame at compile time.
//
// Frame representation: integers are kept sign-extended from their width
// (so i1 true is -1, which makes signed ops on i1 match arith); floats as
// their IEEE bits, zero-extended.

// Exec runs f with mem[i] as the storage of f.Params[i] (little-endian;
// packed i4 buffers hold element e in byte e/2, the low nibble for even e).
// It verifies f and the sizes of mem first. Runtime faults (division by
// zero, signed overflow of division, shifts out of range, dynamic subscripts
// out of bounds, fptosi of NaN or out-of-range floats) stop execution with
// an error naming the kernel and the op's source position.
func Exec(f *Func, mem [][]byte) error { return ExecWith(f, mem, Hooks{}) }

// NewMemory returns zeroed storage for every parameter of f.
func NewMemory(f *Func) [][]byte {
	mem := make([][]byte, len(f.Params))
	for i, b := range f.Params {
		mem[i] = make([]byte, b.StorageBytes())
	}
	return mem
}

func checkMemory(f *Func, mem [][]byte) error {
	if len(mem) != len(f.Params) {
		return fmt.Errorf("ir: func @%s: got storage for %d buffers, want %d", f.Name, len(mem), len(f.Params))
	}
	for i, b := range f.Params {
		if int64(len(mem[i])) != b.StorageBytes() {
			return fmt.Errorf("ir: func @%s: storage of %%%s has %d bytes, want %d", f.Name, b.Name, len(mem[i]), b.StorageBytes())
		}
	}
	return nil
}

// step executes one compiled op.
type step func() error

func run(steps []step) error {
	for _, st := range steps {
		if err := st(); err != nil {
			return err
		}
	}
	return nil
}

// Reserved frame slots; values follow, then the scratch slots.
const (
	slotZero   = 0 // always 0: the slot of unused terms of an address
	slotOffset = 1 // a checked address's element offset
	firstValue = 2
)

// compiler turns a verified function into steps over the frame s.
type compiler struct {
	f       *Func
	bufs    map[*Buffer][]byte
	slots   map[*Value]int
	s       []int64
	scratch int             // the next free slot while numbering; then the first scratch slot, for yields that permute iteration arguments
	ranges  map[*Value]span // static ranges of induction variables
	hooks   Hooks           // what a client computes itself (ExecWith)
}

func newCompiler(f *Func, mem [][]byte) *compiler {
	c := &compiler{f: f, bufs: map[*Buffer][]byte{}, slots: map[*Value]int{}, ranges: map[*Value]span{}}
	for i, b := range f.Params {
		c.bufs[b] = mem[i]
	}
	for _, t := range f.Tables {
		c.bufs[t.Buf] = t.storage()
	}
	c.scratch = firstValue
	maxIter := 0
	f.Body.Walk(func(op *Op) {
		if op.Code == OpCast && sameRepr(op.Args[0].Type, op.Results[0].Type) {
			c.slots[op.Results[0]] = c.slots[op.Args[0]] // SSA values never change: share the slot
			return
		}
		c.newSlots(op.Results)
		if op.Code == OpFor {
			c.newSlots([]*Value{op.Loop.IV})
			c.newSlots(op.Loop.IterArgs)
			maxIter = max(maxIter, len(op.Loop.IterArgs))
		}
	})
	c.s = make([]int64, c.scratch+maxIter)
	return c
}

func (c *compiler) newSlots(vs []*Value) {
	for _, v := range vs {
		c.slots[v] = c.scratch
		c.scratch++
	}
}

// sameRepr reports whether a cast from from to to leaves the frame
// representation unchanged: sign-extended integers widen for free.
func sameRepr(from, to Type) bool {
	return from == to || from.IsIntLike() && to.IsIntLike() && from != I1 && to.Bits >= from.Bits
}

func (c *compiler) slot(v *Value) int { return c.slots[v] }

func (c *compiler) block(ops []*Op) []step {
	var steps []step
	for _, op := range ops {
		if st := c.op(op); st != nil {
			steps = append(steps, st)
		}
	}
	return steps
}

// op compiles one op; constants are stored in the frame once and need no step.
func (c *compiler) op(op *Op) step {
	switch {
	case op.Code == OpConst:
		c.s[c.slot(op.Results[0])] = constValue(op.Results[0].Type, op.Bits)
		return nil
	case op.Code.IsBinary():
		return c.binary(op)
	case op.Code == OpNeg:
		return c.neg(op)
	case op.Code == OpCmp:
		return c.cmp(op)
	case op.Code == OpSelect:
		return c.sel(op)
	case op.Code == OpCast:
		return c.cast(op)
	case op.Code == OpLoad:
		return c.load(op)
	case op.Code == OpStore:
		return c.store(op)
	case op.Code == OpFor:
		return c.loop(op)
	}
	panic(fmt.Sprintf("ir: interpreter cannot compile %s", op.Code)) // OpYield is compiled by its loop
}

// constValue returns the frame representation of a constant's bits.
func constValue(t Type, bits uint64) int64 {
	if t.IsIntLike() {
		return sext(int64(bits), t)
	}
	return int64(bits)
}

// sext sign-extends v from the width of t.
func sext(v int64, t Type) int64 {
	sh := 64 - uint(t.Bits)
	return v << sh >> sh
}

// fail returns the runtime error of op.
func (c *compiler) fail(op *Op, format string, args ...any) error {
	return fmt.Errorf("ir: func @%s: %s: %s", c.f.Name, opWhere(op), fmt.Sprintf(format, args...))
}

// Float views of frame slots.
func f32(v int64) float32  { return math.Float32frombits(uint32(v)) }
func f32v(f float32) int64 { return int64(math.Float32bits(f)) }
func f16(v int64) float32  { return F16ToF32(uint16(v)) }
func f16v(f float32) int64 { return int64(F32ToF16(f)) }
