package passes

import (
	"strings"
	"testing"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// ovKernel builds a kernel by hand: a builder for the body, and a stack of
// builders for loop bodies.
type ovKernel struct {
	f *ir.Func
	b *ir.Builder
}

func ovNewKernel(params ...*ir.Buffer) *ovKernel {
	f := &ir.Func{Name: "k", Params: params}
	return &ovKernel{f: f, b: ir.NewBuilder(f)}
}

func ovBuf(name string, kind ir.ParamKind, elem ir.Type, shape ...int64) *ir.Buffer {
	return &ir.Buffer{Name: name, Kind: kind, Elem: elem, Shape: shape}
}

// loop appends a loop from lo to hi (affine expressions) carrying inits
// named names; body fills it from the IV and the iteration arguments and
// returns the yielded values.
func (k *ovKernel) loop(lo, hi *ir.Expr, step int64, inits []*ir.Value, names []string, body func(iv *ir.Value, its []*ir.Value) []*ir.Value) *ir.Op {
	op := k.b.For("i", []*ir.Expr{lo}, []*ir.Expr{hi}, step, inits, names)
	outer := k.b.Block
	k.b.Block = op.Loop.Body
	k.b.Yield(body(op.Loop.IV, op.Loop.IterArgs))
	k.b.Block = outer
	return op
}

func (k *ovKernel) load(buf *ir.Buffer, idx ...*ir.Expr) *ir.Value {
	return k.b.Load(buf, ir.AffineIndex(idx...))
}

func (k *ovKernel) done(t *testing.T) *ir.Func {
	t.Helper()
	if err := ir.VerifyFunc(k.f); err != nil {
		t.Fatalf("test kernel is invalid: %v\n%s", err, ovPrint(k.f))
	}
	return k.f
}

func ovPrint(f *ir.Func) string {
	var b strings.Builder
	ir.PrintFunc(&b, f)
	return b.String()
}

// ovDot is sum over k < K of A[k] * W[k] (i8 × i4) in acc's type, added
// (or subtracted) one term per iteration.
func ovDot(t *testing.T, acc ir.Type, K int64, op ir.Opcode) *ir.Func {
	A, W, C := ovBuf("A", ir.In, ir.I8, K), ovBuf("W", ir.In, ir.I4, K+K%2), ovBuf("C", ir.Out, acc, 1)
	k := ovNewKernel(A, W, C)
	zero := k.b.ConstInt(acc, 0)
	l := k.loop(ir.Const(0), ir.Const(K), 1, []*ir.Value{zero}, []string{"acc"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		x := k.b.Cast(k.load(A, ir.Dim(iv)), acc)
		w := k.b.Cast(k.load(W, ir.Dim(iv)), acc)
		return []*ir.Value{k.b.Bin(op, its[0], k.b.Bin(ir.OpMul, x, w))}
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// ovNested carries acc through an outer loop of T1 and an inner loop of T2
// iterations (as matmul_q35 carries acc4), adding one i8 × i4 product per
// inner iteration; the outer bounds are g*T1..g*T1+T1 over an enclosing g
// loop that resets acc, so the trip count is exact only if the analysis
// cancels g.
func ovNested(t *testing.T, acc ir.Type, T1, T2 int64) *ir.Func {
	A, W, C := ovBuf("A", ir.In, ir.I8, 2*T1*T2), ovBuf("W", ir.In, ir.I4, 2*T1*T2), ovBuf("C", ir.Out, acc, 2)
	k := ovNewKernel(A, W, C)
	k.loop(ir.Const(0), ir.Const(2), 1, nil, nil, func(g *ir.Value, _ []*ir.Value) []*ir.Value {
		zero := k.b.ConstInt(acc, 0)
		lo := ir.Mul(ir.Dim(g), T1)
		outer := k.loop(lo, ir.Add(lo, ir.Const(T1)), 1, []*ir.Value{zero}, []string{"acc"}, func(b *ir.Value, its []*ir.Value) []*ir.Value {
			inner := k.loop(ir.Const(0), ir.Const(T2), 1, []*ir.Value{its[0]}, []string{"acc"}, func(j *ir.Value, its []*ir.Value) []*ir.Value {
				e := ir.Add(ir.Mul(ir.Dim(b), T2), ir.Dim(j))
				x := k.b.Cast(k.load(A, e), acc)
				w := k.b.Cast(k.load(W, e), acc)
				return []*ir.Value{k.b.Bin(ir.OpAdd, its[0], k.b.Bin(ir.OpMul, x, w))}
			})
			return inner.Results
		})
		k.b.Store(outer.Results[0], C, ir.AffineIndex(ir.Dim(g)))
		return nil
	})
	return k.done(t)
}

// ovMsgs renders diagnostics as "severity: message" lines, notes indented.
func ovMsgs(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Severity.String()+": "+d.Msg)
		for _, n := range d.Notes {
			out = append(out, "  "+n.Severity.String()+": "+n.Msg)
		}
	}
	return out
}

func TestOverflowHandBuilt(t *testing.T) {
	tests := []struct {
		name string
		f    func(t *testing.T) *ir.Func
		want []string
	}{
		{"i16 dot at the bound", func(t *testing.T) *ir.Func { return ovDot(t, ir.I16, 31, ir.OpAdd) }, []string{
			"remark: acc: |acc| <= 31744 over 31 iterations adding [-1016, 1024] each; fits i16",
		}},
		{"i16 dot one past", func(t *testing.T) *ir.Func { return ovDot(t, ir.I16, 32, ir.OpAdd) }, []string{
			"error: acc may overflow i16: 32 iterations of up to 1024 each reach 32768 > 32767; at most 31 iterations are safe",
			"  note: acc is accumulated by this loop",
		}},
		{"i16 subtraction at the bound", func(t *testing.T) *ir.Func { return ovDot(t, ir.I16, 32, ir.OpSub) }, []string{
			"remark: acc: |acc| <= 32768 over 32 iterations adding [-1024, 1016] each; fits i16",
		}},
		{"i32 dot at the bound", func(t *testing.T) *ir.Func { return ovDot(t, ir.I32, 2097151, ir.OpAdd) }, []string{
			"remark: acc: |acc| <= 2147482624 over 2097151 iterations adding [-1016, 1024] each; fits i32",
		}},
		{"i32 dot one past", func(t *testing.T) *ir.Func { return ovDot(t, ir.I32, 2097152, ir.OpAdd) }, []string{
			"error: acc may overflow i32: 2097152 iterations of up to 1024 each reach 2147483648 > 2147483647; at most 2097151 iterations are safe",
			"  note: acc is accumulated by this loop",
		}},
		{"nested chain is one loop", func(t *testing.T) *ir.Func { return ovNested(t, ir.I32, 8, 8) }, []string{
			"remark: acc: |acc| <= 65536 over 64 iterations (8 × 8) adding [-1016, 1024] each; fits i32",
		}},
		{"nested chain past the bound", func(t *testing.T) *ir.Func { return ovNested(t, ir.I16, 4, 8) }, []string{
			"error: acc may overflow i16: 32 iterations (4 × 8) of up to 1024 each reach 32768 > 32767; at most 31 iterations are safe",
			"  note: acc is accumulated by this loop",
		}},
		{"a wrapped term", ovWrappedTerm, []string{
			"error: cannot prove acc fits i32: a term it adds may be any i32",
			"  note: this mul may wrap i32: its operands lie in [-2147483648, 2147483647] and [-2147483648, 2147483647]",
			"  note: acc is accumulated by this loop",
		}},
		{"step and a loop that never runs", ovSteps, []string{
			"remark: acc: |acc| <= 512 over 4 iterations adding [-128, 127] each; fits i16",
		}},
		{"not carried around", ovNotCarried, nil},
		{"a running max is not an accumulator", ovRunningMax, nil},
		{"a sum of sums", ovSumOfSums, []string{
			"remark: s1: |s1| <= 1024 over 8 iterations adding [-128, 127] each; fits i32",
			"remark: s2: |s2| <= 8192 over 8 iterations adding [-1024, 1016] each; fits i32",
		}},
		{"an unknown trip count", ovUnknownTrips, []string{
			"error: cannot prove acc fits i32: a trip count is not known",
			"  note: the trip count of this loop is not known",
			"  note: acc is accumulated by this loop",
		}},
		{"an index accumulator", ovIndexCounter, []string{
			"remark: n: |n| <= 18 over 6 iterations adding [3, 3] each; fits index",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f(t)
			got := ovMsgs(CheckOverflowFunc(f))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s\nIR:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), ovPrint(f))
			}
		})
	}
}

func ovWrappedTerm(t *testing.T) *ir.Func {
	A, B, C := ovBuf("A", ir.In, ir.I32, 4), ovBuf("B", ir.In, ir.I32, 4), ovBuf("C", ir.Out, ir.I32, 1)
	k := ovNewKernel(A, B, C)
	l := k.loop(ir.Const(0), ir.Const(4), 1, []*ir.Value{k.b.ConstInt(ir.I32, 0)}, []string{"acc"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		p := k.b.Bin(ir.OpMul, k.load(A, ir.Dim(iv)), k.load(B, ir.Dim(iv)))
		return []*ir.Value{k.b.Bin(ir.OpAdd, its[0], p)}
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// ovSteps: 0..10 step 3 runs 4 times; a loop from 5 to 5 never runs, and
// nothing inside it is reported.
func ovSteps(t *testing.T) *ir.Func {
	A, C := ovBuf("A", ir.In, ir.I8, 10), ovBuf("C", ir.Out, ir.I16, 2)
	k := ovNewKernel(A, C)
	l := k.loop(ir.Const(0), ir.Const(10), 3, []*ir.Value{k.b.ConstInt(ir.I16, 0)}, []string{"acc"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		return []*ir.Value{k.b.Bin(ir.OpAdd, its[0], k.b.Cast(k.load(A, ir.Dim(iv)), ir.I16))}
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	dead := k.loop(ir.Const(5), ir.Const(5), 1, []*ir.Value{k.b.ConstInt(ir.I16, 0)}, []string{"never"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		return []*ir.Value{k.b.Bin(ir.OpAdd, its[0], k.b.ConstInt(ir.I16, 30000))}
	})
	k.b.Store(dead.Results[0], C, ir.AffineIndex(ir.Const(1)))
	return k.done(t)
}

// ovNotCarried: the yielded value does not depend on the argument.
func ovNotCarried(t *testing.T) *ir.Func {
	A, C := ovBuf("A", ir.In, ir.I32, 8), ovBuf("C", ir.Out, ir.I32, 1)
	k := ovNewKernel(A, C)
	l := k.loop(ir.Const(0), ir.Const(8), 1, []*ir.Value{k.b.ConstInt(ir.I32, 0)}, []string{"last"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		x := k.load(A, ir.Dim(iv))
		return []*ir.Value{k.b.Bin(ir.OpAdd, x, x)} // may wrap: legal, not an accumulator
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

func ovRunningMax(t *testing.T) *ir.Func {
	A, C := ovBuf("A", ir.In, ir.I32, 8), ovBuf("C", ir.Out, ir.I32, 1)
	k := ovNewKernel(A, C)
	l := k.loop(ir.Const(0), ir.Const(8), 1, []*ir.Value{k.b.ConstInt(ir.I32, 0)}, []string{"m"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		return []*ir.Value{k.b.Bin(ir.OpMax, its[0], k.load(A, ir.Dim(iv)))}
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// ovSumOfSums: s1 += A[k]; s2 += s1. Inside the loop s1 is in [-896, 889]
// before its update, so s2 adds values in [-1024, 1016].
func ovSumOfSums(t *testing.T) *ir.Func {
	A, C := ovBuf("A", ir.In, ir.I8, 8), ovBuf("C", ir.Out, ir.I32, 1)
	k := ovNewKernel(A, C)
	zero := k.b.ConstInt(ir.I32, 0)
	l := k.loop(ir.Const(0), ir.Const(8), 1, []*ir.Value{zero, zero}, []string{"s1", "s2"}, func(iv *ir.Value, its []*ir.Value) []*ir.Value {
		s1 := k.b.Bin(ir.OpAdd, its[0], k.b.Cast(k.load(A, ir.Dim(iv)), ir.I32))
		return []*ir.Value{s1, k.b.Bin(ir.OpAdd, its[1], s1)}
	})
	k.b.Store(l.Results[1], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// ovUnknownTrips: an inner loop whose bounds overflow int64 when
// evaluated (the frontend never makes one; a transform might).
func ovUnknownTrips(t *testing.T) *ir.Func {
	C := ovBuf("C", ir.Out, ir.I32, 1)
	k := ovNewKernel(C)
	one := k.b.ConstInt(ir.I32, 1)
	l := k.loop(ir.Const(0), ir.Const(4), 1, []*ir.Value{k.b.ConstInt(ir.I32, 0)}, []string{"acc"}, func(i *ir.Value, its []*ir.Value) []*ir.Value {
		inner := k.loop(ir.Const(0), ir.Mul(ir.Dim(i), 1<<62), 1, its, []string{"acc"}, func(_ *ir.Value, its []*ir.Value) []*ir.Value {
			return []*ir.Value{k.b.Bin(ir.OpAdd, its[0], one)}
		})
		return inner.Results
	})
	k.b.Store(l.Results[0], C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// ovIndexCounter counts by 3 in an index-typed carried value over a loop
// whose bounds are max(0, 1)..min(7, 9) step 1: 6 iterations.
func ovIndexCounter(t *testing.T) *ir.Func {
	C := ovBuf("C", ir.Out, ir.I64, 1)
	k := ovNewKernel(C)
	op := k.b.For("i", []*ir.Expr{ir.Const(0), ir.Const(1)}, []*ir.Expr{ir.Const(7), ir.Const(9)}, 1, []*ir.Value{k.b.ConstInt(ir.Index, 0)}, []string{"n"})
	outer := k.b.Block
	k.b.Block = op.Loop.Body
	k.b.Yield([]*ir.Value{k.b.Bin(ir.OpAdd, op.Loop.IterArgs[0], k.b.ConstInt(ir.Index, 3))})
	k.b.Block = outer
	k.b.Store(k.b.Cast(op.Results[0], ir.I64), C, ir.AffineIndex(ir.Const(0)))
	return k.done(t)
}

// The analysis's range of every value is sound where it matters most:
// the accumulator after its loop (ovNested's acc is 0 or in the bound),
// and trip counts of correlated, stepped and min/max bounds.
func TestOverflowTripCounts(t *testing.T) {
	f := ovNested(t, ir.I32, 8, 8)
	a := newOvAnalysis(f)
	var loops []*ir.Op
	f.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpFor {
			loops = append(loops, op)
		}
	})
	want := []ovTrips{{max: 2, exact: true, ok: true}, {max: 8, exact: true, ok: true}, {max: 8, exact: true, ok: true}}
	for i, op := range loops {
		if got := a.tripsOf(op); got != want[i] {
			t.Errorf("loop %d: trips %+v, want %+v", i, got, want[i])
		}
	}
	if r := a.rng(loops[1].Results[0]); r.lo != -65024 || r.hi != 65536 {
		t.Errorf("acc after the nest: %v, want [-65024, 65536]", r)
	}
	if r := a.rng(loops[1].Loop.IV); r.lo != 0 || r.hi != 15 {
		t.Errorf("b ranges over %v, want [0, 15]", r)
	}
	g := ovIndexCounter(t)
	a = newOvAnalysis(g)
	op := g.Body.Ops[1]
	if got := a.tripsOf(op); got != (ovTrips{max: 6, exact: true, ok: true}) {
		t.Errorf("max(0, 1)..min(7, 9): trips %+v, want exactly 6", got)
	}
}

func TestOverflowErrorsAndWarnings(t *testing.T) {
	m := &ir.Module{Name: "k", Funcs: []*ir.Func{ovDot(t, ir.I16, 31, ir.OpAdd), ovDot(t, ir.I16, 40, ir.OpAdd)}}
	if n := len(CheckOverflow(m)); n != 2 {
		t.Fatalf("CheckOverflow: %d diagnostics, want a remark and an error", n)
	}
	errs, warns := OverflowErrors(m), OverflowWarnings(m)
	if len(errs.Diags) != 1 || errs.Diags[0].Severity != diag.Error || !errs.HasErrors() {
		t.Errorf("OverflowErrors: %v", ovMsgs(errs.Diags))
	}
	if len(warns.Diags) != 1 || warns.Diags[0].Severity != diag.Warning || warns.HasErrors() {
		t.Errorf("OverflowWarnings: %v", ovMsgs(warns.Diags))
	}
	if errs.Diags[0].Msg != warns.Diags[0].Msg {
		t.Error("errors and warnings differ")
	}
}
