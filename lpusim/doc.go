// Package lpusim projects and (later) simulates quantized LLM inference on
// an LPU-like chip described by an ir.LPUTarget.
//
// What it has today is the model-scale projection (model.go): the real
// layer shapes of a model (LLaMA-70B), the weight bytes of each q35c
// format including its scales, the chips needed to hold them in SRAM, a
// pipeline partition across those chips, and the per-token latency and
// tokens per second that a documented systolic timing model gives. Every
// assumption is a field of the result, and docs/lpusim.md writes the
// formulas out. Executing lowered LPU programs bit-exactly and counting
// their cycles is issue 6's next step and is not here yet.
//
// lpusim imports only ir (and may import internal/diag); the frontend,
// passes, emitters and the runtime must not be imported here, so that the
// simulator stays an independent check of what they produce.
package lpusim
