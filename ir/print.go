package ir

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Print writes m in q35c's IR text form. The output is deterministic: values
// are named in program order from their source names.
func Print(w io.Writer, m *Module) {
	fmt.Fprintf(w, "// q35c IR for %q\n", m.Name)
	for _, f := range m.Funcs {
		fmt.Fprintln(w)
		PrintFunc(w, f)
	}
}

// String returns m's text form.
func (m *Module) String() string {
	var b strings.Builder
	Print(&b, m)
	return b.String()
}

// PrintFunc writes one function.
func PrintFunc(w io.Writer, f *Func) {
	p := &printer{w: w, n: NewNamer()}
	var params []string
	for _, b := range f.Params {
		p.n.Reserve("%" + b.Name)
		params = append(params, fmt.Sprintf("%%%s: %s %s", b.Name, b.Kind, BufferType(b)))
	}
	reserveTables(p.n, f)
	fmt.Fprintf(w, "func @%s(%s) {\n", f.Name, strings.Join(params, ", "))
	p.tables(f)
	p.block(f.Body, 1)
	fmt.Fprintln(w, "}")
}

// BufferType spells a buffer's type as in the source: f32[4, 16].
func BufferType(b *Buffer) string {
	dims := make([]string, len(b.Shape))
	for i, d := range b.Shape {
		dims[i] = strconv.FormatInt(d, 10)
	}
	return fmt.Sprintf("%s[%s]", b.Elem, strings.Join(dims, ", "))
}

type printer struct {
	w io.Writer
	n *Namer
}

func (p *printer) block(b *Block, depth int) {
	for _, op := range b.Ops {
		p.op(op, depth)
	}
}

func (p *printer) names(vs []*Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = p.n.Name(v)
	}
	return strings.Join(s, ", ")
}

func (p *printer) op(op *Op, depth int) {
	ind := strings.Repeat("  ", depth)
	switch op.Code {
	case OpConst:
		r := op.Result()
		fmt.Fprintf(p.w, "%s%s = const %s : %s\n", ind, p.n.Name(r), FormatConst(r.Type, op.Bits), r.Type)
	case OpCmp:
		fmt.Fprintf(p.w, "%s%s = cmp %s %s : %s\n", ind, p.n.Name(op.Result()), op.Pred, p.names(op.Args), op.Args[0].Type)
	case OpCast:
		fmt.Fprintf(p.w, "%s%s = cast %s : %s to %s\n", ind, p.n.Name(op.Result()), p.n.Name(op.Args[0]), op.Args[0].Type, op.Result().Type)
	case OpLoad:
		load := "load"
		if op.Raw {
			load = "load.byte"
		}
		fmt.Fprintf(p.w, "%s%s = %s %%%s[%s] : %s\n", ind, p.n.Name(op.Result()), load, op.Buf.Name, p.subscripts(op.Index), op.Result().Type)
	case OpStore:
		fmt.Fprintf(p.w, "%sstore %s, %%%s[%s] : %s\n", ind, p.n.Name(op.Args[0]), op.Buf.Name, p.subscripts(op.Index), op.Args[0].Type)
	case OpYield:
		if len(op.Args) == 0 {
			fmt.Fprintf(p.w, "%syield\n", ind)
		} else {
			fmt.Fprintf(p.w, "%syield %s\n", ind, p.names(op.Args))
		}
	case OpFor:
		p.loop(op, depth)
	default:
		fmt.Fprintf(p.w, "%s%s = %s %s : %s\n", ind, p.names(op.Results), op.Code, p.names(op.Args), op.Result().Type)
	}
}

func (p *printer) loop(op *Op, depth int) {
	ind := strings.Repeat("  ", depth)
	l := op.Loop
	res := ""
	if len(op.Results) > 0 {
		res = p.names(op.Results) + " = "
	}
	fmt.Fprintf(p.w, "%s%sfor %s = %s to %s", ind, res, p.n.Name(l.IV), p.bound("max", l.Lower), p.bound("min", l.Upper))
	if l.Step != 1 {
		fmt.Fprintf(p.w, " step %d", l.Step)
	}
	if len(l.IterArgs) > 0 {
		var its, tys []string
		for i, a := range l.IterArgs {
			its = append(its, p.n.Name(a)+" = "+p.n.Name(op.Args[i]))
			tys = append(tys, a.Type.String())
		}
		fmt.Fprintf(p.w, " iter(%s) -> (%s)", strings.Join(its, ", "), strings.Join(tys, ", "))
	}
	if l.Parallel {
		fmt.Fprint(p.w, " parallel")
	}
	if l.Vector > 1 {
		fmt.Fprintf(p.w, " vector %d", l.Vector)
	}
	if l.Dot {
		fmt.Fprint(p.w, " dot")
	}
	fmt.Fprintln(p.w, " {")
	p.block(l.Body, depth+1)
	fmt.Fprintf(p.w, "%s}\n", ind)
}

func (p *printer) bound(fn string, es []*Expr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Format(p.n.Name)
	}
	if len(s) == 1 {
		return s[0]
	}
	return fn + "(" + strings.Join(s, ", ") + ")"
}

func (p *printer) subscripts(idx []Subscript) string {
	s := make([]string, len(idx))
	for i, x := range idx {
		if x.Affine != nil {
			s[i] = x.Affine.Format(p.n.Name)
		} else {
			s[i] = p.n.Name(x.Dyn)
		}
	}
	return strings.Join(s, ", ")
}

// FormatConst spells a constant's bits of type t: integers in decimal,
// floats in the shortest decimal that parses back to the same bits through
// a float64 (as MLIR's parser does), else as a hexadecimal bit pattern.
func FormatConst(t Type, bits uint64) string {
	switch {
	case t.IsIntLike():
		return strconv.FormatInt(int64(bits), 10)
	case t == F32:
		f := math.Float32frombits(uint32(bits))
		if s := strconv.FormatFloat(float64(f), 'e', -1, 32); !math.IsInf(float64(f), 0) && !math.IsNaN(float64(f)) {
			if v, err := strconv.ParseFloat(s, 64); err == nil && math.Float32bits(float32(v)) == uint32(bits) {
				return withPoint(s)
			}
		}
		return fmt.Sprintf("0x%08X", uint32(bits))
	case t == F16:
		f := F16ToF32(uint16(bits))
		if !math.IsInf(float64(f), 0) && !math.IsNaN(float64(f)) {
			for prec := 1; prec <= 9; prec++ {
				s := strconv.FormatFloat(float64(f), 'e', prec, 32)
				if v, err := strconv.ParseFloat(s, 64); err == nil && F32ToF16(float32(v)) == uint16(bits) && float64(float32(v)) == v {
					return withPoint(s)
				}
			}
		}
		return fmt.Sprintf("0x%04X", uint16(bits))
	}
	return fmt.Sprintf("0x%X", bits)
}

// withPoint makes sure a float in exponent form has a decimal point
// ("1e+00" -> "1.0e+00"), which MLIR's lexer needs to see a float.
func withPoint(s string) string {
	if strings.Contains(s, ".") {
		return s
	}
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}
