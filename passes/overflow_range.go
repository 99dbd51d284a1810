package passes

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/q35c/q35c/ir"
)

// This file holds the value ranges of the overflow analysis (overflow.go)
// and their transfer functions: for each integer op, a sound interval of
// its results given intervals of its operands, with the interpreter's
// semantics (ir/interp_arith.go, interp_cast.go) as the definition of what
// the op computes. Sound means: every value the op can produce when its
// operands lie in their intervals lies in the result interval.

// ovRange is the closed interval [lo, hi] of the values an integer or index
// value can take, in its sign-extended frame representation (i1 true is -1).
type ovRange struct {
	lo, hi int64
	// lost is set when the interval is the whole type only because the
	// analysis lost track: an op may wrap, or a carried value is not
	// tracked. A range that is the whole type for a reason (a load of an
	// i32 input, a truncation to i4) leaves it nil.
	lost *ovLoss
}

// ovLoss says where and why a range was lost; it becomes a note.
type ovLoss struct {
	op  *ir.Op
	msg string
	// exceeds marks a bound that does not fit in 64 bits: the value
	// certainly leaves every type, rather than being unknown.
	exceeds bool
}

func (r ovRange) String() string { return fmt.Sprintf("[%d, %d]", r.lo, r.hi) }

// ovFull returns the range of every value of t.
func ovFull(t ir.Type) ovRange { return ovRange{lo: t.MinInt(), hi: t.MaxInt()} }

func (r ovRange) isFull(t ir.Type) bool { return r.lo <= t.MinInt() && r.hi >= t.MaxInt() }

func ovHull(x, y ovRange) ovRange {
	return ovRange{lo: min(x.lo, y.lo), hi: max(x.hi, y.hi)}
}

// ovFit returns [lo, hi] for an op of result type t when the exact result
// was computed without int64 overflow (ok) and lies within t. Otherwise the
// op may wrap and its result may be any value of t; the loss is recorded
// at op.
func ovFit(op *ir.Op, t ir.Type, lo, hi int64, ok bool, args ...ovRange) ovRange {
	if ok && lo >= t.MinInt() && hi <= t.MaxInt() {
		return ovRange{lo: lo, hi: hi}
	}
	r := ovFull(t)
	r.lost = &ovLoss{op: op, msg: fmt.Sprintf("this %s may wrap %s: its operands lie in %s", op.Code, t, ovJoin(args))}
	return r
}

func ovJoin(rs []ovRange) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += " and "
		}
		s += r.String()
	}
	return s
}

// ovInherit marks a result that is the whole of t with the loss of an
// operand, so that a note can say where precision went. A narrower result
// is a true bound whatever its operands lost (x & 255 is in [0, 255] even
// if x may have wrapped).
func ovInherit(r ovRange, t ir.Type, args ...ovRange) ovRange {
	if r.lost != nil || !r.isFull(t) {
		return r
	}
	for _, a := range args {
		if a.lost != nil {
			r.lost = a.lost
			return r
		}
	}
	return r
}

// Checked int64 arithmetic: false when the exact result does not fit.
func ovAdd(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

func ovSub(a, b int64) (int64, bool) {
	d := a - b
	return d, (b >= 0) == (d <= a)
}

func ovMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	hi, lo := bits.Mul64(ovAbs(a), ovAbs(b))
	neg := (a < 0) != (b < 0)
	switch {
	case hi != 0:
		return 0, false
	case neg && lo <= 1<<63:
		return int64(-lo), true // -(1<<63) wraps to MinInt64, which is right
	case !neg && lo <= math.MaxInt64:
		return int64(lo), true
	}
	return 0, false
}

// ovAbs returns |a| as an unsigned number (exact for MinInt64).
func ovAbs(a int64) uint64 {
	if a < 0 {
		return uint64(-a) // -MinInt64 wraps to 1<<63 as uint64
	}
	return uint64(a)
}

// ovCorners returns the smallest and largest of f at the four corners of
// x × y, or false if one of them overflows. It bounds f over the whole
// box when f is monotone in each argument on it.
func ovCorners(x, y ovRange, f func(a, b int64) (int64, bool)) (int64, int64, bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, a := range [2]int64{x.lo, x.hi} {
		for _, b := range [2]int64{y.lo, y.hi} {
			v, ok := f(a, b)
			if !ok {
				return 0, 0, false
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi, true
}

// ovBinary is the transfer function of the two-operand integer ops.
func ovBinary(op *ir.Op, x, y ovRange) ovRange {
	t := op.Results[0].Type
	var r ovRange
	switch op.Code {
	case ir.OpAdd: // exact interval sum; wraps when it leaves t
		lo, ok1 := ovAdd(x.lo, y.lo)
		hi, ok2 := ovAdd(x.hi, y.hi)
		r = ovFit(op, t, lo, hi, ok1 && ok2, x, y)
	case ir.OpSub:
		lo, ok1 := ovSub(x.lo, y.hi)
		hi, ok2 := ovSub(x.hi, y.lo)
		r = ovFit(op, t, lo, hi, ok1 && ok2, x, y)
	case ir.OpMul:
		r = ovMulRange(op, t, x, y)
	case ir.OpDiv:
		r = ovDiv(t, x, y)
	case ir.OpRem:
		r = ovRem(t, x, y)
	case ir.OpShl, ir.OpShrS, ir.OpShrU:
		r = ovShift(op, t, x, y)
	case ir.OpAnd, ir.OpOr, ir.OpXor:
		r = ovBitwise(op.Code, t, x, y)
	case ir.OpMin: // min is monotone in both operands
		r = ovRange{lo: min(x.lo, y.lo), hi: min(x.hi, y.hi)}
	case ir.OpMax:
		r = ovRange{lo: max(x.lo, y.lo), hi: max(x.hi, y.hi)}
	default:
		r = ovFull(t)
	}
	return ovInherit(r, t, x, y)
}

// ovMulRange: a product is monotone in each factor for a fixed sign of the
// other, so its extremes are at the corners. x * x is a square: never
// negative.
func ovMulRange(op *ir.Op, t ir.Type, x, y ovRange) ovRange {
	if op.Args[0] == op.Args[1] {
		a, ok1 := ovMul(x.lo, x.lo)
		b, ok2 := ovMul(x.hi, x.hi)
		lo := min(a, b)
		if x.lo <= 0 && x.hi >= 0 {
			lo = 0
		}
		return ovFit(op, t, lo, max(a, b), ok1 && ok2, x, y)
	}
	lo, hi, ok := ovCorners(x, y, ovMul)
	return ovFit(op, t, lo, hi, ok, x, y)
}

// ovDiv: truncating division. A zero divisor, and MinInt / -1, fault at run
// time, so only the nonzero parts of the divisor's range matter. On each
// sign of the divisor the quotient is monotone in each operand, so its
// extremes are at the corners. |x / y| <= |x|, so the result fits t except
// for MinInt / -1, which faults.
func ovDiv(t ir.Type, x, y ovRange) ovRange {
	var parts []ovRange
	if y.lo <= -1 {
		parts = append(parts, ovRange{lo: y.lo, hi: min(y.hi, -1)})
	}
	if y.hi >= 1 {
		parts = append(parts, ovRange{lo: max(y.lo, 1), hi: y.hi})
	}
	if len(parts) == 0 {
		return ovFull(t) // always divides by zero: never produces a value
	}
	quo := func(a, b int64) (int64, bool) {
		if a == math.MinInt64 && b == -1 { // 2^63: faults at run time, but bounds its neighbours
			return math.MaxInt64, true
		}
		return a / b, true
	}
	r := ovRange{lo: math.MaxInt64, hi: math.MinInt64}
	for _, p := range parts {
		lo, hi, _ := ovCorners(x, p, quo)
		r = ovRange{lo: min(r.lo, lo), hi: max(r.hi, hi)}
	}
	return ovRange{lo: max(r.lo, t.MinInt()), hi: min(r.hi, t.MaxInt())}
}

// ovRem: the remainder has the sign of the dividend, and |x % y| < |y| and
// |x % y| <= |x|; when 0 <= x < |y| for every y, x % y = x.
func ovRem(t ir.Type, x, y ovRange) ovRange {
	if y.lo == 0 && y.hi == 0 {
		return ovFull(t)
	}
	// m1 = max |y| - 1, over the nonzero divisors.
	m1 := int64(math.MaxInt64)
	if y.lo != math.MinInt64 {
		m1 = max(-y.lo, y.hi) - 1
	}
	if minAbs, ok := ovMinAbs(y); ok && x.lo >= 0 && x.hi < minAbs {
		return x
	}
	lo, hi := int64(0), int64(0)
	if x.lo < 0 {
		lo = max(x.lo, -m1)
	}
	if x.hi > 0 {
		hi = min(x.hi, m1)
	}
	return ovRange{lo: lo, hi: hi}
}

// ovMinAbs returns the smallest |y| over y's range when it excludes 0.
func ovMinAbs(y ovRange) (int64, bool) {
	switch {
	case y.lo > 0:
		return y.lo, true
	case y.hi < 0 && y.hi != math.MinInt64:
		return -y.hi, true
	}
	return 0, false
}

// ovShift: the amount is read as an unsigned number, and amounts >= the
// width fault at run time (so do negative ones, which read as huge), so
// only amounts in [0, width) matter.
func ovShift(op *ir.Op, t ir.Type, x, s ovRange) ovRange {
	s0, s1 := max(s.lo, 0), min(s.hi, int64(t.Bits)-1)
	if s0 > s1 {
		return ovFull(t) // always faults
	}
	sh := ovRange{lo: s0, hi: s1}
	switch {
	case op.Code == ir.OpShl: // x·2^s: monotone in x, and in s for each sign of x
		lo, hi, ok := ovCorners(x, sh, func(a, b int64) (int64, bool) {
			v := a << uint(b)
			return v, v>>uint(b) == a
		})
		return ovFit(op, t, lo, hi, ok, x, s)
	case op.Code == ir.OpShrS || x.lo >= 0: // floor(x / 2^s): the same monotony
		lo, hi, _ := ovCorners(x, sh, func(a, b int64) (int64, bool) { return a >> uint(b), true })
		return ovRange{lo: lo, hi: hi}
	}
	return ovShrU(t, x, s0, s1)
}

// ovShrU bounds a logical shift of a possibly negative x: by 0 it is x; by
// s >= 1 it shifts the zero-extended bit pattern (x + 2^w for negative x),
// which gives a value in [0, 2^(w-1)), monotone in the pattern and in s.
func ovShrU(t ir.Type, x ovRange, s0, s1 int64) ovRange {
	r := ovRange{lo: math.MaxInt64, hi: math.MinInt64}
	add := func(lo, hi int64) { r = ovRange{lo: min(r.lo, lo), hi: max(r.hi, hi)} }
	if s0 == 0 {
		add(x.lo, x.hi)
	}
	if s1 == 0 {
		return r
	}
	a := uint(max(s0, 1))
	mask := ^uint64(0) >> (64 - uint(t.Bits))
	pattern := func(v int64) uint64 { return uint64(v) & mask }
	if x.hi >= 0 { // the nonnegative part
		add(int64(pattern(max(x.lo, 0))>>uint(s1)), int64(pattern(x.hi)>>a))
	}
	// the negative part: patterns from x.lo to min(x.hi, -1)
	add(int64(pattern(x.lo)>>uint(s1)), int64(pattern(min(x.hi, -1))>>a))
	return r
}

// ovBitwise bounds and, or, xor. If both operands lie in [-2^k, 2^k) they
// agree with their sign above bit k, and so does the result. Sharper: and
// with a nonnegative operand is in [0, that operand]; or of nonnegatives is
// at least each operand and at most their sum and 2^bitlen - 1; or with a
// negative operand stays negative and is at least it.
func ovBitwise(code ir.Opcode, t ir.Type, x, y ovRange) ovRange {
	k := max(ovBitLen(x.lo), ovBitLen(x.hi), ovBitLen(y.lo), ovBitLen(y.hi))
	generic := ovFull(t)
	if k < 63 {
		generic = ovRange{lo: -1 << k, hi: 1<<k - 1}
	}
	nonneg := x.lo >= 0 && y.lo >= 0
	switch code {
	case ir.OpAnd:
		switch {
		case nonneg:
			return ovRange{lo: 0, hi: min(x.hi, y.hi)}
		case x.lo >= 0:
			return ovRange{lo: 0, hi: x.hi}
		case y.lo >= 0:
			return ovRange{lo: 0, hi: y.hi}
		case x.hi < 0 && y.hi < 0: // both negative: x & y <= min(x, y)
			return ovRange{lo: generic.lo, hi: min(x.hi, y.hi)}
		}
		return ovRange{lo: generic.lo, hi: max(x.hi, y.hi)}
	case ir.OpOr:
		switch {
		case nonneg:
			hi := generic.hi
			if s, ok := ovAdd(x.hi, y.hi); ok {
				hi = min(hi, s)
			}
			return ovRange{lo: max(x.lo, y.lo), hi: hi}
		case x.hi < 0 && y.hi < 0:
			return ovRange{lo: max(x.lo, y.lo), hi: -1}
		case x.hi < 0:
			return ovRange{lo: x.lo, hi: -1}
		case y.hi < 0:
			return ovRange{lo: y.lo, hi: -1}
		}
	case ir.OpXor:
		if nonneg {
			return ovRange{lo: 0, hi: generic.hi}
		}
	}
	return generic
}

// ovBitLen returns the number of bits below the sign: the smallest k with
// v in [-2^k, 2^k).
func ovBitLen(v int64) int {
	if v < 0 {
		v = ^v
	}
	return bits.Len64(uint64(v))
}

// ovCast bounds an integer-to-integer conversion. Widening sign-extends and
// keeps the value (i1 zero-extends: true, -1 in the frame, becomes 1);
// narrowing keeps the value when it fits and otherwise truncates, which
// gives any value of the target type. A truncation is how the language
// sign-extends packed codes (nib as i4), so it is not a loss of tracking.
func ovCast(from, to ir.Type, x ovRange) ovRange {
	if from == ir.I1 {
		return ovRange{lo: -x.hi, hi: -x.lo}
	}
	if x.lo >= to.MinInt() && x.hi <= to.MaxInt() {
		return x
	}
	return ovInherit(ovFull(to), to, x)
}
