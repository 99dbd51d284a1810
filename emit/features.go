package emit

import "strings"

// Features are instruction-set extensions the LLVM emitter may call
// through their intrinsics. Without them it writes portable vector IR that
// any LLVM target compiles; with them, kernels that use them carry the
// matching "target-features" attribute, so the IR compiles for that CPU
// whatever flags clang or llc get.
type Features struct {
	// AVX512VNNI and AVX512VBMI (with AVX-512 BW): packed dot products
	// (dot loops) use vpermb, vpmultishiftqb and vpdpbusd.
	AVX512DotBytes bool
}

// FeaturesFromMacros reads Features from the macros a C compiler predefines
// for a CPU (`clang -march=CPU -dM -E -x c /dev/null`).
func FeaturesFromMacros(macros string) Features {
	has := func(m string) bool { return strings.Contains(macros, "#define "+m+" ") }
	return Features{
		AVX512DotBytes: has("__AVX512BW__") && has("__AVX512VBMI__") && has("__AVX512VNNI__"),
	}
}

// String lists the features set, or "generic".
func (f Features) String() string {
	if f.AVX512DotBytes {
		return "avx512bw+vbmi+vnni"
	}
	return "generic"
}

// targetFeatures is the LLVM function attribute value for f, or "".
func (f Features) targetFeatures() string {
	if f.AVX512DotBytes {
		return "+avx512f,+avx512bw,+avx512vbmi,+avx512vnni"
	}
	return ""
}
