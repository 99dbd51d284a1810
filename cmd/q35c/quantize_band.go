package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/q35c/q35c/internal/tensorio"
	"github.com/q35c/q35c/runtime"
)

// bandWeights is about how many weights are converted to f32 and quantized
// at a time, so the f32 working copy stays at 16 MiB whatever the size of
// the tensor; the quantizer spreads a band's rows over every core. Only the
// quantized tensor (a quarter of an f16 input for q35 and int4, about half
// for int8) is held whole. The band size depends on K only, never on the
// number of cores, so results do not either.
var bandWeights = 1 << 22 // a variable only so that tests can make bands small

func bandRows(k int) int { return max(1, bandWeights/k) }

// rowSource fills dst with rows [r0, r1) of an n×k matrix as float32.
type rowSource func(dst []float32, r0, r1 int) error

// quantizeMatrix quantizes an n×k matrix band by band with scheme s and
// returns its parts (each the concatenation of the bands' rows) and the
// error statistics. done is called with the rows finished after each band.
func quantizeMatrix(ctx context.Context, src rowSource, n, k, g int, s *scheme, done func(rows int)) ([][]byte, runtime.Stats, error) {
	parts := make([][]byte, len(s.parts))
	for i, p := range s.parts {
		parts[i] = make([]byte, n*p.rowBytes(k, g))
	}
	var acc runtime.StatsSum
	w := make([]float32, min(n, bandRows(k))*k)
	for r0 := 0; r0 < n; r0 += bandRows(k) {
		if err := ctx.Err(); err != nil {
			return nil, runtime.Stats{}, err
		}
		r1 := min(n, r0+bandRows(k))
		band := w[:(r1-r0)*k]
		if err := src(band, r0, r1); err != nil {
			return nil, runtime.Stats{}, err
		}
		q, err := s.quantize(band, k, r1-r0, g)
		if err != nil {
			return nil, runtime.Stats{}, bandError(err, r0, r1)
		}
		for i, p := range s.parts {
			copy(parts[i][r0*p.rowBytes(k, g):], q.parts[i])
		}
		acc.Add(bandErrors(band, k, q.dequant))
		done(r1 - r0)
	}
	return parts, acc.Stats(), nil
}

// bandError makes a quantizer error about a band's rows speak of the
// tensor's rows: the runtime numbers rows from the start of the band.
func bandError(err error, r0, r1 int) error {
	var row, col int
	msg := err.Error()
	if n, _ := fmt.Sscanf(msg, "weight at row %d, column %d is", &row, &col); n == 2 {
		_, val, _ := strings.Cut(msg, " is ")
		return fmt.Errorf("weight at row %d, column %d is %s", r0+row, col, val)
	}
	return fmt.Errorf("rows %d..%d: %w", r0, r1-1, err)
}

// statsWeights is how many weights' errors one goroutine measures at a time.
// Fixed, so the order of the float64 sums, and so the result, does not
// depend on the number of cores.
const statsWeights = 1 << 18

// bandErrors is runtime.MatrixErrors over the rows of a band, measured in
// pieces on every core and merged in row order.
func bandErrors(w []float32, k int, dequant func(n, k int) float32) runtime.Stats {
	rows := len(w) / k
	step := max(1, statsWeights/k)
	pieces := make([]runtime.Stats, (rows+step-1)/step)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(goruntime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(pieces); i = int(next.Add(1)) - 1 {
				r0 := i * step
				r1 := min(rows, r0+step)
				pieces[i] = runtime.MatrixErrors(w[r0*k:r1*k], k, func(n, k int) float32 { return dequant(r0+n, k) })
			}
		})
	}
	wg.Wait()
	var acc runtime.StatsSum
	for _, st := range pieces {
		acc.Add(st)
	}
	return acc.Stats()
}

// tensorRows reads rows of a 2-D F32, F16 or BF16 tensor of row length k
// from f's mapping, converting with the runtime's exact converters, and
// releases their pages once converted. A fault on the mapping (the file
// truncated meanwhile) is an error, not a crash.
func tensorRows(f *tensorio.File, t *tensorio.Tensor, k int) rowSource {
	size := t.DType.Size()
	return func(dst []float32, r0, r1 int) error {
		b := t.Data[r0*k*size : r1*k*size]
		defer f.ReleaseRange(t, r0*k*size, r1*k*size)
		return tensorio.Guard(func() error {
			switch t.DType {
			case tensorio.F32:
				for i := range dst {
					dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
				}
			case tensorio.F16:
				for i := range dst {
					dst[i] = runtime.F16(binary.LittleEndian.Uint16(b[2*i:]))
				}
			case tensorio.BF16:
				for i := range dst {
					dst[i] = runtime.BF16(binary.LittleEndian.Uint16(b[2*i:]))
				}
			default:
				return fmt.Errorf("cannot convert %s to f32", t.DType)
			}
			return nil
		})
	}
}
