package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/q35c/q35c/emit"
	"github.com/q35c/q35c/internal/native"
	"github.com/q35c/q35c/ir"
	"github.com/q35c/q35c/passes"
	q35rt "github.com/q35c/q35c/runtime"
)

type benchOpts struct {
	compileOpts
	kernel  string
	threads int
	reps    int
	warmup  int
	bwMiB   int64
	march   string
	weights string
	compare bool
	json    string
	seed    uint64
	warm    bool
}

func newBenchCmd() *cobra.Command {
	o := &benchOpts{}
	c := &cobra.Command{
		Use:   "bench FILE|-",
		Short: "Build a kernel natively and measure it: time per call, GMAC/s, GB/s of weights, fraction of streaming bandwidth",
		Long: `bench builds one kernel of FILE natively through q35c's LLVM IR (the --target
cpu pipeline unless --pipeline or --target says otherwise) with clang-19,
links it into a C driver, fills the inputs with random values, and times
--reps calls after --warmup calls on --threads OpenMP threads. In the same
process the driver measures the machine's streaming read bandwidth (summing
--bw-mib MiB on all threads), so the kernel's weight traffic is reported as
a fraction of what the machine can stream. Before every call the driver
reads four times the last-level cache on every thread, so that each call
reads its inputs from memory as one layer of a model does (--warm skips
this). -march (native by default) lets the packed dot products use the
CPU's AVX-512 VNNI and VBMI instructions.

It prints the median and spread (min, max) of the time per call, GMAC/s
(multiplies the kernel executes, counted from the IR's trip counts), GB/s
of the weights (the largest input, or the inputs --weights lists: W,Se,So
counts a 3.5-bit matrix's scales with its codes) and the fraction of the
streaming bandwidth that is.

--compare adds, in the same run and on the same shape, our MLIR road (MLIR
→ mlir-opt → mlir-translate → clang), and for INT8 × 3.5-bit matmuls the
runtime package's pure-Go fast kernel and Go reference, as ratios to the
LLVM road. --json writes every figure to a file.

` + passesHelp(),
		Example: `  q35c bench examples/llama70b.q35 --kernel matmul_q35_m1 --threads 2
  q35c bench examples/llama70b.q35 --kernel matmul_q35_m32 --compare --json bench.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runBench(c, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.kernel, "kernel", "", "the kernel to measure (default: the file's only kernel)")
	f.IntVar(&o.threads, "threads", runtime.NumCPU(), "OpenMP threads (OMP_NUM_THREADS) for the kernel and the bandwidth probe")
	f.IntVar(&o.reps, "reps", 20, "timed calls")
	f.IntVar(&o.warmup, "warmup", 3, "untimed calls before them")
	f.Int64Var(&o.bwMiB, "bw-mib", 1024, "MiB the streaming-bandwidth probe sums per pass (0 skips it)")
	f.BoolVar(&o.warm, "warm", false, "do not evict the caches before each call (by default each call reads its inputs from memory, as a layer of a model does)")
	f.StringVar(&o.march, "march", "native", "pass -march=`CPU` to clang")
	f.StringVar(&o.weights, "weights", "", "the input buffers (`NAME[,NAME...]`, e.g. W,Se,So for codes and scales) whose bytes are the weight traffic (default: the largest input)")
	f.BoolVar(&o.compare, "compare", false, "also measure the MLIR road and, for INT8 x 3.5-bit matmuls, the Go fast kernel and the Go reference")
	f.StringVar(&o.json, "json", "", "write the figures as JSON to `FILE`")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the random inputs")
	f.BoolVar(&o.allowOverflow, "allow-overflow", false, "measure kernels whose integer accumulators may overflow")
	addPassFlags(f, &o.passes)
	return c
}

// benchRow is one measured implementation of the kernel.
type benchRow struct {
	Name      string    `json:"name"`
	TimesNs   []float64 `json:"times_ns"`
	MedianNs  float64   `json:"median_ns"`
	MinNs     float64   `json:"min_ns"`
	MaxNs     float64   `json:"max_ns"`
	GMACPerS  float64   `json:"gmac_per_s"`
	WeightGBs float64   `json:"weight_gb_per_s"`
	InputGBs  float64   `json:"input_gb_per_s"`
	OfStream  float64   `json:"fraction_of_stream_bw"`
	VsLLVM    float64   `json:"time_vs_llvm"` // median time / the LLVM road's
}

// benchReport is what --json writes.
type benchReport struct {
	File        string     `json:"file"`
	Kernel      string     `json:"kernel"`
	Pipeline    string     `json:"pipeline"`
	Threads     int        `json:"threads"`
	Reps        int        `json:"reps"`
	Warmup      int        `json:"warmup"`
	MACs        int64      `json:"macs"`
	WeightBuf   string     `json:"weight_buffer"`
	WeightBytes int64      `json:"weight_bytes"`
	InputBytes  int64      `json:"input_bytes"`
	StreamGBs   float64    `json:"stream_read_gb_per_s"` // best pass of the probe
	StreamMiB   int64      `json:"stream_probe_mib"`
	FlushBytes  int64      `json:"flush_bytes"` // read before each call to evict the caches (0: warm calls)
	CPU         string     `json:"cpu"`
	Rows        []benchRow `json:"rows"`
}

func runBench(c *cobra.Command, path string, o *benchOpts) error {
	if o.reps < 1 || o.warmup < 0 || o.threads < 1 || o.bwMiB < 0 {
		return fmt.Errorf("--reps and --threads must be at least 1, --warmup and --bw-mib at least 0")
	}
	if o.passes.pipeline == "" && o.passes.target == "" {
		o.passes.target = "cpu"
	}
	pipeText, err := o.passes.text()
	if err != nil {
		return err
	}
	macs := map[string]int64{} // counted on the frontend's IR, whatever the passes do to the loops
	o.beforePasses = func(m *ir.Module) {
		for _, f := range m.Funcs {
			macs[f.Name] = countMACs(f)
		}
	}
	_, m, err := o.transformed(c, path, "llvm")
	if err != nil {
		return err
	}
	if err := emit.CheckCNames(m); err != nil {
		return &ioError{err}
	}
	f, err := pickKernel(m, o.kernel)
	if err != nil {
		return err
	}
	kernelOnly := &ir.Module{Name: m.Name, Funcs: []*ir.Func{f}}
	r := &benchReport{File: path, Kernel: f.Name, Pipeline: pipeText, Threads: o.threads, Reps: o.reps, Warmup: o.warmup,
		MACs: macs[f.Name], StreamMiB: o.bwMiB, FlushBytes: o.flushBytes(), CPU: cpuName()}
	wbs, err := weightBuffers(f, o.weights)
	if err != nil {
		return err
	}
	var names []string
	for _, b := range wbs {
		names = append(names, b.Name)
		r.WeightBytes += b.StorageBytes()
	}
	r.WeightBuf = strings.Join(names, "+")
	for _, b := range f.Params {
		if b.Kind == ir.In {
			r.InputBytes += b.StorageBytes()
		}
	}
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := os.MkdirTemp("", "q35c-bench-")
	if err != nil {
		return &ioError{err}
	}
	defer os.RemoveAll(dir)
	openmp := usesParallel(kernelOnly)
	env := fmt.Sprintf("OMP_NUM_THREADS=%d", o.threads)
	driver, err := native.DriverSource(f)
	if err != nil {
		return &internalError{msg: err.Error()}
	}
	// The LLVM road, which also runs the bandwidth probe.
	text, err := llvmFor(ctx, kernelOnly, o.march)
	if err != nil {
		return err
	}
	obj, err := nativeBuild(ctx, text, "o", o.march, openmp)
	if err != nil {
		return err
	}
	llvmObj := filepath.Join(dir, "llvm.o")
	if err := os.WriteFile(llvmObj, obj, 0o644); err != nil {
		return &ioError{err}
	}
	res, err := benchNative(ctx, dir, "llvm", llvmObj, driver, openmp, o, o.bwMiB<<20, env)
	if err != nil {
		return err
	}
	if res.Bandwidth != nil {
		r.StreamGBs = res.Bandwidth.BestBytes / 1e9
	}
	r.Rows = append(r.Rows, newRow("llvm (q35c LLVM IR)", res.TimesNs))
	if o.compare {
		var mlir strings.Builder
		if err := emit.MLIR(&mlir, kernelOnly, emit.Options{}); err != nil {
			return &internalError{msg: "emitting MLIR: " + err.Error()}
		}
		mlirObj := filepath.Join(dir, "mlir.o")
		if err := native.MLIRObject(ctx, kernelOnly, []byte(mlir.String()), mlirObj, openmp); err != nil {
			return &ioError{fmt.Errorf("the MLIR road: %v", err)}
		}
		res, err := benchNative(ctx, dir, "mlir", mlirObj, driver, openmp, o, 0, env)
		if err != nil {
			return err
		}
		r.Rows = append(r.Rows, newRow("mlir (mlir-opt, mlir-translate)", res.TimesNs))
		if rows := goRows(f, o); rows != nil {
			r.Rows = append(r.Rows, rows...)
		}
	}
	r.finish()
	r.print(c.OutOrStdout())
	if o.json != "" {
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return &internalError{msg: err.Error()}
		}
		return writeOutput(o.json, append(data, '\n'), c.OutOrStdout())
	}
	return nil
}

// benchNative links obj with the driver and runs its bench mode.
func benchNative(ctx context.Context, dir, name, obj string, driver []byte, openmp bool, o *benchOpts, bwBytes int64, env string) (*native.BenchResult, error) {
	exe := filepath.Join(dir, name)
	if err := native.Build(ctx, []string{obj}, driver, exe, openmp); err != nil {
		return nil, &ioError{fmt.Errorf("linking the %s driver: %v", name, err)}
	}
	res, err := native.Bench(ctx, exe, o.reps, o.warmup, o.seed, bwBytes, o.flushBytes(), env)
	if err != nil {
		return nil, &ioError{fmt.Errorf("running the %s driver: %v", name, err)}
	}
	return res, nil
}

// pickKernel returns the kernel called name, or the only one.
func pickKernel(m *ir.Module, name string) (*ir.Func, error) {
	var names []string
	for _, f := range m.Funcs {
		if f.Name == name || name == "" && len(m.Funcs) == 1 {
			return f, nil
		}
		names = append(names, f.Name)
	}
	if name == "" {
		return nil, fmt.Errorf("%s has %d kernels: choose one with --kernel (%s)", m.Name, len(m.Funcs), strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("%s has no kernel %q (kernels: %s)", m.Name, name, strings.Join(names, ", "))
}

// weightBuffers returns the inputs named in list (comma-separated), or
// the largest input (none when the kernel reads no buffer).
func weightBuffers(f *ir.Func, list string) ([]*ir.Buffer, error) {
	if list == "" {
		var best *ir.Buffer
		for _, b := range f.Params {
			if b.Kind == ir.In && (best == nil || b.StorageBytes() > best.StorageBytes()) {
				best = b
			}
		}
		if best == nil {
			return nil, nil
		}
		return []*ir.Buffer{best}, nil
	}
	var out []*ir.Buffer
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		var found *ir.Buffer
		for _, b := range f.Params {
			if b.Name == name && b.Kind == ir.In {
				found = b
			}
		}
		switch {
		case found == nil:
			return nil, fmt.Errorf("--weights: %s has no input buffer %q", f.Name, name)
		case seen[name]:
			return nil, fmt.Errorf("--weights: %q is listed twice", name)
		}
		seen[name] = true
		out = append(out, found)
	}
	return out, nil
}

// countMACs counts the multiplies (integer and float, not index
// arithmetic) f executes, from its loops' trip counts; loops whose trip
// count is not one number (triangular nests) count their largest.
func countMACs(f *ir.Func) int64 {
	var walk func(b *ir.Block, trips int64) int64
	walk = func(b *ir.Block, trips int64) int64 {
		var n int64
		for _, op := range b.Ops {
			switch {
			case op.Code == ir.OpMul && !op.Result().Type.IsIndex():
				n += trips
			case op.Code == ir.OpFor:
				n += walk(op.Loop.Body, trips*maxTrips(op.Loop))
			}
		}
		return n
	}
	return walk(f.Body, 1)
}

// maxTrips is a loop's trip count when it is one number, else 1.
func maxTrips(l *ir.Loop) int64 {
	if n, ok := passes.TripCount(l); ok {
		return n
	}
	return 1
}

// goRows measures the runtime package's Go kernels on the kernel's shape,
// when it is an INT8 × 3.5-bit matmul (the layout of examples/matmul_q35).
func goRows(f *ir.Func, o *benchOpts) []benchRow {
	mm, k, n, g, ok := q35Shape(f)
	if !ok {
		return nil
	}
	w, err := q35rt.NewQ35(k, n, g)
	if err != nil {
		return nil
	}
	rng := rand.New(rand.NewSource(int64(o.seed)))
	rng.Read(w.Codes)
	for i := range w.ScaleEven {
		w.ScaleEven[i], w.ScaleOdd[i] = rng.Float32(), rng.Float32()
	}
	a := make([]int8, mm*k)
	for i := range a {
		a[i] = int8(rng.Intn(256) - 128)
	}
	time1 := func(reps, warmup int, fn func()) []float64 {
		for i := 0; i < warmup; i++ {
			fn()
		}
		var ts []float64
		for i := 0; i < reps; i++ {
			t0 := time.Now()
			fn()
			ts = append(ts, float64(time.Since(t0).Nanoseconds()))
		}
		return ts
	}
	return []benchRow{
		newRow("go fast kernel (runtime.MatmulQ35Fast)", time1(o.reps, o.warmup, func() { q35rt.MatmulQ35Fast(a, mm, w, o.threads) })),
		// The reference is slow (seconds per layer): 3 calls at most, no warm-up.
		newRow("go reference (runtime.MatmulQ35, 1 thread)", time1(min(o.reps, 3), 0, func() { q35rt.MatmulQ35(a, mm, w) })),
	}
}

// q35Shape recognises matmul_q35's parameters: A i8[M, K], W i8[N, K/16*7],
// Se and So f32[N, K/G], C f32[M, N].
func q35Shape(f *ir.Func) (m, k, n, g int, ok bool) {
	p := f.Params
	if len(p) != 5 || p[0].Elem != ir.I8 || p[1].Elem != ir.I8 || p[2].Elem != ir.F32 || p[3].Elem != ir.F32 || p[4].Elem != ir.F32 {
		return
	}
	for _, b := range p {
		if len(b.Shape) != 2 {
			return
		}
	}
	m, k, n = int(p[0].Shape[0]), int(p[0].Shape[1]), int(p[1].Shape[0])
	groups := int(p[2].Shape[1])
	if groups == 0 || k%groups != 0 || int(p[1].Shape[1]) != k/16*7 || p[4].Shape[0] != int64(m) || p[4].Shape[1] != int64(n) {
		return
	}
	return m, k, n, k / groups, true
}

func newRow(name string, times []float64) benchRow {
	s := append([]float64(nil), times...)
	sort.Float64s(s)
	r := benchRow{Name: name, TimesNs: times}
	if len(s) > 0 {
		r.MinNs, r.MaxNs = s[0], s[len(s)-1]
		r.MedianNs = s[len(s)/2]
		if len(s)%2 == 0 {
			r.MedianNs = (s[len(s)/2-1] + s[len(s)/2]) / 2
		}
	}
	return r
}

// finish derives the rates of every row.
func (r *benchReport) finish() {
	base := r.Rows[0].MedianNs
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.MedianNs <= 0 {
			continue
		}
		row.GMACPerS = float64(r.MACs) / row.MedianNs
		row.WeightGBs = float64(r.WeightBytes) / row.MedianNs
		row.InputGBs = float64(r.InputBytes) / row.MedianNs
		if r.StreamGBs > 0 {
			row.OfStream = row.WeightGBs / r.StreamGBs
		}
		row.VsLLVM = row.MedianNs / base
	}
}

func (r *benchReport) print(w io.Writer) {
	fmt.Fprintf(w, "kernel %s (%s), pipeline %s\n", r.Kernel, r.File, r.Pipeline)
	weights := "no input buffers"
	if r.WeightBuf != "" {
		weights = fmt.Sprintf("weights %%%s %.1f MB, inputs %.1f MB", strings.ReplaceAll(r.WeightBuf, "+", "+%"), float64(r.WeightBytes)/1e6, float64(r.InputBytes)/1e6)
	}
	fmt.Fprintf(w, "%d threads, %d calls after %d warm-up; %.3g MACs; %s; %s\n",
		r.Threads, r.Reps, r.Warmup, float64(r.MACs), weights, r.CPU)
	if r.FlushBytes > 0 {
		fmt.Fprintf(w, "caches evicted before each call (%d MiB read on every thread)\n", r.FlushBytes>>20)
	} else {
		fmt.Fprintf(w, "warm calls: inputs may stay in cache between calls (--warm)\n")
	}
	if r.StreamGBs > 0 {
		fmt.Fprintf(w, "streaming read bandwidth: %.1f GB/s (best of 5 passes over %d MiB on %d threads)\n", r.StreamGBs, r.StreamMiB, r.Threads)
	}
	fmt.Fprintf(w, "\n%-44s %10s %10s %10s %9s %10s %9s %8s\n", "", "median", "min", "max", "GMAC/s", "weight GB/s", "of stream", "time/llvm")
	for _, row := range r.Rows {
		of := "-"
		if row.OfStream > 0 {
			of = fmt.Sprintf("%.0f%%", 100*row.OfStream)
		}
		fmt.Fprintf(w, "%-44s %10s %10s %10s %9.2f %10.2f %9s %8.2fx\n", row.Name, dur(row.MedianNs), dur(row.MinNs), dur(row.MaxNs), row.GMACPerS, row.WeightGBs, of, row.VsLLVM)
	}
}

// dur spells nanoseconds with a readable unit.
func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.3g s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

// cpuName returns the processor's model name from /proc/cpuinfo.
func cpuName() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return fmt.Sprintf("%s, %d CPUs", strings.TrimSpace(strings.TrimLeft(name, " \t:")), runtime.NumCPU())
		}
	}
	return runtime.GOARCH
}

// flushBytes is how much the driver reads before each call to evict the
// caches: four times the last-level cache, at least 64 MiB (256 MiB when
// the cache size is unknown), or nothing with --warm.
func (o *benchOpts) flushBytes() int64 {
	if o.warm {
		return 0
	}
	llc := lastLevelCache()
	if llc <= 0 {
		return 256 << 20
	}
	return max(4*llc, 64<<20)
}

// lastLevelCache reads the size of the largest cache of CPU 0 from sysfs
// (Linux), or returns 0.
func lastLevelCache() int64 {
	var best int64
	dirs, _ := filepath.Glob("/sys/devices/system/cpu/cpu0/cache/index*")
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, "size"))
		if err != nil {
			continue
		}
		text := strings.TrimSpace(string(data))
		mult := int64(1)
		switch {
		case strings.HasSuffix(text, "K"):
			mult, text = 1<<10, strings.TrimSuffix(text, "K")
		case strings.HasSuffix(text, "M"):
			mult, text = 1<<20, strings.TrimSuffix(text, "M")
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil && n*mult > best {
			best = n * mult
		}
	}
	return best
}
