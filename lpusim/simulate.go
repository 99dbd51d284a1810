package lpusim

import (
	"encoding/binary"
	"fmt"

	"github.com/q35c/q35c/ir"
)

// Run executes the LPU program p functionally: the interpreter runs the
// vector unit's program (p.Func), and before each of its top-level ops the
// matrix unit runs that op's matmuls tile by tile, as the program lists
// them, writing their INT32 sums into the stream buffers the vector code
// then reads. mem is the storage of the kernel's parameters
// (p.Func.Params[:p.Kernel]), as for ir.Exec; the outputs are written to
// it. The result is bit-identical to ir.Exec on the kernel before any
// pass, which the tests check on every example.
func Run(p *ir.LPUProgram, mem [][]byte) error {
	if len(mem) != p.Kernel {
		return fmt.Errorf("lpusim: got storage for %d buffers, the kernel has %d", len(mem), p.Kernel)
	}
	all := append(mem[:len(mem):len(mem)], make([][]byte, len(p.Matmuls))...)
	for i, mm := range p.Matmuls {
		all[p.Kernel+i] = make([]byte, mm.Sums.StorageBytes())
	}
	bufs := map[*ir.Buffer]int{}
	for i, b := range p.Func.Params {
		bufs[b] = i
	}
	before := func(i int, all [][]byte) error {
		for k, mm := range p.Matmuls {
			if mm.Before != i {
				continue
			}
			u := &matrixUnit{mm: mm, sums: all[p.Kernel+k], buf: func(b *ir.Buffer) []byte {
				if j, ok := bufs[b]; ok {
					return all[j]
				}
				return nil
			}}
			if err := u.run(); err != nil {
				return fmt.Errorf("%s: %v", mm.Pos, err)
			}
		}
		return nil
	}
	return ir.ExecWith(p.Func, all, ir.Hooks{Before: before})
}

// matrixUnit runs one matmul.
type matrixUnit struct {
	mm   *ir.LPUMatmul
	sums []byte
	buf  func(*ir.Buffer) []byte
	cur  map[*ir.Value]int64 // the loops' variables
	// per class: the loops (indexes into mm.Loops), innermost last
	class [3][]int
	// the weights installed in the plane: per chunk, per lane
	weights [][]int32
	lanes   [][]laneDecoder // per chunk, per lane
}

// laneDecoder is one lane's decode, flattened from the chunk's Pieces
// into exactly three (unused ones have mask 0), with window bytes below
// 64 (a code window is at most 64 bytes), so decoding is straight-line.
type laneDecoder struct {
	byte [3]uint8
	sh   [3]uint8
	mask [3]uint8
	dst  [3]uint8
	flip uint8
	bias int32
}

// decoders flattens a chunk's pieces per lane, or returns nil when a lane
// has more than three pieces or a window is longer than 64 bytes (then
// decode runs instead).
func decoders(c *ir.DotChunk) []laneDecoder {
	if c.Codes.Len > 64 {
		return nil
	}
	out := make([]laneDecoder, c.Lanes)
	for l := range out {
		d := &out[l]
		d.flip, d.bias = c.Flip[l], int32(c.Bias[l])
		n := 0
		for _, ps := range c.Pieces {
			p := ps[l]
			if p.Len == 0 {
				continue
			}
			if n == len(d.byte) {
				return nil
			}
			d.byte[n], d.sh[n], d.mask[n], d.dst[n] = uint8(p.Byte), p.Shift, uint8(uint(1)<<p.Len-1), p.Dst
			n++
		}
	}
	return out
}

// run executes every tile: a tile's weights are decoded from their packed
// bytes once (installed in the plane) and every streamed row of
// activations is multiplied by them, the products summed in wrapping INT32
// and added to the stream buffer (a group cut into several tiles gets
// their partial sums added).
func (u *matrixUnit) run() error {
	mm := u.mm
	clear(u.sums)
	u.cur = map[*ir.Value]int64{}
	for i, l := range mm.Loops {
		u.class[l.Class] = append(u.class[l.Class], i)
	}
	strides := make([]int64, len(mm.Loops))
	stride := int64(len(mm.Inits))
	for i := len(mm.Loops) - 1; i >= 0; i-- {
		strides[i] = stride
		stride *= mm.Loops[i].Trip
	}
	u.weights = make([][]int32, len(mm.Plan.Chunks))
	u.lanes = make([][]laneDecoder, len(mm.Plan.Chunks))
	for c, ch := range mm.Plan.Chunks {
		u.weights[c] = make([]int32, ch.Lanes)
		if decodeLane == nil {
			u.lanes[c] = decoders(ch)
		}
	}
	val := func(v *ir.Value) int64 { return u.cur[v] }
	for _, t := range mm.Tiles {
		for g := t.K0 / mm.GroupK; g*mm.GroupK < t.K1; g++ {
			lo, hi := max(t.K0-g*mm.GroupK, 0), min(t.K1-g*mm.GroupK, mm.GroupK)
			gOff := u.set(ir.ClassK, g, strides)
			for n := t.N0; n < t.N1; n++ {
				nOff := u.set(ir.ClassN, n, strides)
				if err := u.install(lo, hi, val); err != nil {
					return err
				}
				for m := t.M0; m < t.M1; m++ {
					mOff := u.set(ir.ClassM, m, strides)
					if err := u.stream(lo, hi, gOff+nOff+mOff, val); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// set gives the loops of class c the variables of their flat index i and
// returns their part of the stream buffer's element offset.
func (u *matrixUnit) set(c ir.LoopClass, i int64, strides []int64) int64 {
	var off int64
	loops := u.class[c]
	for j := len(loops) - 1; j >= 0; j-- {
		l := &u.mm.Loops[loops[j]]
		idx := i % l.Trip
		i /= l.Trip
		u.cur[l.IV] = l.Lower + idx*l.Step
		off += idx * strides[loops[j]]
	}
	return off
}

// install decodes the codes of weight-column positions [lo, hi).
func (u *matrixUnit) install(lo, hi int64, val func(*ir.Value) int64) error {
	mm := u.mm
	for c, ch := range mm.Plan.Chunks {
		a, b := lanesIn(mm.Column[c], int64(ch.Lanes), lo, hi)
		if a >= b {
			continue
		}
		w, err := window(ch.Codes, val, u.buf, "codes")
		if err != nil {
			return err
		}
		ws, ds := u.weights[c], u.lanes[c]
		if ds == nil {
			for l := a; l < b; l++ {
				ws[l] = decodeWith(ch, w, int(l))
			}
			continue
		}
		var wb [64]byte
		copy(wb[:], w)
		for l := a; l < b; l++ {
			d := &ds[l]
			// Shift counts below 8 (masked so the compiler knows).
			v := (wb[d.byte[0]&63]>>(d.sh[0]&7))&d.mask[0]<<(d.dst[0]&7) |
				(wb[d.byte[1]&63]>>(d.sh[1]&7))&d.mask[1]<<(d.dst[1]&7) |
				(wb[d.byte[2]&63]>>(d.sh[2]&7))&d.mask[2]<<(d.dst[2]&7)
			ws[l] = int32(v^d.flip) - d.bias
		}
	}
	return nil
}

// stream multiplies one execution's activations by the installed weights
// and adds each accumulator's sum to the stream buffer at element off.
func (u *matrixUnit) stream(lo, hi, off int64, val func(*ir.Value) int64) error {
	mm := u.mm
	for c, ch := range mm.Plan.Chunks {
		a, b := lanesIn(mm.Column[c], int64(ch.Lanes), lo, hi)
		if a >= b {
			continue
		}
		acts, err := window(ch.Acts, val, u.buf, "activations")
		if err != nil {
			return err
		}
		var sum int32
		for l := a; l < b; l++ {
			sum += int32(int8(acts[ch.Act[l]])) * u.weights[c][l]
		}
		at := 4 * (off + int64(ch.Acc))
		old := binary.LittleEndian.Uint32(u.sums[at:])
		binary.LittleEndian.PutUint32(u.sums[at:], old+uint32(sum))
	}
	return nil
}

// lanesIn returns the lanes of a chunk at column positions [col, col+n)
// that fall in [lo, hi), as lane indexes.
func lanesIn(col, n, lo, hi int64) (int64, int64) {
	return max(lo-col, 0), min(hi-col, n)
}

// decodeLane, when set, replaces the matrix unit's decoder: tests set
// broken decoders to show that the equality checks catch them.
var decodeLane func(c *ir.DotChunk, w []byte, l int) int32

func decodeWith(c *ir.DotChunk, w []byte, l int) int32 {
	if decodeLane != nil {
		return decodeLane(c, w, l)
	}
	return decode(c, w, l)
}

// decode returns lane l's signed code from the chunk's code window w: each
// piece's bits (byte >> Shift) & (2^Len − 1) placed at Dst, XOR Flip,
// minus Bias.
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
	if data == nil {
		return nil, fmt.Errorf("lpusim: the %s window reads %%%s, which is not a parameter of the kernel", what, w.Buf.Name)
	}
	lo := w.Base.Eval(val)
	if lo < 0 || lo+w.Len > int64(len(data)) {
		return nil, fmt.Errorf("lpusim: the %s window [%d, %d) is outside %%%s's %d bytes", what, lo, lo+w.Len, w.Buf.Name, len(data))
	}
	return data[lo : lo+w.Len], nil
}
