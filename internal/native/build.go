package native

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/q35c/q35c/internal/toolchain"
	"github.com/q35c/q35c/ir"
)

// Build compiles the C driver source (see DriverSource) with CFlags and
// links it with the object files objs into the executable exe. With openmp
// the driver is compiled with -fopenmp (its bandwidth probe then runs on
// every thread) and linked with libomp, which objects built with OpenMP
// need; the executable finds libomp through its rpath.
func Build(ctx context.Context, objs []string, driver []byte, exe string, openmp bool) error {
	args := append(append([]string{}, CFlags...), "-std=c11")
	args = append(append(args, objs...), "-o", exe)
	if openmp {
		omp, err := toolchain.OpenMPLib()
		if err != nil {
			return err
		}
		lib := filepath.Dir(omp)
		args = append(args, "-fopenmp", "-L"+lib, "-Wl,-rpath,"+lib)
	}
	return withTempFile("driver.c", driver, func(src string) error {
		_, err := toolchain.Clang(ctx, append(args, src)...)
		return err
	})
}

// Run runs the driver exe of kernel f (see DriverSource) on mem, one
// storage slice per parameter as ir.NewMemory makes them: it writes the in
// buffers to files in a temporary directory and replaces each out buffer's
// slice with what the kernel wrote. env (NAME=value, e.g. OMP_NUM_THREADS=2)
// is added to the environment.
func Run(ctx context.Context, exe string, f *ir.Func, mem [][]byte, env ...string) error {
	if len(mem) != len(f.Params) {
		return fmt.Errorf("native: %s has %d parameters, got %d buffers", f.Name, len(f.Params), len(mem))
	}
	dir, err := os.MkdirTemp("", "q35c-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args := []string{"run"}
	for i, b := range f.Params {
		p := filepath.Join(dir, fmt.Sprintf("%d.%s.bin", i, b.Kind))
		args = append(args, p)
		if b.Kind == ir.In {
			if err := os.WriteFile(p, mem[i], 0o644); err != nil {
				return err
			}
		}
	}
	if _, err := execute(ctx, exe, args, env); err != nil {
		return err
	}
	for i, b := range f.Params {
		if b.Kind == ir.Out {
			if mem[i], err = os.ReadFile(args[i+1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchResult is what a driver's bench mode prints.
type BenchResult struct {
	Kernel   string    `json:"kernel"`
	Threads  int       `json:"threads"` // OpenMP threads (1 without OpenMP)
	Reps     int       `json:"reps"`
	Warmup   int       `json:"warmup"`
	InBytes  int64     `json:"in_bytes"`  // storage bytes of the in buffers
	OutBytes int64     `json:"out_bytes"` // storage bytes of the out buffers
	TimesNs  []float64 `json:"times_ns"`  // each timed call, in order
	MedianNs float64   `json:"median_ns"`

	// Bandwidth is the streaming read probe, nil when it was skipped.
	Bandwidth *struct {
		Bytes      int64     `json:"bytes"`       // the array summed in each pass
		BytesPerS  []float64 `json:"bytes_per_s"` // each pass
		BestBytes  float64   `json:"best_bytes_per_s"`
		MedianRate float64   `json:"median_bytes_per_s"`
	} `json:"bandwidth"`
}

// Bench runs the driver exe's bench mode: reps timed calls after warmup
// calls on inputs from seed, each call after reading flushBytes of another
// buffer on every thread to evict the caches (0: calls run warm), then the
// bandwidth probe over bwBytes bytes (0 skips it). env is added to the
// environment.
func Bench(ctx context.Context, exe string, reps, warmup int, seed uint64, bwBytes, flushBytes int64, env ...string) (*BenchResult, error) {
	args := []string{"bench", strconv.Itoa(reps), strconv.Itoa(warmup), strconv.FormatUint(seed, 10), strconv.FormatInt(bwBytes, 10), strconv.FormatInt(flushBytes, 10)}
	out, err := execute(ctx, exe, args, env)
	if err != nil {
		return nil, err
	}
	var r BenchResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("native: %s bench printed %q: %v", exe, out, err)
	}
	return &r, nil
}

// execute runs exe with args and env added, returning its standard output;
// a failure carries its standard error.
func execute(ctx context.Context, exe string, args, env []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", exe, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
