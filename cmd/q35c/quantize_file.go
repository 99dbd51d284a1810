package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/internal/tensorio"
	"github.com/q35c/q35c/runtime"
)

// item is what quantize does with one input tensor.
type item struct {
	t     *tensorio.Tensor
	quant bool // quantized; otherwise copied as it is
	n, k  int  // for a quantized tensor: N rows of K
	specs []tensorio.Spec
}

// plan decides, before any work, what becomes of every tensor, so that a
// bad shape is reported at once, not after hours of quantizing.
func plan(f *tensorio.File, s *scheme, g int) ([]item, error) {
	items := make([]item, len(f.Tensors))
	seen := map[string]string{} // output tensor -> input tensor
	for i := range f.Tensors {
		t := &f.Tensors[i]
		it := item{t: t, specs: []tensorio.Spec{{Name: t.Name, DType: t.DType, Shape: t.Shape}}}
		if len(t.Shape) == 2 && t.DType.IsFloat() && t.NumElements() > 0 {
			it.quant, it.n, it.k = true, t.Shape[0], t.Shape[1]
			if it.k%g != 0 {
				return nil, fmt.Errorf("%s: tensor %q (%s): K = %d is not a multiple of the group size %d", f.Path, t.Name, t.ShapeString(), it.k, g)
			}
			it.specs = s.specs(t.Name, it.n, it.k, g)
		}
		for _, sp := range it.specs {
			if prev, dup := seen[sp.Name]; dup {
				return nil, fmt.Errorf("%s: tensors %q and %q would both be written as %q", f.Path, prev, t.Name, sp.Name)
			}
			seen[sp.Name] = t.Name
		}
		items[i] = it
	}
	return items, nil
}

// outputMetadata is the input's metadata plus what a reader needs to
// decode the quantized tensors.
func outputMetadata(in map[string]string, s *scheme, g int) map[string]string {
	m := make(map[string]string, len(in)+3)
	for k, v := range in {
		m[k] = v
	}
	m["q35c.scheme"] = s.name
	m["q35c.group"] = strconv.Itoa(g)
	m["q35c.layout"] = s.layout
	return m
}

func runQuantizeFile(ctx context.Context, c *cobra.Command, in string, o *quantizeOpts, s *scheme) error {
	f, err := tensorio.Open(in)
	if err != nil {
		return &ioError{err}
	}
	defer f.Close()
	items, err := plan(f, s, o.group)
	if err != nil {
		return &ioError{err}
	}
	if sameFile(in, o.output) {
		return fmt.Errorf("-o %s is the input file: write the quantized weights elsewhere", o.output)
	}
	out, err := createAtomic(o.output)
	if err != nil {
		return err
	}
	q := &quantizer{ctx: ctx, f: f, s: s, g: o.group, items: items, stdout: c.OutOrStdout()}
	q.prog = newProgress(c.ErrOrStderr(), o.quiet, items)
	if err := q.run(out); err != nil {
		out.abort()
		q.prog.clear()
		if ctx.Err() != nil {
			return &ioError{fmt.Errorf("interrupted; %s was not written", o.output)}
		}
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	return q.summary(o.output)
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// quantizer runs one quantize IN -o OUT.
type quantizer struct {
	ctx    context.Context
	f      *tensorio.File
	s      *scheme
	g      int
	items  []item
	stdout io.Writer
	prog   *progress
	table  *table
	total  runtime.StatsSum // over every quantized weight
	before int64
	after  int64
}

func (q *quantizer) run(out *atomicFile) error {
	bw := bufio.NewWriterSize(out, 1<<20)
	var specs []tensorio.Spec
	for _, it := range q.items {
		specs = append(specs, it.specs...)
	}
	w, err := tensorio.NewWriter(bw, outputMetadata(q.f.Metadata, q.s, q.g), specs)
	if err != nil {
		return q.writeError(out, err)
	}
	q.startTable()
	for i := range q.items {
		if err := q.one(w, &q.items[i]); err != nil {
			return q.writeError(out, err)
		}
	}
	if err := w.Close(); err != nil {
		return &internalError{msg: "quantize: " + err.Error()}
	}
	if err := bw.Flush(); err != nil {
		return q.writeError(out, err)
	}
	q.prog.clear()
	return q.table.flush()
}

// inputError marks an error about the input data (not about writing).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }

// writeError makes an ioError of err: input errors as they are, anything
// else as a failure to write the output.
func (q *quantizer) writeError(out *atomicFile, err error) error {
	var ie *inputError
	if errors.As(err, &ie) {
		return &ioError{ie.err}
	}
	if q.ctx.Err() != nil {
		return q.ctx.Err()
	}
	return &ioError{fmt.Errorf("cannot write %s: %v", out.path, unwrapPathErr(err))}
}

// one quantizes or copies one tensor, writes it and prints its line.
func (q *quantizer) one(w *tensorio.Writer, it *item) error {
	t := it.t
	q.prog.begin(t)
	defer q.f.Release(t)
	if !it.quant {
		if err := tensorio.Guard(func() error { return w.WriteTensor(t.Name, t.Data) }); err != nil {
			if errors.Is(err, tensorio.ErrFault) {
				return &inputError{fmt.Errorf("%s: tensor %q: %v", q.f.Path, t.Name, err)}
			}
			return err
		}
		q.prog.advance(int64(len(t.Data)))
		q.report(it, int64(len(t.Data)), nil)
		return nil
	}
	rowBytes := int64(it.k * t.DType.Size())
	parts, st, err := quantizeMatrix(q.ctx, tensorRows(q.f, t, it.k), it.n, it.k, q.g, q.s, func(rows int) {
		q.prog.advance(int64(rows) * rowBytes)
	})
	if err != nil {
		if q.ctx.Err() != nil {
			return q.ctx.Err()
		}
		return &inputError{fmt.Errorf("%s: tensor %q: %v", q.f.Path, t.Name, err)}
	}
	var size int64
	for i, p := range parts {
		if err := w.WriteTensor(it.specs[i].Name, p); err != nil {
			return err
		}
		size += int64(len(p))
	}
	q.total.Add(st)
	q.report(it, size, &st)
	return nil
}

var quantizeColumns = []string{"tensor", "shape", "dtype", "bits/weight", "before", "after", "rel. RMSE", "max abs error"}

func (q *quantizer) startTable() {
	// Room for the longest name and shape, and for sizes up to "1023.9 KiB".
	widths := []int{0, 0, 5, 0, 10, 10}
	for _, it := range q.items {
		widths[0] = max(widths[0], len(it.t.Name), len("total"))
		widths[1] = max(widths[1], len(it.t.ShapeString()))
	}
	q.table = newTable(q.stdout, widths, quantizeColumns...)
}

// report prints one tensor's line; st is nil for a tensor copied as it is.
func (q *quantizer) report(it *item, after int64, st *runtime.Stats) {
	t := it.t
	before := int64(len(t.Data))
	q.before += before
	q.after += after
	bits, rel, maxAbs := float64(8*t.DType.Size()), "kept", "-"
	if st != nil {
		bits, rel, maxAbs = q.s.bits(q.g), percent(st.RelRMSE), fmt.Sprintf("%.4g", st.MaxAbs)
	}
	q.prog.clear()
	q.table.row(t.Name, t.ShapeString(), string(t.DType), fmt.Sprintf("%.3f", bits), byteSize(before), byteSize(after), rel, maxAbs)
	q.prog.draw()
}

// summary prints the totals once the output is in place.
func (q *quantizer) summary(out string) error {
	nq := 0
	for _, it := range q.items {
		if it.quant {
			nq++
		}
	}
	rel, maxAbs := "-", "-"
	if nq > 0 {
		st := q.total.Stats()
		rel, maxAbs = percent(st.RelRMSE), fmt.Sprintf("%.4g", st.MaxAbs)
	}
	bits := "-"
	if elems := q.elements(); elems > 0 {
		bits = fmt.Sprintf("%.3f", float64(8*q.after)/float64(elems))
	}
	q.table.row("total", "", "", bits, byteSize(q.before), byteSize(q.after), rel, maxAbs)
	size := q.after
	if st, err := os.Stat(out); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(q.stdout, "\nwrote %s (%s): %d of %d tensors quantized with %s, group %d\n",
		out, byteSize(size), nq, len(q.items), q.s.name, q.g)
	return q.table.flush()
}

func (q *quantizer) elements() int64 {
	var n int64
	for _, it := range q.items {
		n += int64(it.t.NumElements())
	}
	return n
}
