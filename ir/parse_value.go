package ir

import (
	"math"
	"strconv"
	"strings"
)

// The parser of loops, affine expressions, value names and constants.

// loopHead is what a loop's first line says, before its values exist.
type loopHead struct {
	op    *Op
	res   []namedTok // the results
	iv    namedTok
	its   []namedTok // the iteration arguments
	types []Type     // their types
}

// namedTok is a defined value's spelling and the name hint it stands for.
type namedTok struct {
	tok  token
	hint string
}

// loop parses "[results =] for %iv = LB to UB [step S] [iter(...) -> (...)]
// [parallel] [vector N] [dot] { body }" from the keyword for.
func (fp *funcParser) loop(start int, res []token, depth int) (*Op, error) {
	fp.next()
	h := &loopHead{op: &Op{Code: OpFor, Pos: fp.pos(start), Loop: &Loop{Step: 1, Body: &Block{}}}}
	// The printer names the results, then the induction variable, then
	// each iteration argument: replay that order.
	var err error
	if h.res, err = fp.hints(res); err != nil {
		return nil, err
	}
	if err := fp.header(h); err != nil {
		return nil, err
	}
	if len(h.res) != len(h.its) {
		return nil, fp.failAt(start, "the loop has %d results and %d iteration arguments, want as many", len(h.res), len(h.its))
	}
	if err := fp.markers(h.op.Loop); err != nil {
		return nil, err
	}
	return h.op, fp.loopBody(h, depth)
}

// header parses "%iv = LB to UB [step S] [iter(...) -> (...)]".
func (fp *funcParser) header(h *loopHead) error {
	l := h.op.Loop
	ivs, err := fp.defs("an induction variable (%name)")
	if err != nil {
		return err
	}
	h.iv = ivs[0]
	if err := fp.want("="); err != nil {
		return err
	}
	if l.Lower, err = fp.bound("max"); err != nil {
		return err
	}
	if err := fp.want("to"); err != nil {
		return err
	}
	if l.Upper, err = fp.bound("min"); err != nil {
		return err
	}
	if fp.accept("step") {
		if l.Step, err = fp.int64("a step"); err != nil {
			return err
		}
	}
	return fp.iter(h)
}

// defs parses the spelling of one new value and returns it with its hint.
func (fp *funcParser) defs(what string) ([]namedTok, error) {
	t, err := fp.take(tValue, what)
	if err != nil {
		return nil, err
	}
	return fp.hints([]token{t})
}

// iter parses "iter(%a = %init, ...) -> (T, ...)": the iteration
// arguments into h, their initial values into h.op.Args.
func (fp *funcParser) iter(h *loopHead) error {
	if !fp.accept("iter") {
		return nil
	}
	err := fp.list("(", ")", func() error {
		it, err := fp.defs("an iteration argument (%name)")
		if err != nil {
			return err
		}
		h.its = append(h.its, it[0])
		if err := fp.want("="); err != nil {
			return err
		}
		v, err := fp.use()
		h.op.Args = append(h.op.Args, v)
		return err
	})
	if err != nil {
		return err
	}
	if err := fp.want("->"); err != nil {
		return err
	}
	at := fp.tok.off
	err = fp.list("(", ")", func() error {
		t, err := fp.typ()
		h.types = append(h.types, t)
		return err
	})
	if err == nil && len(h.types) != len(h.its) {
		err = fp.failAt(at, "expected one type per iteration argument (%d), found %d", len(h.its), len(h.types))
	}
	return err
}

// markers parses "[parallel] [vector N] [dot]".
func (fp *funcParser) markers(l *Loop) error {
	for {
		switch {
		case fp.accept("parallel"):
			l.Parallel = true
		case fp.accept("dot"):
			l.Dot = true
		case fp.accept("vector"):
			n, err := fp.int64("a vector width")
			if err != nil {
				return err
			}
			l.Vector = n
		default:
			return fp.want("{")
		}
	}
}

// loopBody makes the loop's values as Builder.For does (the induction
// variable, then each iteration argument and its result), parses the body
// with the induction variable and iteration arguments in scope, and then
// defines the results after the loop.
func (fp *funcParser) loopBody(h *loopHead, depth int) error {
	op, l := h.op, h.op.Loop
	l.IV = fp.f.NewValue(Index, h.iv.hint)
	l.IV.Def = op
	fp.ivs[l.IV] = true
	scope := map[string]*Value{h.iv.tok.text: l.IV}
	for i, it := range h.its {
		a := fp.f.NewValue(h.types[i], it.hint)
		a.Def = op
		l.IterArgs = append(l.IterArgs, a)
		scope[it.tok.text] = a
		r := fp.f.NewValue(h.types[i], h.res[i].hint)
		r.Def = op
		op.Results = append(op.Results, r)
	}
	fp.scopes = append(fp.scopes, scope)
	err := fp.block(l.Body, depth+1)
	fp.scopes = fp.scopes[:len(fp.scopes)-1]
	for i, r := range op.Results {
		fp.define(h.res[i].tok.text, r)
	}
	return err
}

// bound parses one expression or fn(e, ...).
func (fp *funcParser) bound(fn string) ([]*Expr, error) {
	if !fp.accept(fn) {
		e, err := fp.expr(0)
		return []*Expr{e}, err
	}
	es := []*Expr{}
	err := fp.list("(", ")", func() error {
		e, err := fp.expr(0)
		es = append(es, e)
		return err
	})
	return es, err
}

// expr parses a sum of affine terms, left to right: "a + b - 3". The
// nodes are built as written, without folding, so they print back alike.
func (fp *funcParser) expr(depth int) (*Expr, error) {
	if depth > maxDepth {
		return nil, fp.fail("parentheses nested more than %d deep", maxDepth)
	}
	l, err := fp.term(depth)
	for err == nil {
		switch {
		case fp.accept("+"):
			var r *Expr
			r, err = fp.term(depth)
			l = &Expr{Kind: ExprAdd, L: l, R: r}
		case fp.accept("-"):
			var c int64
			c, err = fp.int64("an integer")
			l = &Expr{Kind: ExprAdd, L: l, R: Const(-c)}
		default:
			return l, nil
		}
	}
	return nil, err
}

var termOps = map[string]ExprKind{"*": ExprMul, "floordiv": ExprFloorDiv, "mod": ExprMod}

// term parses a primary times, floordiv or mod constants.
func (fp *funcParser) term(depth int) (*Expr, error) {
	l, err := fp.primary(depth)
	for err == nil {
		k, ok := termOps[fp.tok.text]
		if !ok || fp.tok.kind == tValue || fp.tok.kind == tNumber {
			return l, nil
		}
		fp.next()
		var c int64
		c, err = fp.int64("an integer")
		l = &Expr{Kind: k, L: l, R: Const(c)}
	}
	return nil, err
}

// primary parses an integer, a value or a parenthesized sum.
func (fp *funcParser) primary(depth int) (*Expr, error) {
	switch {
	case fp.tok.kind == tNumber:
		c, err := fp.int64("an integer")
		return Const(c), err
	case fp.tok.kind == tValue:
		v, err := fp.use()
		return Dim(v), err
	case fp.accept("("):
		e, err := fp.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		return e, fp.want(")")
	}
	return nil, fp.expected("an affine expression")
}

// use parses a reference to a visible value.
func (fp *funcParser) use() (*Value, error) {
	t, err := fp.take(tValue, "a value (%name)")
	if err != nil {
		return nil, err
	}
	for i := len(fp.scopes) - 1; i >= 0; i-- {
		if v := fp.scopes[i][t.text]; v != nil {
			return v, nil
		}
	}
	if fp.bufs[t.text[1:]] != nil {
		return nil, fp.failAt(t.off, "%s is a buffer, not a value", t.text)
	}
	return nil, fp.failAt(t.off, "%s is not defined here", t.text)
}

func (fp *funcParser) define(spelling string, v *Value) {
	fp.scopes[len(fp.scopes)-1][spelling] = v
}

// hints returns the spellings ts with their name hints, in order.
func (fp *funcParser) hints(ts []token) ([]namedTok, error) {
	out := make([]namedTok, len(ts))
	for i, t := range ts {
		h, err := fp.hint(t)
		if err != nil {
			return nil, err
		}
		out[i] = namedTok{t, h}
	}
	return out, nil
}

// hint returns the name hint of the value the printer spelled t here,
// and records the spelling as taken, as the printer's Namer does.
func (fp *funcParser) hint(t token) (string, error) {
	if fp.namer.used[t.text] {
		return "", fp.failAt(t.off, "%s is already defined in @%s", t.text, fp.f.Name)
	}
	h := nameHint(fp.namer, t.text)
	if got := fp.namer.Name(&Value{Name: h}); got != t.text {
		return "", fp.failAt(t.off, "cannot name a value %s (the printer would write %s)", t.text, got)
	}
	return h, nil
}

// nameHint returns the Value.Name for which n, in its present state,
// spells a value s (an unused spelling): "acc" for %acc.2 when %acc and
// %acc.1 are taken, "" for %7 when %7 is the next free number, else s
// without its '%'.
func nameHint(n *Namer, s string) string {
	name := s[1:]
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if k, ok := decimal(name[i+1:]); ok && k >= 1 && k <= len(n.used) && takenUpTo(n, "%"+name[:i], k) {
			return name[:i]
		}
	}
	if k, ok := decimal(name); ok && k >= n.next && k-n.next <= len(n.used) {
		free := true
		for j := n.next; j < k && free; j++ {
			free = n.used["%"+strconv.Itoa(j)]
		}
		if free {
			return ""
		}
	}
	return name
}

// takenUpTo reports whether base and base.1 to base.(k-1) are all taken.
func takenUpTo(n *Namer, base string, k int) bool {
	if !n.used[base] {
		return false
	}
	for j := 1; j < k; j++ {
		if !n.used[base+"."+strconv.Itoa(j)] {
			return false
		}
	}
	return true
}

// decimal parses a non-negative decimal integer written canonically.
func decimal(s string) (int, bool) {
	k, err := strconv.Atoi(s)
	return k, err == nil && k >= 0 && strconv.Itoa(k) == s
}

// ParseConst returns the bits of a constant of type t spelled s as
// FormatConst spells it: integers in decimal (sign-extended to 64 bits),
// floats in decimal (rounded through float64, as MLIR does) or as their
// hexadecimal bit pattern (0x3F800000).
func ParseConst(t Type, s string) (uint64, bool) {
	if t.IsIntLike() {
		v, err := strconv.ParseInt(s, 10, 64)
		return uint64(v), err == nil
	}
	var size int
	switch t {
	case F32:
		size = 32
	case F16:
		size = 16
	default:
		return 0, false
	}
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := strconv.ParseUint(hex, 16, size)
		return v, err == nil && hex != "" && hex[0] != '+'
	}
	if !strings.ContainsAny(s, ".eE") {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	if t == F16 {
		return uint64(F32ToF16(float32(v))), true
	}
	return uint64(math.Float32bits(float32(v))), true
}
