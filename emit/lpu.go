package emit

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/q35c/q35c/ir"
)

// LPU writes the LPU programs of one source file (one per kernel, from
// passes.LowerLPU) as one MLIR module in an `lpu` dialect, in MLIR's
// generic op syntax, so that `mlir-opt --allow-unregistered-dialect`
// parses it without knowing the dialect:
//
//   - the module's lpu.target attribute is the chip (ir.LPUTarget, with
//     its JSON field names);
//   - before each kernel, one "lpu.sram" op per buffer gives its place in
//     SRAM (ir.SRAMBuffer);
//   - each kernel is a func.func: the vector unit's code as --emit mlir
//     writes it, its stream buffers marked {lpu.stream}, and each matmul an
//     "lpu.matmul" op right before the top-level op it runs before, so the
//     order of the program shows. Its operands are the buffers the matrix
//     unit reads, then its stream buffer; its region holds one "lpu.chunk"
//     per ir.DotChunk and one "lpu.tile" per ir.LPUTile.
//
// A chunk's windows are affine maps from the matmul's loop indices (d_i:
// loop i's IV is lower_i + d_i × step_i) to the window's first storage
// byte. Per-lane arrays hold the chunk's lanes only; the piece arrays hold
// piece p of lane l at p × lanes + l. The output is deterministic.
func LPU(w io.Writer, progs []*ir.LPUProgram, source string) error {
	var buf bytes.Buffer
	if len(progs) == 0 {
		fmt.Fprintf(&buf, "// LPU program emitted by q35c for %q: no kernels\nmodule {\n}\n", source)
		_, err := w.Write(buf.Bytes())
		return err
	}
	t := progs[0].Target
	for _, p := range progs[1:] {
		if !reflect.DeepEqual(p.Target, t) {
			return fmt.Errorf("emit: the kernels of %s are lowered for different targets", source)
		}
	}
	fmt.Fprintf(&buf, "// LPU program emitted by q35c for %q: target %s, dataflow %s\n", source, t.Name, dataflows(progs))
	fmt.Fprintf(&buf, "module attributes {lpu.target = %s} {\n", targetAttr(t))
	for _, p := range progs {
		if err := emitLPUProgram(&buf, p); err != nil {
			return err
		}
	}
	buf.WriteString("}\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// dataflows spells the programs' dataflows: one, or each kernel's.
func dataflows(progs []*ir.LPUProgram) string {
	var each []string
	same := true
	for _, p := range progs {
		each = append(each, p.Func.Name+" "+p.Dataflow)
		same = same && p.Dataflow == progs[0].Dataflow
	}
	if same {
		return progs[0].Dataflow
	}
	return strings.Join(each, ", ")
}

// emitLPUProgram writes one kernel's SRAM placement and its func.func,
// indented inside the module.
func emitLPUProgram(out *bytes.Buffer, p *ir.LPUProgram) error {
	f := p.Func
	var buf bytes.Buffer
	buf.WriteByte('\n')
	for _, s := range p.SRAM {
		fmt.Fprintf(&buf, "\"lpu.sram\"() {kernel = %s, buffer = %s, kind = %s, offset = %s, bytes = %s, first_bank = %s, last_bank = %s} : () -> ()\n",
			quote(f.Name), quote(s.Name), quote(s.Kind), attrI64(s.Offset), attrI64(s.Bytes), attrI64(s.FirstBank), attrI64(s.LastBank))
	}
	if len(p.SRAM) > 0 {
		buf.WriteByte('\n')
	}
	byBefore := map[int][]*ir.LPUMatmul{}
	for i, mm := range p.Matmuls {
		if j := p.Kernel + i; j >= len(f.Params) || mm.Sums != f.Params[j] {
			return fmt.Errorf("%s: emit: matmul %d's stream buffer is not parameter %d of %s", mm.Pos, i, p.Kernel+i, f.Name)
		}
		b := min(max(mm.Before, 0), len(f.Body.Ops))
		byBefore[b] = append(byBefore[b], mm)
	}
	h := funcHooks{
		paramAttrs: func(i int) string {
			if i >= p.Kernel {
				return "{lpu.stream}"
			}
			return ""
		},
		attrs: fmt.Sprintf("{lpu.dataflow = %s, lpu.sram_bytes = %s}", quote(p.Dataflow), attrI64(p.SRAMBytes)),
		before: func(e *emitter, i int) {
			for _, mm := range byBefore[i] {
				emitMatmul(e, mm, p.Dataflow)
			}
		},
		noGuards: true,
	}
	if err := emitFuncWith(&buf, f, Options{}, h); err != nil {
		return err
	}
	for _, l := range strings.SplitAfter(buf.String(), "\n") {
		if l != "\n" && l != "" {
			out.WriteString("  ")
		}
		out.WriteString(l)
	}
	return nil
}

// emitMatmul writes one "lpu.matmul" op and its region.
func emitMatmul(e *emitter, mm *ir.LPUMatmul, dataflow string) {
	var bufs []*ir.Buffer
	index := map[*ir.Buffer]bool{}
	for _, c := range mm.Plan.Chunks {
		for _, b := range []*ir.Buffer{c.Codes.Buf, c.Acts.Buf} {
			if !index[b] {
				index[b] = true
				bufs = append(bufs, b)
			}
		}
	}
	bufs = append(bufs, mm.Sums)
	operands := make([]string, len(bufs))
	typs := make([]string, len(bufs))
	for i, b := range bufs {
		operands[i] = "%" + b.Name
		t, err := memRefType(b)
		if err != nil {
			e.failf(mm.Pos, "%v", err)
		}
		typs[i] = t
	}
	e.line(nopos, "\"lpu.matmul\"(%s) ({", strings.Join(operands, ", "))
	e.depth++
	for i, c := range mm.Plan.Chunks {
		e.line(nopos, "\"lpu.chunk\"() {%s} : () -> ()", chunkAttrs(e, mm, i, c))
	}
	for _, t := range mm.Tiles {
		e.line(nopos, "\"lpu.tile\"() {plane = %s, k = %s, n = %s, m = %s} : () -> ()",
			attrI64(t.Plane), attrI64s(t.K0, t.K1), attrI64s(t.N0, t.N1), attrI64s(t.M0, t.M1))
	}
	e.depth--
	e.line(mm.Pos, "}) {dataflow = %s, group_k = %s, groups = %s, n = %s, m = %s, jam_rows = %s, lanes = %s, loops = %s} : (%s) -> ()",
		quote(dataflow), attrI64(mm.GroupK), attrI64(mm.Groups), attrI64(mm.N), attrI64(mm.M), attrI64(mm.JamRows), attrI64(mm.Lanes),
		loopsAttr(mm.Loops), strings.Join(typs, ", "))
}

// chunkAttrs spells chunk i of mm's attribute dictionary's entries.
func chunkAttrs(e *emitter, mm *ir.LPUMatmul, i int, c *ir.DotChunk) string {
	lanes := c.Lanes
	codes, err := windowMap(mm.Loops, c.Codes.Base)
	if err != nil {
		e.failf(mm.Pos, "chunk %d's codes: %v", i, err)
	}
	acts, err := windowMap(mm.Loops, c.Acts.Base)
	if err != nil {
		e.failf(mm.Pos, "chunk %d's activations: %v", i, err)
	}
	var pb, ps, pl, pd []int64
	for _, piece := range c.Pieces {
		for _, x := range piece[:lanes] {
			pb, ps, pl, pd = append(pb, x.Byte), append(ps, int64(x.Shift)), append(pl, int64(x.Len)), append(pd, int64(x.Dst))
		}
	}
	attrs := []string{
		"acc = " + attrI64(int64(c.Acc)),
		"codes_buf = " + quote(c.Codes.Buf.Name), "codes = " + codes, "codes_len = " + attrI64(c.Codes.Len),
		"acts_buf = " + quote(c.Acts.Buf.Name), "acts = " + acts, "acts_len = " + attrI64(c.Acts.Len),
		"lanes = " + attrI64(int64(lanes)),
	}
	if i < len(mm.Column) && i < len(mm.Row) {
		attrs = append(attrs, "column = "+attrI64(mm.Column[i]), "row = "+attrI64(mm.Row[i]))
	}
	attrs = append(attrs,
		"act = "+attrI64s(c.Act[:lanes]...), "flip = "+attrU8s(c.Flip[:lanes]), "bias = "+attrU8s(c.Bias[:lanes]),
		"pieces = "+attrI64(int64(len(c.Pieces))),
		"piece_byte = "+attrI64s(pb...), "piece_shift = "+attrI64s(ps...), "piece_len = "+attrI64s(pl...), "piece_dst = "+attrI64s(pd...))
	return strings.Join(attrs, ", ")
}

// windowMap spells base, an expression over the loops' IVs, as an affine
// map over the loops' indices: IV_i = Lower_i + d_i × Step_i.
func windowMap(loops []ir.LPULoop, base *ir.Expr) (string, error) {
	dims := make([]string, len(loops))
	idx := make([]*ir.Expr, len(loops))
	at := map[*ir.Value]int{}
	for i, l := range loops {
		dims[i] = fmt.Sprintf("d%d", i)
		idx[i] = ir.Dim(&ir.Value{Type: ir.Index, Name: dims[i]})
		at[l.IV] = i
	}
	var bad *ir.Value
	x := base.Substitute(func(v *ir.Value) *ir.Expr {
		i, ok := at[v]
		if !ok {
			bad = v
			return ir.Const(0)
		}
		return ir.Add(ir.Mul(idx[i], loops[i].Step), ir.Const(loops[i].Lower))
	})
	if bad != nil {
		return "", fmt.Errorf("the window's offset uses %s, which is not a loop of the matmul", bad.Name)
	}
	return fmt.Sprintf("affine_map<(%s) -> (%s)>", strings.Join(dims, ", "), x.Format(func(v *ir.Value) string { return v.Name })), nil
}

// loopsAttr spells the matmul's loops as an array of dictionaries.
func loopsAttr(loops []ir.LPULoop) string {
	s := make([]string, len(loops))
	for i, l := range loops {
		s[i] = fmt.Sprintf("{iv = %s, class = %s, lower = %s, step = %s, trip = %s}",
			quote(l.IV.Name), quote(l.Class.String()), attrI64(l.Lower), attrI64(l.Step), attrI64(l.Trip))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// targetAttr spells the target as a dictionary with its JSON names.
func targetAttr(t *ir.LPUTarget) string {
	m, v, l := t.Matrix, t.Vector, t.Links
	attrs := []string{
		"name = " + quote(t.Name),
		"clock_mhz = " + attrF64(t.ClockMHz),
		fmt.Sprintf("sram = {bytes = %s, banks = %s, bandwidth_bytes_per_s = %s}", attrI64(t.SRAM.Bytes), attrI64(t.SRAM.Banks), attrF64(t.SRAM.BandwidthBytesPerS)),
		fmt.Sprintf("matrix = {planes = %s, rows = %s, cols = %s, operand_bits = %s, accumulator_bits = %s}",
			attrI64(m.Planes), attrI64(m.Rows), attrI64(m.Cols), attrI64(m.OperandBits), attrI64(m.AccumulatorBits)),
		fmt.Sprintf("vector = {lanes = %s}", attrI64(v.Lanes)),
		fmt.Sprintf("links = {count = %s, bandwidth_bytes_per_s = %s, latency_ns = %s}", attrI64(l.Count), attrF64(l.BandwidthBytesPerS), attrF64(l.LatencyNs)),
		"peak_int8_tops = " + attrF64(t.PeakINT8TOPS),
	}
	if len(t.Notes) > 0 {
		notes := make([]string, len(t.Notes))
		for i, n := range t.Notes {
			notes[i] = quote(n)
		}
		attrs = append(attrs, "notes = ["+strings.Join(notes, ", ")+"]")
	}
	return "{" + strings.Join(attrs, ", ") + "}"
}

// attrI64 spells an i64 integer attribute.
func attrI64(x int64) string { return strconv.FormatInt(x, 10) + " : i64" }

// attrI64s spells a dense i64 array attribute: array<i64: 1, 2>, or array<i64>.
func attrI64s(xs ...int64) string {
	if len(xs) == 0 {
		return "array<i64>"
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatInt(x, 10)
	}
	return "array<i64: " + strings.Join(s, ", ") + ">"
}

// attrU8s spells bytes as a dense i64 array attribute.
func attrU8s(xs []uint8) string {
	v := make([]int64, len(xs))
	for i, x := range xs {
		v[i] = int64(x)
	}
	return attrI64s(v...)
}

// attrF64 spells an f64 float attribute; MLIR's float token needs a '.'.
func attrF64(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".") {
		if i := strings.IndexAny(s, "e"); i >= 0 {
			s = s[:i] + ".0" + s[i:]
		} else {
			s += ".0"
		}
	}
	return s + " : f64"
}
