package ir

import (
	"fmt"
)

// A vector loop (Loop.Vector = W) keeps its scalar meaning in the IR; how
// its body becomes W-lane vector code is computed here, once, for the
// vectorize pass (which asks whether a loop can be widened and reports the
// reason when not), the verifier (which checks that a vector loop still can
// be) and the emitters (which write the vector code).
//
// Lane l of a vector iteration runs the scalar body with IV = x0 + l, where
// x0 = lb + W·t. A value is uniform when it is the same in every lane (it
// does not depend on the IV) and varying otherwise. Loads and stores are
// classified by how the element they touch moves from lane to lane; the
// offsets are proved independent of t, and of every other loop variable,
// by the residue argument of laneOffsets.

// VectorPlan says how the body of a vector loop is widened.
type VectorPlan struct {
	Width   int64
	Varying map[*Value]bool     // values with one value per lane (including the IV)
	Access  map[*Op]*LaneAccess // every load and store of the body
	Reduce  []Reduction         // one per iteration argument, in order
	IVUsed  bool                // some varying op uses the IV as a value: it needs its lane vector
}

// AccessKind says how the lanes of a vector load or store address memory.
type AccessKind uint8

const (
	// AccessUniform: every lane touches the same element (loads only).
	AccessUniform AccessKind = iota
	// AccessContiguous: lane l touches element Base + l of the last dimension.
	AccessContiguous
	// AccessShuffle: lane l reads element Base + Offsets[l] of the last
	// dimension; Span elements from Base are loaded and shuffled (loads only).
	AccessShuffle
	// AccessPacked: a contiguous read of packed i4 codes starting at an even
	// element: Width/2 bytes reinterpreted as Width nibbles.
	AccessPacked
	// AccessGather: the last subscript is a varying value (loads only).
	AccessGather
)

// LaneAccess is the plan of one load or store.
type LaneAccess struct {
	Kind    AccessKind
	Base    []Subscript // the subscripts of the lowest element the vector touches
	Offsets []int64     // AccessShuffle: per lane, from Base
	Span    int64       // AccessShuffle: elements loaded from Base
}

// Reduction is an iteration argument accumulated across lanes: the body
// computes Op = Arg Code x and yields it. Integer arithmetic wraps, so
// accumulating lanes apart and combining them at the end gives the same
// bits as the scalar order; floating-point reductions are never planned.
type Reduction struct {
	Arg  *Value
	Op   *Op
	Code Opcode
}

// reducible lists the integer ops a reduction may use.
var reducible = map[Opcode]bool{OpAdd: true, OpMul: true, OpAnd: true, OpOr: true, OpXor: true, OpMin: true, OpMax: true}

// maxSpan bounds the elements a shuffled load fetches, per lane.
const maxSpan = 4

// maxLanePeriod bounds the residue enumeration of laneOffsets.
const maxLanePeriod = 1 << 12

// PlanVector returns how loop op's body is widened to width lanes, or why
// it cannot be: the error text is a reason fit for a remark.
func PlanVector(op *Op, width int64) (*VectorPlan, error) {
	l := op.Loop
	if width < 2 {
		return nil, fmt.Errorf("the width %d is less than 2", width)
	}
	if l.Step != 1 {
		return nil, fmt.Errorf("its step is %d, not 1", l.Step)
	}
	ops := l.Body.Ops
	if len(ops) == 0 || ops[len(ops)-1].Code != OpYield {
		return nil, fmt.Errorf("its body does not end with a yield")
	}
	for _, o := range ops {
		if o.Code == OpFor {
			return nil, fmt.Errorf("it contains a loop (only innermost loops are vectorized)")
		}
	}
	p := &VectorPlan{Width: width, Varying: map[*Value]bool{l.IV: true}, Access: map[*Op]*LaneAccess{}}
	if err := p.reductions(op); err != nil {
		return nil, err
	}
	lanes := newLaneInfo(l, width)
	for _, o := range ops[:len(ops)-1] {
		if err := p.plan(o, lanes); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// reductions finds the reduction of every iteration argument.
func (p *VectorPlan) reductions(op *Op) error {
	l := op.Loop
	ops := l.Body.Ops
	yield := ops[len(ops)-1]
	uses := map[*Value][]*Op{}
	for _, o := range ops {
		for _, a := range o.Args {
			uses[a] = append(uses[a], o)
		}
		for _, s := range o.Index {
			if s.Dyn != nil {
				uses[s.Dyn] = append(uses[s.Dyn], o)
			}
		}
	}
	for i, a := range l.IterArgs {
		name := srcName(a)
		u := uses[a]
		if len(u) != 1 || u[0] == yield {
			return fmt.Errorf("iteration argument %s is not a reduction: it must be used once, by the op that accumulates it", name)
		}
		r := u[0]
		if !r.Code.IsBinary() || yield.Args[i] != r.Result() || len(uses[r.Result()]) != 1 {
			return fmt.Errorf("iteration argument %s is not a reduction: the loop must yield %s op x for an op applied once", name, name)
		}
		if a.Type.IsFloat() {
			return fmt.Errorf("%s is a floating-point reduction: vectorizing it would reassociate the additions and change the result", name)
		}
		if !reducible[r.Code] || !a.Type.IsInt() || a.Type.Bits < 8 {
			return fmt.Errorf("iteration argument %s is accumulated by %s on %s, which is not a vectorizable reduction", name, r.Code, a.Type)
		}
		if r.Args[0] == r.Args[1] {
			return fmt.Errorf("iteration argument %s is combined with itself", name)
		}
		p.Reduce = append(p.Reduce, Reduction{Arg: a, Op: r, Code: r.Code})
		p.Varying[a] = true
	}
	return nil
}

// srcName names v as the source does, for remarks.
func srcName(v *Value) string {
	if v.Name != "" {
		return v.Name
	}
	return fmt.Sprintf("v%d", v.ID)
}

// plan classifies one op of the body.
func (p *VectorPlan) plan(o *Op, lanes *laneInfo) error {
	switch o.Code {
	case OpLoad, OpStore:
		a, err := p.access(o, lanes)
		if err != nil {
			return err
		}
		p.Access[o] = a
		if o.Code == OpStore {
			if p.Varying[o.Args[0]] && a.Kind == AccessUniform {
				return opErr(o, "it stores a different value from each lane into one element of %s", o.Buf.Name)
			}
			if a.Kind == AccessUniform {
				return opErr(o, "it stores into the same element of %s in every lane", o.Buf.Name)
			}
			return nil
		}
		if a.Kind != AccessUniform {
			p.Varying[o.Result()] = true
		}
		return nil
	}
	for _, a := range o.Args {
		if p.Varying[a] {
			if a == lanes.iv {
				p.IVUsed = true
			}
			for _, r := range o.Results {
				p.Varying[r] = true
			}
		}
	}
	return nil
}

// access plans one load or store.
func (p *VectorPlan) access(o *Op, lanes *laneInfo) (*LaneAccess, error) {
	n := len(o.Index)
	if n == 0 || n != len(o.Buf.Shape) {
		return nil, opErr(o, "malformed access to %s", o.Buf.Name)
	}
	packed, _ := StorageElem(o.Buf.Elem)
	base := append([]Subscript(nil), o.Index...)
	if o.Raw { // a raw load addresses the storage byte: plan it on byte subscripts
		if base[n-1].Dyn != nil {
			if p.Varying[base[n-1].Dyn] {
				return nil, opErr(o, "the raw byte load from %s is indexed by a value that differs between lanes", o.Buf.Name)
			}
			return &LaneAccess{Kind: AccessUniform, Base: base}, nil
		}
		base[n-1] = Subscript{Affine: FloorDiv(base[n-1].Affine, 2)}
		o = &Op{Code: o.Code, Pos: o.Pos, Buf: o.Buf, Index: base, Results: o.Results}
		packed = false
	}
	var last []int64
	for d, s := range o.Index {
		if s.Dyn != nil {
			if !p.Varying[s.Dyn] {
				continue
			}
			if s.Dyn == lanes.iv {
				p.IVUsed = true
			}
			if d != n-1 || o.Code == OpStore || packed {
				return nil, opErr(o, "the access to %s is indexed by a value that differs between lanes (only loads of unpacked buffers may gather, along the last dimension)", o.Buf.Name)
			}
			return &LaneAccess{Kind: AccessGather, Base: base}, nil
		}
		offs, err := lanes.offsets(s.Affine)
		if err != nil {
			return nil, opErr(o, "subscript %d of %s: %v", d, o.Buf.Name, err)
		}
		if d < n-1 {
			if !allZero(offs) {
				return nil, opErr(o, "the access to %s moves along dimension %d, not the last, from lane to lane", o.Buf.Name, d)
			}
			continue
		}
		last = offs
	}
	if last == nil || allZero(last) {
		return &LaneAccess{Kind: AccessUniform, Base: base}, nil
	}
	lo, hi := last[0], last[0]
	for _, x := range last {
		lo, hi = min(lo, x), max(hi, x)
	}
	contiguous := true
	for l, x := range last {
		contiguous = contiguous && x == int64(l)
	}
	switch {
	case packed && !contiguous:
		return nil, opErr(o, "lanes read packed i4 codes of %s that are not consecutive", o.Buf.Name)
	case packed:
		if p.Width%2 != 0 || !lanes.even(o.Index[n-1].Affine) {
			return nil, opErr(o, "the first lane's packed i4 code of %s may be in the high half of a byte", o.Buf.Name)
		}
		return &LaneAccess{Kind: AccessPacked, Base: base}, nil
	case contiguous:
		return &LaneAccess{Kind: AccessContiguous, Base: base}, nil
	case o.Code == OpStore:
		return nil, opErr(o, "lanes store into elements of %s that are not consecutive", o.Buf.Name)
	}
	if hi-lo+1 > maxSpan*p.Width {
		return nil, opErr(o, "lanes read elements of %s up to %d apart: a vector load would fetch %d elements for %d lanes", o.Buf.Name, hi-lo, hi-lo+1, p.Width)
	}
	offs := make([]int64, len(last))
	for l, x := range last {
		offs[l] = x - lo
	}
	base[n-1] = Subscript{Affine: Add(o.Index[n-1].Affine, Const(lo))}
	return &LaneAccess{Kind: AccessShuffle, Base: base, Offsets: offs, Span: hi - lo + 1}, nil
}

func allZero(xs []int64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

// VectorError is why a loop cannot be widened; At, when set, is the op
// responsible.
type VectorError struct {
	At  *Op
	Msg string
}

func (e *VectorError) Error() string { return e.Msg }

func opErr(o *Op, format string, args ...any) error {
	return &VectorError{At: o, Msg: fmt.Sprintf(format, args...)}
}
