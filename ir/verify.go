package ir

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/internal/diag"
)

// Verify checks that m is well formed: every function passes VerifyFunc and
// no two functions share a name. It returns nil, or an error listing up to
// diag.MaxErrors problems, one per line, each naming the object at fault and
// saying what was expected.
func Verify(m *Module) error {
	var p problems
	names := map[string]bool{}
	for i, f := range m.Funcs {
		if f == nil {
			p.addf("ir: module %q: func %d is nil", m.Name, i)
			continue
		}
		if names[f.Name] {
			p.addf("ir: func @%s: defined twice in module %q", f.Name, m.Name)
		}
		names[f.Name] = true
		verifyFunc(f, &p)
	}
	return p.err()
}

// VerifyFunc checks that f is well formed: its parameters; each op's
// operand and result counts and types; loads and stores (buffer, rank,
// subscripts, no stores into inputs or packed buffers); loops (step,
// bounds over enclosing induction variables, iteration arguments, a final
// matching yield); and SSA form (each value defined once, with the right
// Def, before every use and in a scope enclosing it). Messages number
// operands from 0.
func VerifyFunc(f *Func) error {
	var p problems
	verifyFunc(f, &p)
	return p.err()
}

func verifyFunc(f *Func, p *problems) {
	v := &verifier{
		f: f, p: p,
		params:  map[*Buffer]bool{},
		visible: map[*Value]bool{},
		defined: map[*Value]bool{},
		ids:     map[int]*Value{},
		ops:     map[*Op]bool{},
	}
	v.checkParams()
	v.checkTables()
	if f.Body == nil {
		v.errf(nil, "has no body")
		return
	}
	v.block(f.Body, nil)
}

// problems collects verifier messages, keeping the first diag.MaxErrors.
type problems struct {
	msgs    []string
	dropped int
}

// count is how many problems were found so far.
func (p *problems) count() int { return len(p.msgs) + p.dropped }

func (p *problems) addf(format string, args ...any) {
	if len(p.msgs) >= diag.MaxErrors {
		p.dropped++
		return
	}
	p.msgs = append(p.msgs, fmt.Sprintf(format, args...))
}

func (p *problems) err() error {
	if len(p.msgs) == 0 {
		return nil
	}
	return &verifyError{msgs: p.msgs, dropped: p.dropped}
}

type verifyError struct {
	msgs    []string
	dropped int
}

func (e *verifyError) Error() string {
	s := strings.Join(e.msgs, "\n")
	if e.dropped > 0 {
		s += fmt.Sprintf("\nir: too many problems (%d more not shown)", e.dropped)
	}
	return s
}

// verifier walks one function in program order, tracking which values are
// visible: those defined earlier in the current block or an enclosing one,
// and the induction variables and iteration arguments of enclosing loops.
type verifier struct {
	f       *Func
	p       *problems
	params  map[*Buffer]bool
	visible map[*Value]bool // defined and in scope here
	defined map[*Value]bool // defined anywhere so far
	ids     map[int]*Value
	ops     map[*Op]bool // ops seen so far (an op must appear once: a loop must not contain itself)
	stack   []*Value     // visible values in definition order, popped per block
	ivs     []*Value     // induction variables of the enclosing loops, innermost last
}

// errf reports a problem with op, or with the function itself when op is nil.
func (v *verifier) errf(op *Op, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if op == nil {
		v.p.addf("ir: func @%s: %s", v.f.Name, msg)
		return
	}
	v.p.addf("ir: func @%s: %s: %s", v.f.Name, opWhere(op), msg)
}

// opWhere names op for messages: "op add at k.q35:3:5".
func opWhere(op *Op) string {
	if op.Pos.IsKnown() {
		return "op " + op.Code.String() + " at " + op.Pos.String()
	}
	return "op " + op.Code.String()
}

// valueName names v for messages: "%acc (v12)" or "v12".
func valueName(v *Value) string {
	if v.Name != "" {
		return fmt.Sprintf("%%%s (v%d)", v.Name, v.ID)
	}
	return fmt.Sprintf("v%d", v.ID)
}

func (v *verifier) checkParams() {
	names := map[string]bool{}
	for i, b := range v.f.Params {
		switch {
		case b == nil:
			v.errf(nil, "param %d is nil", i)
			continue
		case v.params[b]:
			v.errf(nil, "param %d (%%%s) is the same buffer as an earlier param", i, b.Name)
		case b.Name == "":
			v.errf(nil, "param %d has no name", i)
		case names[b.Name]:
			v.errf(nil, "param %%%s is declared twice", b.Name)
		}
		names[b.Name] = true
		v.params[b] = true
		v.checkBuffer(b)
	}
}

// maxElems bounds a buffer's size so that byte offsets never overflow.
const maxElems = 1 << 48

func (v *verifier) checkBuffer(b *Buffer) {
	if !BufferElemOK(b.Elem) {
		v.errf(nil, "param %%%s has element type %s, want one of i4, i8, i16, i32, i64, f16, f32", b.Name, b.Elem)
	}
	if b.Kind != In && b.Kind != Out {
		v.errf(nil, "param %%%s has kind %d, want in or out", b.Name, b.Kind)
	}
	n := int64(1)
	for i, d := range b.Shape {
		if d < 1 {
			v.errf(nil, "param %%%s has dimension %d of size %d, want >= 1", b.Name, i, d)
			return
		}
		if n > maxElems/d {
			v.errf(nil, "param %%%s has more than 2^48 elements", b.Name)
			return
		}
		n *= d
	}
}

// block checks the ops of b; loop is the OpFor whose body b is, or nil.
// Values defined in b stop being visible when it ends.
func (v *verifier) block(b *Block, loop *Op) {
	mark := len(v.stack)
	for i, op := range b.Ops {
		if op == nil {
			v.errf(nil, "nil op")
			continue
		}
		if v.ops[op] {
			v.errf(op, "appears more than once in the function")
			continue
		}
		v.ops[op] = true
		if op.Code == OpYield && (loop == nil || i != len(b.Ops)-1) {
			v.errf(op, "yield may only be the last op of a loop body")
		}
		v.op(op)
	}
	if loop != nil && (len(b.Ops) == 0 || b.Ops[len(b.Ops)-1] == nil || b.Ops[len(b.Ops)-1].Code != OpYield) {
		v.errf(loop, "body does not end with yield")
	}
	v.pop(mark)
}

func (v *verifier) pop(mark int) {
	for _, x := range v.stack[mark:] {
		delete(v.visible, x)
	}
	v.stack = v.stack[:mark]
}

// use checks that operand x (described by what) is visible.
func (v *verifier) use(op *Op, x *Value, what string) bool {
	switch {
	case x == nil:
		v.errf(op, "%s is nil", what)
	case v.visible[x]:
		return true
	case v.defined[x]:
		v.errf(op, "%s %s is defined in a loop body that does not enclose this use", what, valueName(x))
	default:
		v.errf(op, "%s %s is not defined before this use", what, valueName(x))
	}
	return false
}

// define makes x, defined by op, visible; it checks x's Def, uniqueness and type.
func (v *verifier) define(op *Op, x *Value, what string) {
	if x == nil {
		v.errf(op, "%s is nil", what)
		return
	}
	switch {
	case x.Def != op:
		v.errf(op, "%s %s has Def set to another op, want this one", what, valueName(x))
	case v.defined[x]:
		v.errf(op, "%s %s is defined twice", what, valueName(x))
	case v.ids[x.ID] != nil:
		v.errf(op, "%s %s has the ID of another value", what, valueName(x))
	}
	if !validType(x.Type) {
		v.errf(op, "%s %s has invalid type %s", what, valueName(x), x.Type)
	}
	v.defined[x] = true
	v.ids[x.ID] = x
	v.visible[x] = true
	v.stack = append(v.stack, x)
}

func validType(t Type) bool {
	switch t {
	case I1, I3, I4, I8, I16, I32, I64, F16, F32, Index:
		return true
	}
	return false
}
