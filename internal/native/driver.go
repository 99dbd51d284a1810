package native

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// driverC is the kernel-independent part of every driver; DriverSource
// puts the kernel's declarations where its kernelMark is.
//
//go:embed driver.c.in
var driverC string

const kernelMark = "/*@KERNEL@*/"

// DriverSource returns a C11 program that runs kernel f through its C ABI:
//
//	exe run IN... OUT...             one file per buffer, in parameter order
//	exe bench REPS WARMUP SEED [BW]
//
// run reads every in buffer's storage from its file (whose size must be the
// buffer's StorageBytes), zeroes the out buffers, calls f once and writes
// each out buffer to its file; a wrong size, an I/O error or a non-zero
// return exits 1 with a message. bench fills the inputs with random bytes
// from SEED (f32 and f16 with finite values in [-1, 1]), makes WARMUP calls,
// times REPS calls with CLOCK_MONOTONIC, then sums BW bytes (default 1 GiB,
// 0 skips it) of uint64 words on all OpenMP threads five times to measure
// the streaming read bandwidth, and prints one JSON object (see BenchResult).
func DriverSource(f *ir.Func) ([]byte, error) {
	if err := checkName(f); err != nil {
		return nil, err
	}
	var k strings.Builder
	fmt.Fprintf(&k, "static const char q35c_kernel[] = %q;\n%s;\n", f.Name, prototype(f))
	fmt.Fprintf(&k, "enum { q35c_nbufs = %d };\n", len(f.Params))
	k.WriteString("static const q35c_buffer q35c_bufs[q35c_nbufs + 1] = {\n")
	var call []string
	for i, b := range f.Params {
		fmt.Fprintf(&k, "    {%q, %d, %d, %s},\n", b.Name, b.Kind, b.StorageBytes(), fillKind(b))
		c := cType(b)
		if b.Kind == ir.In {
			c = "const " + c
		}
		call = append(call, fmt.Sprintf("(%s *)p[%d], n[%d]", c, i, i))
	}
	k.WriteString("    {0}};\n")
	fmt.Fprintf(&k, "static int32_t q35c_call(void **p, const uint64_t *n) {\n  (void)p, (void)n;\n  return %s(%s);\n}", f.Name, strings.Join(call, ", "))
	return []byte(strings.Replace(driverC, kernelMark, k.String(), 1)), nil
}

// fillKind says how bench fills input b.
func fillKind(b *ir.Buffer) string {
	switch b.Elem {
	case ir.F32:
		return "q35c_fill_f32"
	case ir.F16:
		return "q35c_fill_f16"
	}
	return "q35c_fill_bytes"
}
