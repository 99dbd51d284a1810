package ir

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/q35c/q35c/internal/golden"
)

const targetDir = "../testdata/targets"

// The built-in target is a chip that can exist, and its stated peak
// agrees with its MACs and clock (750 stated, 737.28 computed).
func TestLPUDefaultValidates(t *testing.T) {
	d := DefaultLPU()
	if err := d.Validate(); err != nil {
		t.Fatalf("DefaultLPU does not validate:\n%v", err)
	}
	if got := d.PeakTOPS(); math.Abs(got-737.28) > 1e-9 {
		t.Errorf("PeakTOPS = %v, want 4 × 320 × 320 × 2 × 900e6 / 1e12 = 737.28", got)
	}
	if d.MACs() != 409600 || d.SRAM.Bytes != 230686720 {
		t.Errorf("MACs %d (want 409600), SRAM %d bytes (want 220 MiB = 230686720)", d.MACs(), d.SRAM.Bytes)
	}
}

// testdata/targets/tsp.json is the default target, written the way
// json.MarshalIndent writes it (go test ./ir -update rewrites it).
func TestLPUTargetFileIsDefault(t *testing.T) {
	data, err := json.MarshalIndent(DefaultLPU(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(targetDir, "tsp.json")
	golden.Check(t, path, append(data, '\n'))
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseLPUTarget(file)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !reflect.DeepEqual(got, DefaultLPU()) {
		t.Errorf("%s parses to %+v, want DefaultLPU %+v", path, got, DefaultLPU())
	}
}

// struct → JSON → struct gives the same target, and JSON → struct → JSON
// the same text.
func TestLPUTargetRoundTrip(t *testing.T) {
	for _, tgt := range []*LPUTarget{DefaultLPU(), smallLPU()} {
		data, err := json.Marshal(tgt)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseLPUTarget(data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tgt.Name, err, data)
		}
		if !reflect.DeepEqual(back, tgt) {
			t.Errorf("%s: round trip gives %+v, want %+v", tgt.Name, back, tgt)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(data) {
			t.Errorf("%s: JSON round trip differs:\n%s\n%s", tgt.Name, data, again)
		}
	}
}

// smallLPU has no stated peak, no name, no notes and no links: the
// optional fields are optional.
func smallLPU() *LPUTarget {
	return &LPUTarget{
		ClockMHz: 1000,
		SRAM:     LPUSRAM{Bytes: 1 << 20, Banks: 4, BandwidthBytesPerS: 1e12},
		Matrix:   LPUMatrix{Planes: 1, Rows: 16, Cols: 8, OperandBits: 8, AccumulatorBits: 20},
		Vector:   LPUVector{Lanes: 16},
	}
}

// Every invalid target file fails with exactly this message.
func TestLPUTargetInvalidFiles(t *testing.T) {
	tests := []struct{ file, want string }{
		{"bad_peak.json", "peak_int8_tops: 4 planes × 320×320 MACs × 2 × 900 MHz = 737.3 TOPS, not the stated 1000 (more than 5% apart)"},
		{"bad_one_plane.json", "peak_int8_tops: 1 plane × 320×320 MACs × 2 × 900 MHz = 184.3 TOPS, not the stated 750 (more than 5% apart)"},
		{"bad_planes.json", "matrix.planes: must be positive, got 0"},
		{"bad_accumulator.json", "matrix.accumulator_bits: a 320-long dot product of signed 8-bit operands reaches 320 × 128 × 128 = 5242880, which needs 24 bits, not 16"},
		{"bad_banks.json", "sram.banks: 230686720 bytes do not split into 7 equal banks"},
		{"bad_several.json", "clock_mhz: must be a positive number, got 0\n" +
			"vector.lanes: must be positive, got 0\n" +
			"links.bandwidth_bytes_per_s: must be 0 or more, got -1"},
		{"bad_unknown.json", "matrix.row: unknown field (matrix has accumulator_bits, cols, operand_bits, planes, rows)"},
		{"bad_missing.json", "clock_mhz, links: missing (required)"},
		{"bad_type.json", "matrix.rows: want an integer, got a JSON number 320.5"},
		{"bad_syntax.json", "line 4, column 1: invalid character '}' looking for beginning of object key string"},
		{"bad_duplicate.json", "clock_mhz: duplicate field"},
	}
	// Valid files: the built-in chip, and one whose SRAM is too small for
	// matmul_q35 (cmd/q35c's capacity tests).
	seen := map[string]bool{"tsp.json": true, "small_sram.json": true}
	for f := range seen {
		data, err := os.ReadFile(filepath.Join(targetDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseLPUTarget(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(targetDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseLPUTarget(data)
			if err == nil {
				t.Fatalf("parsed without error: %+v", got)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
	// A target file without a case here is a test nobody runs.
	files, _ := filepath.Glob(filepath.Join(targetDir, "*.json"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no case in TestLPUTargetInvalidFiles", f)
		}
	}
}

// Validate catches values JSON cannot spell but Go code can build, and
// nested objects are checked field by field.
func TestLPUTargetValidateCases(t *testing.T) {
	tests := []struct {
		name string
		edit func(*LPUTarget)
		want string
	}{
		{"NaN clock", func(t *LPUTarget) { t.ClockMHz = math.NaN() }, "clock_mhz: must be a positive number, got NaN"},
		{"infinite SRAM bandwidth", func(t *LPUTarget) { t.SRAM.BandwidthBytesPerS = math.Inf(1) }, "sram.bandwidth_bytes_per_s: must be a positive number, got +Inf"},
		{"negative peak", func(t *LPUTarget) { t.PeakINT8TOPS = -1 }, "peak_int8_tops: must be a positive number, got -1"},
		{"huge rows", func(t *LPUTarget) { t.Matrix.Rows = 1 << 20; t.PeakINT8TOPS = 0 }, "matrix.rows: 1048576 is more than 65536"},
		{"wide operands", func(t *LPUTarget) { t.Matrix.OperandBits = 32 }, "matrix.operand_bits: 32 is more than 16"},
		{"links without bandwidth", func(t *LPUTarget) { t.Links.BandwidthBytesPerS = 0 }, "links.bandwidth_bytes_per_s: must be positive when links.count is 16"},
		{"negative links", func(t *LPUTarget) { t.Links.Count = -2 }, "links.count: must be 0 or more, got -2"},
		{"negative latency", func(t *LPUTarget) { t.Links.LatencyNs = -1 }, "links.latency_ns: must be 0 or more, got -1"},
		{"zero banks", func(t *LPUTarget) { t.SRAM.Banks = 0 }, "sram.banks: must be positive, got 0"},
		{"peak within 5%", func(t *LPUTarget) { t.PeakINT8TOPS = 737.28 * 1.049 }, ""},
		{"peak below by 6%", func(t *LPUTarget) { t.PeakINT8TOPS = 693 }, "peak_int8_tops: 4 planes × 320×320 MACs × 2 × 900 MHz = 737.3 TOPS, not the stated 693 (more than 5% apart)"},
		{"no links", func(t *LPUTarget) { t.Links = LPULinks{} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tgt := DefaultLPU()
			tt.edit(tgt)
			err := tgt.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// The accumulator width a dot product needs, worked out by hand.
func TestLPUAccumulatorBitsNeeded(t *testing.T) {
	tests := []struct{ n, b, want int64 }{
		{1, 8, 16},   // 128·128 = 16384 = 2^14: 15 bits of magnitude + sign
		{2, 8, 17},   // 32768 = 2^15 does not fit a signed 16-bit integer
		{320, 8, 24}, // 5242880 < 2^23
		{320, 4, 16}, // 320·64 = 20480 < 2^15
		{1, 1, 2},    // (-1)·(-1) = 1
		{65536, 16, 48},
	}
	for _, tt := range tests {
		if got := AccumulatorBitsNeeded(tt.n, tt.b); got != tt.want {
			t.Errorf("AccumulatorBitsNeeded(%d, %d) = %d, want %d", tt.n, tt.b, got, tt.want)
		}
	}
}

// Garbage never panics and always names a problem.
func TestLPUTargetGarbage(t *testing.T) {
	for _, in := range []string{"", "null", `{"sram": null}`, "[]", "42", `"x"`, "{", `{"sram": 5}`, `{"notes": [1]}`, `{"matrix": {"planes": "4"}}`, "{} {}"} {
		if _, err := ParseLPUTarget([]byte(in)); err == nil || err.Error() == "" {
			t.Errorf("%q: no error", in)
		}
	}
}
