package ir

import "fmt"

// A dot loop (Loop.Dot) is a reduction nest whose iteration arguments
// accumulate products of signed activation bytes and codes of at most 8
// bits unpacked from loaded bytes: the group loop of a quantized matmul.
// Like a vector loop it keeps its scalar body, which the interpreter runs
// as written; PlanDot works out, once, for the dot pass, the verifier and
// the emitters, how it runs as 64-lane byte vectors instead:
//
//   - for each chunk of up to 64 products of one accumulator, the code
//     bytes are one window of at most 64 consecutive bytes and the
//     activations one window of at most 128;
//   - lane l of the chunk takes its code from the window by Pieces (each a
//     run of bits of one byte, shifted into place), biased to an unsigned
//     byte (a signed w-bit code c becomes c + 2^(w-1)), and its activation
//     from byte Act[l] of the other window;
//   - the accumulator gains Σ act·u − Σ act·bias, which is Σ act·code
//     exactly (integer sums do not depend on their order, and every
//     product is exact in the type the scalar body computes it in).
//
// This is what x86's vpermb, vpmultishiftqb and vpdpbusd do in a handful
// of instructions, and what plain vector shuffles, shifts and multiplies
// do everywhere else.

// DotLanes is the number of products a chunk holds: one 64-byte vector.
const DotLanes = 64

// DotPlan says how a dot loop runs.
type DotPlan struct {
	Chunks []*DotChunk // in accumulator order
}

// DotWindow is a run of consecutive storage bytes of a buffer.
type DotWindow struct {
	Buf  *Buffer
	Base *Expr // storage byte offset of the first byte, over loop variables outside the nest: Var + Off
	Var  *Expr // Base without its constant term
	Off  int64 // Base's constant term
	Len  int64
}

// DotPiece moves bits Shift..Shift+Len-1 of window byte Byte to bits
// Dst..Dst+Len-1 of a lane's code. Len 0 means the lane has no such piece.
type DotPiece struct {
	Byte            int64
	Shift, Len, Dst uint8
}

// DotChunk is up to 64 products added to one accumulator.
type DotChunk struct {
	Acc    int // index of the loop's iteration argument
	Codes  DotWindow
	Acts   DotWindow
	Lanes  int          // products in the chunk; lanes beyond are zero
	Pieces [][]DotPiece // Pieces[p][lane]
	Flip   []uint8      // per lane: XOR turning the code's bits into the biased code (its sign bit, for signed codes)
	Bias   []uint8      // per lane: what the biased code adds (2^(w-1) for signed w-bit codes, else 0)
	Act    []int64      // per lane: activation byte in Acts
}

// minDotTerms is the fewest products per accumulator worth a vector.
const minDotTerms = 16

// PlanDot reports how the loop op runs as a packed dot product, or why it
// cannot (a *VectorError).
func PlanDot(op *Op) (*DotPlan, error) {
	l := op.Loop
	s := &dotSym{root: op, env: map[*Value]symVal{}, inside: map[*Value]bool{}, byteID: map[string]int32{}}
	if len(l.IterArgs) == 0 {
		return nil, s.fail(op, "the loop accumulates nothing")
	}
	inits := make([]symVal, len(l.IterArgs))
	for i, a := range l.IterArgs {
		if a.Type != I32 {
			return nil, s.fail(op, "accumulator %s is %s; packed dot products accumulate i32", srcName(a), a.Type)
		}
		inits[i] = symVal{kind: symSum, acc: i, t: I32}
	}
	op.Loop.Body.Walk(func(o *Op) {
		for _, r := range o.Results {
			s.inside[r] = true
		}
		if o.Code == OpFor {
			s.inside[o.Loop.IV] = true
			for _, a := range o.Loop.IterArgs {
				s.inside[a] = true
			}
		}
	})
	s.inside[l.IV] = true
	for _, a := range l.IterArgs {
		s.inside[a] = true
	}
	res, err := s.loop(op, inits)
	if err != nil {
		return nil, err
	}
	p := &DotPlan{}
	for i, r := range res {
		if r.kind != symSum || r.acc != i {
			return nil, s.fail(op, "accumulator %s is not a sum of products", srcName(l.IterArgs[i]))
		}
		if len(r.terms) < minDotTerms {
			return nil, s.fail(op, "accumulator %s adds %d products; fewer than %d are not worth a vector", srcName(l.IterArgs[i]), len(r.terms), minDotTerms)
		}
		s.sortTerms(r.terms)
		for lo := 0; lo < len(r.terms); lo += DotLanes {
			c, err := s.chunk(i, r.terms[lo:min(lo+DotLanes, len(r.terms))])
			if err != nil {
				return nil, err
			}
			p.Chunks = append(p.Chunks, c)
		}
	}
	return p, nil
}

// window returns the byte window holding ids, at most limit bytes long.
func (s *dotSym) window(ids []int32, limit int64, what string) (DotWindow, error) {
	first := s.bytes[ids[0]]
	lo, hi := first.off.c, first.off.c
	for _, id := range ids {
		b := s.bytes[id]
		if b.buf != first.buf || !b.off.sameVars(first.off) {
			return DotWindow{}, s.fail(s.root, "the %s come from more than one place", what)
		}
		lo, hi = min(lo, b.off.c), max(hi, b.off.c)
	}
	if hi-lo >= limit {
		return DotWindow{}, s.fail(s.root, "the %s of 64 products span %d bytes, more than %d", what, hi-lo+1, limit)
	}
	base := first.off
	base.c = 0
	return DotWindow{Buf: first.buf, Base: base.expr(lo), Var: base.expr(0), Off: base.c + lo, Len: hi - lo + 1}, nil
}

// chunk lays out up to 64 terms of accumulator acc.
func (s *dotSym) chunk(acc int, ts []dotTerm) (*DotChunk, error) {
	var codes, acts []int32
	for _, t := range ts {
		acts = append(acts, t.act)
		for _, b := range t.code {
			codes = append(codes, b.src)
		}
	}
	cw, err := s.window(codes, DotLanes, "codes")
	if err != nil {
		return nil, err
	}
	aw, err := s.window(acts, 2*DotLanes, "activations")
	if err != nil {
		return nil, err
	}
	c := &DotChunk{Acc: acc, Codes: cw, Acts: aw, Lanes: len(ts),
		Flip: make([]uint8, DotLanes), Bias: make([]uint8, DotLanes), Act: make([]int64, DotLanes)}
	codeLo := s.bytes[codes[0]].off.c
	actLo := s.bytes[acts[0]].off.c
	for _, id := range codes {
		codeLo = min(codeLo, s.bytes[id].off.c)
	}
	for _, id := range acts {
		actLo = min(actLo, s.bytes[id].off.c)
	}
	for l, t := range ts {
		c.Act[l] = s.bytes[t.act].off.c - actLo
		w := len(t.code)
		if t.signed {
			c.Flip[l] = 1 << (w - 1)
			c.Bias[l] = 1 << (w - 1)
		}
		// Split the code into runs of consecutive bits of one byte.
		for i, p := 0, 0; i < w; p++ {
			j := i + 1
			for j < w && t.code[j].src == t.code[i].src && t.code[j].idx == t.code[j-1].idx+1 {
				j++
			}
			if p == len(c.Pieces) {
				c.Pieces = append(c.Pieces, make([]DotPiece, DotLanes))
			}
			c.Pieces[p][l] = DotPiece{Byte: s.bytes[t.code[i].src].off.c - codeLo, Shift: t.code[i].idx, Len: uint8(j - i), Dst: uint8(i)}
			i = j
		}
	}
	return c, nil
}

// String describes the chunk in one line, for remarks and tests.
func (c *DotChunk) String() string {
	return fmt.Sprintf("acc %d: %d products, %d code bytes of %s, %d activation bytes of %s, %d pieces",
		c.Acc, c.Lanes, c.Codes.Len, c.Codes.Buf.Name, c.Acts.Len, c.Acts.Buf.Name, len(c.Pieces))
}
