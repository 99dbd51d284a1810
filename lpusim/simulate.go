package lpusim

import (
	"fmt"

	"github.com/q35c/q35c/ir"
)

// Simulate runs kernel f on t: Map's timing, and a functional execution in
// which the matrix unit (below) computes every dot loop from its packed
// bytes and the interpreter runs the rest (the vector unit and the
// control). mem is the storage of f's parameters, as for ir.Exec; the
// outputs are written to it. The result is bit-identical to ir.Exec on
// the kernel before any pass, which cmd/q35c's tests check.
func Simulate(f *ir.Func, t *ir.LPUTarget, mem [][]byte) (*KernelReport, error) {
	m, err := mapKernel(f, t)
	if err != nil {
		return nil, err
	}
	if err := ir.ExecWith(f, mem, ir.Hooks{Dot: m.matrixUnit}); err != nil {
		return nil, err
	}
	return m.report, nil
}

// matrixUnit computes one execution of a dot loop as the hardware would:
// each lane's code decoded from the code window (its pieces' bits shifted
// into place, XOR Flip, minus Bias: the signed code), times the signed
// activation byte, summed into the accumulator in wrapping INT32.
func (m *mapping) matrixUnit(op *ir.Op, val func(*ir.Value) int64, buf func(*ir.Buffer) []byte) ([]int64, error) {
	p := m.plans[op]
	if p == nil {
		return nil, fmt.Errorf("lpusim: the dot loop at %s was not mapped", op.Pos)
	}
	acc := make([]int32, len(op.Args))
	for i, a := range op.Args {
		acc[i] = int32(val(a))
	}
	for _, c := range p.Chunks {
		codes, err := window(c.Codes, val, buf, "codes")
		if err != nil {
			return nil, err
		}
		acts, err := window(c.Acts, val, buf, "activations")
		if err != nil {
			return nil, err
		}
		var sum int32
		for l := range c.Lanes {
			sum += int32(int8(acts[c.Act[l]])) * decodeLane(c, codes, l)
		}
		acc[c.Acc] += sum
	}
	out := make([]int64, len(acc))
	for i, a := range acc {
		out[i] = int64(a)
	}
	return out, nil
}

// decodeLane is decode; tests replace it with broken decoders to show
// that the equality checks catch them.
var decodeLane = decode

// decode returns lane l's signed code from the chunk's code window w.
func decode(c *ir.DotChunk, w []byte, l int) int32 {
	var u uint8
	for _, ps := range c.Pieces {
		p := ps[l]
		if p.Len == 0 {
			continue
		}
		mask := uint8(uint(1)<<p.Len - 1)
		u |= (w[p.Byte] >> p.Shift) & mask << p.Dst
	}
	return int32(u^c.Flip[l]) - int32(c.Bias[l])
}

// window returns the bytes of w at the current loop variables, or an error
// when they fall outside the buffer.
func window(w ir.DotWindow, val func(*ir.Value) int64, buf func(*ir.Buffer) []byte, what string) ([]byte, error) {
	data := buf(w.Buf)
	lo := w.Base.Eval(val)
	if lo < 0 || lo+w.Len > int64(len(data)) {
		return nil, fmt.Errorf("lpusim: the %s window [%d, %d) is outside %%%s's %d bytes", what, lo, lo+w.Len, w.Buf.Name, len(data))
	}
	return data[lo : lo+w.Len], nil
}
