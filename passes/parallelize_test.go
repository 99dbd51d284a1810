package passes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/q35c/q35c/frontend"
	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// parallelizeTests give a kernel (as .q35 source, or built by hand when the
// frontend cannot write it), its IR after the pass, and the remarks: one
// per loop, "line:col: message" (- for no position), each note indented
// below its remark.
var parallelizeTests = []struct {
	name    string
	src     string
	build   func() *ir.Module
	want    string
	remarks string
}{
	{name: "matmul: the outer loop", src: `
kernel k(A: in f32[8, 64], B: in f32[64, 32], C: out f32[8, 32]) {
  for i in 0..8 {
    for j in 0..32 {
      var acc: f32 = 0.0
      for k in 0..64 {
        acc += A[i, k] * B[k, j]
      }
      C[i, j] = acc
    }
  }
}`, want: `
func @k(%A: in f32[8, 64], %B: in f32[64, 32], %C: out f32[8, 32]) {
  for %i = 0 to 8 parallel {
    for %j = 0 to 32 {
      %acc = const 0.0e+00 : f32
      %acc.1 = for %k = 0 to 64 iter(%acc.2 = %acc) -> (f32) {
        %0 = load %A[%i, %k] : f32
        %1 = load %B[%k, %j] : f32
        %2 = mul %0, %1 : f32
        %acc.3 = add %acc.2, %2 : f32
        yield %acc.3
      }
      store %acc.1, %C[%i, %j] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
4:5: loop %j is not parallelized: it is inside parallel loop %i
6:7: loop %k is not parallelized: it is inside parallel loop %i`},

	{name: "reduction", src: `
kernel k(A: in i32[20], S: out i32[20]) {
  var run: i32 = 0
  for i in 0..20 {
    run += A[i]
    S[i] = run
  }
}`, want: `
func @k(%A: in i32[20], %S: out i32[20]) {
  %run = const 0 : i32
  %run.1 = for %i = 0 to 20 iter(%run.2 = %run) -> (i32) {
    %0 = load %A[%i] : i32
    %run.3 = add %run.2, %0 : i32
    store %run.3, %S[%i] : i32
    yield %run.3
  }
}`, remarks: `
4:3: loop %i stays serial: it carries %run from one iteration to the next`},

	{name: "store to a loop-invariant element", src: `
kernel k(A: in f32[16], S: out f32[4]) {
  for i in 0..16 {
    S[0] = A[i]
  }
}`, want: `
func @k(%A: in f32[16], %S: out f32[4]) {
  for %i = 0 to 16 {
    %0 = load %A[%i] : f32
    store %0, %S[0] : f32
    yield
  }
}`, remarks: `
3:3: loop %i stays serial: store %S[0] writes the same element in every iteration
  4:5: note: store %S[0]`},

	{name: "store invariant in the outer loop: the inner one is parallel", src: `
kernel k(A: in f32[8, 16], S: out f32[16]) {
  for i in 0..8 {
    for j in 0..16 {
      S[j] = A[i, j]
    }
  }
}`, want: `
func @k(%A: in f32[8, 16], %S: out f32[16]) {
  for %i = 0 to 8 {
    for %j = 0 to 16 parallel {
      %0 = load %A[%i, %j] : f32
      store %0, %S[%j] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i stays serial: store %S[%j] may write the same element in two iterations
  5:7: note: store %S[%j]
4:5: loop %j is parallel`},

	{name: "A[k+1] = A[k] overlaps", src: `
kernel k(X: in f32[16], A: out f32[17]) {
  for i in 0..17 {
    A[i] = 0.0
  }
  for k in 0..16 {
    A[k + 1] = A[k] + X[k]
  }
}`, want: `
func @k(%X: in f32[16], %A: out f32[17]) {
  for %i = 0 to 17 parallel {
    %0 = const 0.0e+00 : f32
    store %0, %A[%i] : f32
    yield
  }
  for %k = 0 to 16 {
    %1 = load %A[%k] : f32
    %2 = load %X[%k] : f32
    %3 = add %1, %2 : f32
    store %3, %A[%k + 1] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
6:3: loop %k stays serial: load %A[%k] may read what store %A[%k + 1] writes in another iteration
  7:5: note: store %A[%k + 1]
  7:16: note: load %A[%k]`},

	{name: "B[i floordiv 2] is not injective", src: `
kernel k(X: in f32[16], B: out f32[8]) {
  for i in 0..16 {
    B[i / 2] = X[i]
  }
}`, want: `
func @k(%X: in f32[16], %B: out f32[8]) {
  for %i = 0 to 16 {
    %0 = load %X[%i] : f32
    store %0, %B[%i floordiv 2] : f32
    yield
  }
}`, remarks: `
3:3: loop %i stays serial: store %B[%i floordiv 2] may write the same element in two iterations
  4:5: note: store %B[%i floordiv 2]`},

	{name: "B[i floordiv 2] with step 2 is injective", src: `
kernel k(X: in f32[16], B: out f32[8]) {
  for i in 1..16 step 2 {
    B[i / 2] = X[i]
  }
}`, want: `
func @k(%X: in f32[16], %B: out f32[8]) {
  for %i = 1 to 16 step 2 parallel {
    %0 = load %X[%i] : f32
    store %0, %B[%i floordiv 2] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel`},

	{name: "reading back what the same iteration wrote", src: `
kernel k(X: in f32[16], A: out f32[16]) {
  for i in 0..16 {
    A[i] = X[i]
    A[i] = A[i] * 2.0
  }
}`, want: `
func @k(%X: in f32[16], %A: out f32[16]) {
  for %i = 0 to 16 parallel {
    %0 = load %X[%i] : f32
    store %0, %A[%i] : f32
    %1 = load %A[%i] : f32
    %2 = const 2.0e+00 : f32
    %3 = mul %1, %2 : f32
    store %3, %A[%i] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel`},

	{name: "reads A[k + 16] past every write A[k]", src: `
kernel k(X: in f32[32], A: out f32[32]) {
  for i in 0..32 {
    A[i] = X[i]
  }
  for k in 0..16 {
    A[k] = A[k + 16]
  }
}`, want: `
func @k(%X: in f32[32], %A: out f32[32]) {
  for %i = 0 to 32 parallel {
    %0 = load %X[%i] : f32
    store %0, %A[%i] : f32
    yield
  }
  for %k = 0 to 16 parallel {
    %1 = load %A[%k + 16] : f32
    store %1, %A[%k] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
6:3: loop %k is parallel`},

	{name: "reads A[k + 15] that iteration 15 writes", src: `
kernel k(X: in f32[32], A: out f32[32]) {
  for i in 0..32 {
    A[i] = X[i]
  }
  for k in 0..17 {
    A[k] = A[k + 15]
  }
}`, want: `
func @k(%X: in f32[32], %A: out f32[32]) {
  for %i = 0 to 32 parallel {
    %0 = load %X[%i] : f32
    store %0, %A[%i] : f32
    yield
  }
  for %k = 0 to 17 {
    %1 = load %A[%k + 15] : f32
    store %1, %A[%k] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
6:3: loop %k stays serial: load %A[%k + 15] may read what store %A[%k] writes in another iteration
  7:5: note: store %A[%k]
  7:12: note: load %A[%k + 15]`},

	{name: "gather from a buffer the loop stores", src: `
kernel k(Q: in i8[16], O: out f32[16]) {
  for i in 0..16 {
    O[i] = 1.0
  }
  for k in 0..16 {
    O[k] = O[((Q[k] as i32) & 15) as index] + 1.0
  }
}`, want: `
func @k(%Q: in i8[16], %O: out f32[16]) {
  for %i = 0 to 16 parallel {
    %0 = const 1.0e+00 : f32
    store %0, %O[%i] : f32
    yield
  }
  for %k = 0 to 16 {
    %1 = load %Q[%k] : i8
    %2 = cast %1 : i8 to i32
    %3 = const 15 : i32
    %4 = and %2, %3 : i32
    %5 = cast %4 : i32 to index
    %6 = load %O[%5] : f32
    %7 = const 1.0e+00 : f32
    %8 = add %6, %7 : f32
    store %8, %O[%k] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
6:3: loop %k stays serial: load %O[?] may read what store %O[%k] writes in another iteration
  7:5: note: store %O[%k]
  7:12: note: load %O[?]`},

	{name: "transposed store", src: `
kernel k(A: in f32[8, 16], T: out f32[16, 8]) {
  for i in 0..8 {
    for j in 0..16 {
      T[j, i] = A[i, j]
    }
  }
}`, want: `
func @k(%A: in f32[8, 16], %T: out f32[16, 8]) {
  for %i = 0 to 8 parallel {
    for %j = 0 to 16 {
      %0 = load %A[%i, %j] : f32
      store %0, %T[%j, %i] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
4:5: loop %j is not parallelized: it is inside parallel loop %i`},

	{name: "blocks of 4 written by an inner loop", src: `
kernel k(A: in f32[32], O: out f32[32]) {
  for i in 0..8 {
    for j in 0..4 {
      O[i * 4 + j] = A[i * 4 + j]
    }
  }
}`, want: `
func @k(%A: in f32[32], %O: out f32[32]) {
  for %i = 0 to 8 parallel {
    for %j = 0 to 4 {
      %0 = load %A[%i * 4 + %j] : f32
      store %0, %O[%i * 4 + %j] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
4:5: loop %j is not parallelized: it is inside parallel loop %i`},

	{name: "blocks of 5 every 4 overlap", src: `
kernel k(A: in f32[36], O: out f32[36]) {
  for i in 0..8 {
    for j in 0..5 {
      O[i * 4 + j] = A[i * 4 + j]
    }
  }
}`, want: `
func @k(%A: in f32[36], %O: out f32[36]) {
  for %i = 0 to 8 {
    for %j = 0 to 5 parallel {
      %0 = load %A[%i * 4 + %j] : f32
      store %0, %O[%i * 4 + %j] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i stays serial: store %O[%i * 4 + %j] may write the same element in two iterations
  5:7: note: store %O[%i * 4 + %j]
4:5: loop %j is parallel`},

	{name: "triangular inner loop", src: `
kernel k(A: in f32[8, 8], T: out f32[8, 8]) {
  for i in 0..8 {
    for j in i..8 {
      T[i, j] = A[i, j]
    }
  }
}`, want: `
func @k(%A: in f32[8, 8], %T: out f32[8, 8]) {
  for %i = 0 to 8 parallel {
    for %j = %i to 8 {
      %0 = load %A[%i, %j] : f32
      store %0, %T[%i, %j] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
4:5: loop %j is not parallelized: it is inside parallel loop %i`},

	{name: "a loop that runs once is skipped for the one inside", src: `
kernel k(A: in f32[1, 8], O: out f32[1, 8]) {
  for m in 0..1 {
    for n in 0..8 {
      O[m, n] = A[m, n]
    }
  }
}`, want: `
func @k(%A: in f32[1, 8], %O: out f32[1, 8]) {
  for %m = 0 to 1 {
    for %n = 0 to 8 parallel {
      %0 = load %A[%m, %n] : f32
      store %0, %O[%m, %n] : f32
      yield
    }
    yield
  }
}`, remarks: `
3:3: loop %m is not parallelized: it runs at most once
4:5: loop %n is parallel`},

	{name: "columns of one row", src: `
kernel k(A: in f32[8], O: out f32[8, 2]) {
  for i in 0..8 {
    O[i, 0] = A[i]
    O[i, 1] = A[i] * 2.0
  }
  for k in 0..8 {
    O[k, 1] = O[k, 0] + O[k, 1]
  }
}`, want: `
func @k(%A: in f32[8], %O: out f32[8, 2]) {
  for %i = 0 to 8 parallel {
    %0 = load %A[%i] : f32
    store %0, %O[%i, 0] : f32
    %1 = load %A[%i] : f32
    %2 = const 2.0e+00 : f32
    %3 = mul %1, %2 : f32
    store %3, %O[%i, 1] : f32
    yield
  }
  for %k = 0 to 8 parallel {
    %4 = load %O[%k, 0] : f32
    %5 = load %O[%k, 1] : f32
    %6 = add %4, %5 : f32
    store %6, %O[%k, 1] : f32
    yield
  }
}`, remarks: `
3:3: loop %i is parallel
7:3: loop %k is parallel`},

	{name: "tiled: the tile loop moves the point loop", build: tiledCopy(4, 10, 0), want: `
func @k(%A: in f32[10], %O: out f32[10]) {
  for %it = 0 to 10 step 4 parallel {
    for %i = max(%it, 1) to min(%it + 4, 10) {
      %0 = load %A[%i] : f32
      store %0, %O[%i] : f32
      yield
    }
    yield
  }
}`, remarks: `
-: loop %it is parallel
-: loop %i is not parallelized: it is inside parallel loop %it`},

	{name: "tiled, point loop one past its tile", build: tiledCopy(4, 10, 1), want: `
func @k(%A: in f32[10], %O: out f32[10]) {
  for %it = 0 to 10 step 4 {
    for %i = max(%it, 1) to min(%it + 5, 10) parallel {
      %0 = load %A[%i] : f32
      store %0, %O[%i] : f32
      yield
    }
    yield
  }
}`, remarks: `
-: loop %it stays serial: store %O[%i] may write the same element in two iterations
  -: note: store %O[%i]
-: loop %i is parallel`},

	{name: "dynamic store subscript", build: dynamicStore, want: `
func @k(%Q: in i32[8], %O: out f32[8, 8]) {
  for %i = 0 to 8 {
    %q = load %Q[%i] : i32
    %0 = const 1.0e+00 : f32
    store %0, %O[%q, %i] : f32
    store %0, %O[%i, %q] : f32
    yield
  }
}`, remarks: `
-: loop %i stays serial: stores %O[?, %i] and %O[%i, ?] may write the same element in two iterations
  -: note: store %O[?, %i]
  -: note: store %O[%i, ?]`},
}

// tiledCopy builds O[i] = A[i] for i in 1..n, tiled by t as the tile pass
// does, its point loop running extra iterations past its tile.
func tiledCopy(t, n, extra int64) func() *ir.Module {
	return func() *ir.Module {
		A := &ir.Buffer{Name: "A", Kind: ir.In, Elem: ir.F32, Shape: []int64{n}}
		O := &ir.Buffer{Name: "O", Kind: ir.Out, Elem: ir.F32, Shape: []int64{n}}
		f := &ir.Func{Name: "k", Params: []*ir.Buffer{A, O}}
		b := ir.NewBuilder(f)
		tile := b.For("it", []*ir.Expr{ir.Const(0)}, []*ir.Expr{ir.Const(n)}, t, nil, nil)
		tb := &ir.Builder{Func: f, Block: tile.Loop.Body}
		it := ir.Dim(tile.Loop.IV)
		point := tb.For("i", []*ir.Expr{it, ir.Const(1)}, []*ir.Expr{ir.Add(it, ir.Const(t+extra)), ir.Const(n)}, 1, nil, nil)
		pb := &ir.Builder{Func: f, Block: point.Loop.Body}
		i := ir.AffineIndex(ir.Dim(point.Loop.IV))
		pb.Store(pb.Load(A, i), O, i)
		pb.Yield(nil)
		tb.Yield(nil)
		return &ir.Module{Name: "k", Funcs: []*ir.Func{f}}
	}
}

// dynamicStore builds stores at O[q, i] and O[i, q] with q loaded from Q:
// each alone is injective in i, but together they may meet.
func dynamicStore() *ir.Module {
	Q := &ir.Buffer{Name: "Q", Kind: ir.In, Elem: ir.I32, Shape: []int64{8}}
	O := &ir.Buffer{Name: "O", Kind: ir.Out, Elem: ir.F32, Shape: []int64{8, 8}}
	f := &ir.Func{Name: "k", Params: []*ir.Buffer{Q, O}}
	b := ir.NewBuilder(f)
	loop := b.For("i", []*ir.Expr{ir.Const(0)}, []*ir.Expr{ir.Const(8)}, 1, nil, nil)
	lb := &ir.Builder{Func: f, Block: loop.Loop.Body}
	i := ir.Dim(loop.Loop.IV)
	q := lb.Load(Q, ir.AffineIndex(i))
	q.Name = "q"
	one := lb.ConstFloat(ir.F32, 1)
	lb.Store(one, O, []ir.Subscript{{Dyn: q}, {Affine: i}})
	lb.Store(one, O, []ir.Subscript{{Affine: i}, {Dyn: q}})
	lb.Yield(nil)
	return &ir.Module{Name: "k", Funcs: []*ir.Func{f}}
}

func TestParallelize(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range parallelizeTests {
		if seen[tt.name] {
			t.Errorf("two tests are called %q", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			m := parallelizeInput(t, tt.src, tt.build)
			var remarks diag.List
			for _, f := range m.Funcs {
				if err := ParallelizeFunc(f, &remarks); err != nil {
					t.Fatal(err)
				}
			}
			if err := ir.Verify(m); err != nil {
				t.Fatalf("the IR does not verify after the pass: %v", err)
			}
			if got, want := funcsText(m), strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Errorf("IR after the pass:\n%s\nwant:\n%s", got, want)
			}
			if got, want := remarksText(remarks.Diags), strings.TrimPrefix(tt.remarks, "\n"); got != want {
				t.Errorf("remarks:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestParallelizeAgain checks that the pass clears marks it did not set
// (here on a reduction loop) and gives the same IR when run twice.
func TestParallelizeAgain(t *testing.T) {
	for _, tt := range parallelizeTests {
		m := parallelizeInput(t, tt.src, tt.build)
		for _, f := range m.Funcs {
			f.Body.Walk(func(op *ir.Op) {
				if op.Code == ir.OpFor {
					op.Loop.Parallel = true
				}
			})
		}
		if err := Parallelize(m); err != nil {
			t.Fatal(err)
		}
		once := funcsText(m)
		if err := Parallelize(m); err != nil {
			t.Fatal(err)
		}
		if twice := funcsText(m); once != twice || once != strings.TrimPrefix(tt.want, "\n") {
			t.Errorf("%s: after marking every loop, Parallelize gives\n%s\nand again\n%s", tt.name, once, twice)
		}
	}
}

func parallelizeInput(t *testing.T, src string, build func() *ir.Module) *ir.Module {
	t.Helper()
	if build != nil {
		m := build()
		if err := ir.Verify(m); err != nil {
			t.Fatalf("the test's module does not verify: %v", err)
		}
		return m
	}
	_, m, diags := frontend.Compile("k.q35", []byte(src)) // line 1 is the empty line after the backquote
	if diags.HasErrors() {
		t.Fatalf("the test's kernel does not compile: %v", diags.Err())
	}
	return m
}

// funcsText prints m's functions without the module header.
func funcsText(m *ir.Module) string {
	_, text, _ := strings.Cut(m.String(), "\n\n")
	return strings.TrimSuffix(text, "\n")
}

// remarksText spells remarks as "line:col: message", notes indented below.
func remarksText(ds []diag.Diagnostic) string {
	var lines []string
	for _, d := range ds {
		lines = append(lines, spanText(d.Span)+": "+d.Msg)
		for _, n := range d.Notes {
			lines = append(lines, "  "+spanText(n.Span)+": "+n.Severity.String()+": "+n.Msg)
		}
	}
	return strings.Join(lines, "\n")
}

func spanText(s diag.Span) string {
	if !s.IsKnown() {
		return "-"
	}
	line, col := s.LineCol()
	return fmt.Sprintf("%d:%d", line, col)
}
