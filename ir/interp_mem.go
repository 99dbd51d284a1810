package ir

import "encoding/binary"

// addr is an element offset as a linear form of at most three frame slots,
// which loads and stores evaluate inline. Unused terms have k = 0 over
// slotZero.
type addr struct {
	c          int64
	k0, k1, k2 int64
	i0, i1, i2 int
}

func (a *addr) at(s []int64) int64 { return a.c + a.k0*s[a.i0] + a.k1*s[a.i1] + a.k2*s[a.i2] }

// address compiles the subscripts of a load or store. Subscripts that are
// linear and statically within bounds (given the ranges of the induction
// variables) fold into one linear form; the others are computed and checked
// at run time by pre, which leaves the offset in slotOffset.
func (c *compiler) address(op *Op) (pre step, at addr) {
	shape := op.Buf.Shape
	strides := make([]int64, len(shape))
	stride := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = stride
		stride *= shape[i]
	}
	var flat lin
	var dims []checkedDim
	for i, sub := range op.Index {
		if sub.Affine != nil {
			if l, ok := c.linearize(sub.Affine); ok && c.inBounds(sub.Affine, shape[i]) {
				flat = flat.plus(l, strides[i])
				continue
			}
		}
		dims = append(dims, c.checkedDim(i, sub, shape[i], strides[i]))
	}
	if len(dims) == 0 && len(flat.terms) <= 3 {
		return nil, toAddr(flat)
	}
	return c.checkedAddress(op, flat, dims), addr{k0: 1, i0: slotOffset}
}

func (c *compiler) inBounds(e *Expr, extent int64) bool {
	r := c.exprRange(e)
	return r.ok && r.lo >= 0 && r.hi < extent
}

func toAddr(l lin) addr {
	var k [3]int64
	var i [3]int
	for j, t := range l.terms {
		k[j], i[j] = t.k, t.slot
	}
	return addr{c: l.c, k0: k[0], k1: k[1], k2: k[2], i0: i[0], i1: i[1], i2: i[2]}
}

// checkedDim is a subscript checked at run time.
type checkedDim struct {
	index          int // which subscript
	val            func() int64
	extent, stride int64
}

func (c *compiler) checkedDim(i int, sub Subscript, extent, stride int64) checkedDim {
	d := checkedDim{index: i, extent: extent, stride: stride}
	if sub.Affine != nil {
		d.val = c.expr(sub.Affine)
		return d
	}
	s, x := c.s, c.slot(sub.Dyn)
	if sub.Dyn.Type == I1 { // a boolean indexes as 0 or 1
		d.val = func() int64 { return s[x] & 1 }
	} else {
		d.val = func() int64 { return s[x] }
	}
	return d
}

func (c *compiler) checkedAddress(op *Op, flat lin, dims []checkedDim) step {
	s := c.s
	return func() error {
		off := flat.eval(s)
		for i := range dims {
			d := &dims[i]
			v := d.val()
			if uint64(v) >= uint64(d.extent) {
				return c.fail(op, "subscript %d = %d is out of bounds [0, %d) of %%%s", d.index, v, d.extent, op.Buf.Name)
			}
			off += v * d.stride
		}
		s[slotOffset] = off
		return nil
	}
}

// withPre runs pre (if any) before st.
func withPre(pre, st step) step {
	if pre == nil {
		return st
	}
	return func() error {
		if err := pre(); err != nil {
			return err
		}
		return st()
	}
}

// load compiles a load; integers are sign-extended, packed i4 codes from
// the low nibble of byte e/2 for even e and the high nibble for odd e; a
// raw load yields all of byte e/2.
func (c *compiler) load(op *Op) step {
	pre, at := c.address(op)
	s, d, m := c.s, c.slot(op.Results[0]), c.bufs[op.Buf]
	le := binary.LittleEndian
	var st step
	switch {
	case op.Raw: // the whole storage byte
		st = func() error { s[d] = int64(int8(m[at.at(s)>>1])); return nil }
	case op.Buf.Elem == I4:
		st = func() error {
			e := at.at(s)
			s[d] = int64(int8(m[e>>1]>>(4*(e&1))<<4) >> 4)
			return nil
		}
	case op.Buf.Elem == I8:
		st = func() error { s[d] = int64(int8(m[at.at(s)])); return nil }
	case op.Buf.Elem == I16:
		st = func() error { s[d] = int64(int16(le.Uint16(m[2*at.at(s):]))); return nil }
	case op.Buf.Elem == I32:
		st = func() error { s[d] = int64(int32(le.Uint32(m[4*at.at(s):]))); return nil }
	case op.Buf.Elem == I64:
		st = func() error { s[d] = int64(le.Uint64(m[8*at.at(s):])); return nil }
	case op.Buf.Elem == F16:
		st = func() error { s[d] = int64(le.Uint16(m[2*at.at(s):])); return nil }
	default: // F32
		st = func() error { s[d] = int64(le.Uint32(m[4*at.at(s):])); return nil }
	}
	return withPre(pre, st)
}

// store compiles a store (never into packed i4 buffers: Verify forbids it).
func (c *compiler) store(op *Op) step {
	pre, at := c.address(op)
	s, x, m := c.s, c.slot(op.Args[0]), c.bufs[op.Buf]
	le := binary.LittleEndian
	var st step
	switch op.Buf.Elem {
	case I8:
		st = func() error { m[at.at(s)] = byte(s[x]); return nil }
	case I16, F16:
		st = func() error { le.PutUint16(m[2*at.at(s):], uint16(s[x])); return nil }
	case I32, F32:
		st = func() error { le.PutUint32(m[4*at.at(s):], uint32(s[x])); return nil }
	default: // I64
		st = func() error { le.PutUint64(m[8*at.at(s):], uint64(s[x])); return nil }
	}
	return withPre(pre, st)
}
