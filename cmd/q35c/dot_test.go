package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// The dot pass marks exactly the loops of testdata/dot/accept.q35 and none
// of testdata/dot/refuse.q35, whose remarks say why, each at its loop.
func TestDotPassMarksAndRefuses(t *testing.T) {
	for _, tc := range []struct {
		src     string
		marked  int
		remarks []string
	}{
		{"testdata/dot/accept.q35", 9, []string{
			"accept.q35:11:5: remark: loop %k is a packed dot product",
			"accept.q35:23:5: remark: loop %k is a packed dot product",
			"accept.q35:37:5: remark: loop %k is a packed dot product",
			"accept.q35:169:9: remark: loop %p is a packed dot product, with 16 rows of the loop around it jammed into it to share each unpacked code",
			"accept.q35:190:7: remark: loop %k is a packed dot product, with 16 rows of the loop around it jammed into it to share each unpacked code",
			"accept.q35:207:7: remark: loop %p is a packed dot product, with 8 iterations of loop %g jammed into it to sum their groups together",
		}},
		{"testdata/dot/refuse.q35", 0, []string{
			"refuse.q35:10:3: remark: loop %k is not a packed dot product: add here is not an accumulation of products",
			"refuse.q35:20:3: remark: loop %k is not a packed dot product: mul is not a signed byte times a code of at most 8 loaded bits, exact in i32",
			"refuse.q35:29:3: remark: loop %k is not a packed dot product: mul is not a signed byte times a code of at most 8 loaded bits, exact in i8",
			"refuse.q35:38:3: remark: loop %k is not a packed dot product: the codes of 64 products span 253 bytes, more than 64",
			"refuse.q35:48:5: remark: loop %k is not a packed dot product: the trip count of the loop over k depends on outer loops",
		}},
		{"examples/matmul_q35.q35", 1, []string{"matmul_q35.q35:26:9: remark: loop %b is a packed dot product"}},
		{"examples/matmul_i8_i4.q35", 1, []string{"matmul_i8_i4.q35:21:9: remark: loop %k is a packed dot product"}},
		{"examples/matmul_f32.q35", 0, nil},
	} {
		t.Run(tc.src, func(t *testing.T) {
			code, stdout, stderr := q35c(t, "", "compile", "--emit", "ir", "--pipeline", "canonicalize,dot", "--remarks", tc.src)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if n := strings.Count(stdout, ") dot {"); n != tc.marked {
				t.Errorf("%d dot loops, want %d:\n%s", n, tc.marked, stdout)
			}
			for _, r := range tc.remarks {
				if !strings.Contains(stderr, r) {
					t.Errorf("missing remark %q in:\n%s", r, stderr)
				}
			}
		})
	}
}

// A loop marked Dot that PlanDot refuses does not verify, so no emitter
// ever sees one.
func TestVerifierRefusesBadDotLoop(t *testing.T) {
	m := transformed(t, "testdata/dot/refuse.q35", "canonicalize")
	var loop *ir.Op
	m.Func("sum_only").Body.Walk(func(o *ir.Op) {
		if o.Code == ir.OpFor {
			loop = o
		}
	})
	loop.Loop.Dot = true
	err := ir.Verify(m)
	if err == nil || !strings.Contains(err.Error(), "is a dot loop that cannot be packed: add here is not an accumulation of products") {
		t.Fatalf("Verify = %v", err)
	}
}

// Dot loops run natively, bit-identical to the interpreter on the
// untransformed IR, in both of the LLVM emitter's forms (portable vector IR,
// and AVX-512 VBMI/VNNI intrinsics when this machine has them), with and
// without packed activations (parallel loops pack per thread).
func TestDotNative(t *testing.T) {
	toolchain.Require(t, "clang")
	for _, src := range []string{"testdata/dot/accept.q35", "examples/matmul_q35.q35", "examples/matmul_i8_i4.q35"} {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			want := originalWords(t, src)
			for _, pipe := range []string{"canonicalize,dot", "canonicalize,dot{rows=1 groups=1},parallelize", "canonicalize,dot,parallelize", "tile{size=4},canonicalize,dot,vectorize,parallelize",
				"canonicalize,dot{rows=4 groups=2}", "unpack{mode=shift},canonicalize,dot,parallelize"} {
				m := transformed(t, src, pipe)
				if !hasDot(m) {
					t.Fatalf("%s: no dot loop", pipe)
				}
				feats := featuresFor(t, m)
				if feats[0] != (emit.Features{}) {
					feats = append(feats, emit.Features{})
				}
				for _, feat := range feats {
					if err := sameWords(want, runLLVMNative(t, m, feat)); err != nil {
						t.Errorf("%s (%s): %v", pipe, feat, err)
					}
				}
			}
		})
	}
}

func hasDot(m *ir.Module) bool {
	found := false
	for _, f := range m.Funcs {
		f.Body.Walk(func(o *ir.Op) { found = found || o.Code == ir.OpFor && o.Loop.Dot })
	}
	return found
}

var host struct {
	once sync.Once
	feat emit.Features
	err  error
}

// featuresFor returns the feature sets to build m with: the portable form,
// and this machine's, when m has dot loops and the machine adds something.
func featuresFor(t *testing.T, m *ir.Module) []emit.Features {
	t.Helper()
	if !hasDot(m) {
		return []emit.Features{{}}
	}
	host.once.Do(func() { host.feat, host.err = cpuFeatures(context.Background(), "native") })
	if host.err != nil {
		t.Fatalf("asking clang for -march=native's features: %v", host.err)
	}
	if host.feat == (emit.Features{}) {
		t.Logf("NOTE: this machine has no AVX-512 VBMI+VNNI: the intrinsic form of dot loops is not run here")
		return []emit.Features{{}}
	}
	return []emit.Features{host.feat}
}
