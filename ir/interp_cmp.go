package ir

// cmp compiles a comparison; the i1 result is -1 (true) or 0 in the frame.
func (c *compiler) cmp(op *Op) step {
	if op.Args[0].Type.IsFloat() {
		return c.floatCmp(op)
	}
	s, d, a, b := c.operands(op)
	switch op.Pred { // integers are sign-extended, so int64 order is signed order
	case PredEq:
		return func() error { s[d] = b2i(s[a] == s[b]); return nil }
	case PredNe:
		return func() error { s[d] = b2i(s[a] != s[b]); return nil }
	case PredLt:
		return func() error { s[d] = b2i(s[a] < s[b]); return nil }
	case PredLe:
		return func() error { s[d] = b2i(s[a] <= s[b]); return nil }
	case PredGt:
		return func() error { s[d] = b2i(s[a] > s[b]); return nil }
	}
	return func() error { s[d] = b2i(s[a] >= s[b]); return nil }
}

// floatCmp compiles ordered float comparisons (false on NaN), except Ne,
// which is unordered-or-not-equal (true on NaN), as Go's operators are.
func (c *compiler) floatCmp(op *Op) step {
	s, d, a, b := c.operands(op)
	pred := floatPreds[op.Pred]
	if op.Args[0].Type == F16 {
		return func() error { s[d] = b2i(pred(f16(s[a]), f16(s[b]))); return nil }
	}
	return func() error { s[d] = b2i(pred(f32(s[a]), f32(s[b]))); return nil }
}

var floatPreds = [...]func(x, y float32) bool{
	PredEq: func(x, y float32) bool { return x == y },
	PredNe: func(x, y float32) bool { return x != y },
	PredLt: func(x, y float32) bool { return x < y },
	PredLe: func(x, y float32) bool { return x <= y },
	PredGt: func(x, y float32) bool { return x > y },
	PredGe: func(x, y float32) bool { return x >= y },
}

// b2i returns the frame form of an i1.
func b2i(b bool) int64 {
	if b {
		return -1
	}
	return 0
}
