// Package lpusim projects and simulates quantized LLM inference on an
// LPU-like chip described by an ir.LPUTarget.
//
// It has two parts. Kernel simulation (kernel.go, timing.go,
// simulate.go): a kernel after the dot pass is mapped onto the chip, each
// dot loop a weight-stationary job for the matrix unit and the rest
// vector-unit work, timed by a documented tile model; Simulate also runs
// it, the matrix unit computing every dot loop from its packed bytes (via
// ir.ExecWith) and the interpreter the rest, bit-identical to ir.Exec.
// And the model-scale projection (model.go): the real
// layer shapes of a model (LLaMA-70B), the weight bytes of each q35c
// format including its scales, the chips needed to hold them in SRAM, a
// pipeline partition across those chips, and the per-token latency and
// tokens per second that a documented systolic timing model gives. Every
// assumption is a field of the result, and docs/lpusim.md writes the
// formulas out. There is no lowered LPU program yet (issue 6's
// --emit=lpu): the simulator works on the IR after the dot pass.
//
// lpusim imports only ir (and may import internal/diag); the frontend,
// passes, emitters and the runtime must not be imported here, so that the
// simulator stays an independent check of what they produce (its tests
// use the frontend and the dot pass to compile the kernels they run).
package lpusim
