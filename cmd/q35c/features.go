package main

import (
	"context"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// llvmFor emits m's LLVM IR for -march=CPU ("" for portable IR).
func llvmFor(ctx context.Context, m *ir.Module, march string) ([]byte, error) {
	feat, err := cpuFeatures(ctx, march)
	if err != nil {
		return nil, err
	}
	text, err := emit.LLVMFor(m, feat)
	if err != nil {
		return nil, &internalError{msg: "emitting LLVM IR: " + err.Error()}
	}
	return text, nil
}

// cpuFeatures asks clang which instruction sets -march=CPU has, for the
// LLVM emitter's packed dot products; an empty CPU is clang's generic
// target, which needs no question.
func cpuFeatures(ctx context.Context, march string) (emit.Features, error) {
	if march == "" {
		return emit.Features{}, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	macros, err := toolchain.Clang(ctx, "-march="+march, "-dM", "-E", "-x", "c", "/dev/null")
	if err != nil {
		return emit.Features{}, &ioError{err}
	}
	return emit.FeaturesFromMacros(string(macros)), nil
}
