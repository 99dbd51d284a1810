package ir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// LPUTarget describes an LPU-like chip: what the LPU lowering and lpusim
// may assume about it. It is read from a JSON target file
// (ParseLPUTarget) or is DefaultLPU. Every figure is in base units (bytes,
// bytes per second, nanoseconds) except the clock (MHz) and the stated
// peak (TOPS); the JSON names say the unit.
//
// A field is required in a target file unless its JSON tag says
// omitempty.
type LPUTarget struct {
	// Name identifies the target in reports.
	Name string `json:"name,omitempty"`
	// ClockMHz is the clock of every unit, in MHz.
	ClockMHz float64 `json:"clock_mhz"`
	// SRAM is the on-chip memory, the only memory the chip has.
	SRAM LPUSRAM `json:"sram"`
	// Matrix is the matrix unit: planes of R×C multiply-accumulate cells.
	Matrix LPUMatrix `json:"matrix"`
	// Vector is the vector unit.
	Vector LPUVector `json:"vector"`
	// Links are the chip-to-chip links.
	Links LPULinks `json:"links"`
	// PeakINT8TOPS is the peak INT8 throughput the chip's maker states, in
	// 10¹² operations per second (a multiply-accumulate is 2). 0 means
	// not stated; a stated peak must agree with the matrix unit and the
	// clock within PeakTolerance.
	PeakINT8TOPS float64 `json:"peak_int8_tops,omitempty"`
	// Notes say where the figures come from and which are assumptions;
	// reports print them.
	Notes []string `json:"notes,omitempty"`
}

// LPUSRAM is the on-chip SRAM.
type LPUSRAM struct {
	// Bytes is the capacity.
	Bytes int64 `json:"bytes"`
	// Banks is the number of equal, independently addressed banks.
	Banks int64 `json:"banks"`
	// BandwidthBytesPerS is the total read bandwidth of all banks.
	BandwidthBytesPerS float64 `json:"bandwidth_bytes_per_s"`
}

// LPUMatrix is the matrix unit: Planes independent weight-stationary
// arrays of Rows × Cols multiply-accumulate cells. A plane holds a tile of
// Rows positions along K (the reduction) by Cols output columns; each
// column sums Rows products into an accumulator.
type LPUMatrix struct {
	// Planes is the number of independent arrays.
	Planes int64 `json:"planes"`
	// Rows is the length of the dot product one column computes.
	Rows int64 `json:"rows"`
	// Cols is the number of output columns per plane.
	Cols int64 `json:"cols"`
	// OperandBits is the width of the signed integer operands.
	OperandBits int64 `json:"operand_bits"`
	// AccumulatorBits is the width of the signed integer accumulators.
	AccumulatorBits int64 `json:"accumulator_bits"`
}

// LPUVector is the vector unit.
type LPUVector struct {
	// Lanes is the number of elements the unit processes per cycle.
	Lanes int64 `json:"lanes"`
}

// LPULinks are the chip-to-chip links.
type LPULinks struct {
	// Count is the number of links per chip (0: a chip cannot be chained).
	Count int64 `json:"count"`
	// BandwidthBytesPerS is the bandwidth of one link in one direction.
	BandwidthBytesPerS float64 `json:"bandwidth_bytes_per_s"`
	// LatencyNs is the time from a chip sending to its neighbour receiving
	// over one link (one hop), in nanoseconds.
	LatencyNs float64 `json:"latency_ns"`
}

// PeakTolerance is how far (as a fraction of the computed peak) a stated
// peak may be from planes × rows × cols × 2 × clock: 5%, enough for a
// maker's rounding (the TSP's stated 750 TOPS is 1.7% above the 737.3
// that 409,600 MACs give at 900 MHz) and too little to hide a wrong plane
// count or clock.
const PeakTolerance = 0.05

// Limits of the matrix unit's dimensions, so that every product of them
// stays exact in an int64 and in a float64.
const (
	maxMatrixDim   = 1 << 16
	maxOperandBits = 16
	maxAccumBits   = 64
)

// DefaultLPU returns the built-in target: a chip like Groq's first Tensor
// Streaming Processor (TSP), from published figures. Each figure's source:
//
//   - 900 MHz: the nominal clock in Groq's ISCA 2020 paper "Think Fast: A
//     Tensor Streaming Processor (TSP) for Accelerating Deep Learning
//     Workloads" (https://wow.groq.com/groq-isca-paper-2020/).
//   - 220 MiB of SRAM: "Each TSP contributes 220 MiBytes" (Abts et al., "A
//     Software-defined Tensor Streaming Multiprocessor for Large-scale
//     Machine Learning", ISCA 2022,
//     https://dspace.kaist.ac.kr/handle/10203/301182). Press reports round
//     it to 230 MB (decimal).
//   - 40 banks of 5.5 MiB: 20 superlanes, each with two memory units of
//     5.5 MB (https://www.techspot.com/news/83719-groq-launches-first-ai-accelerator-card-capable-1.html);
//     40 × 5.5 MiB = 220 MiB.
//   - 4 planes of 320×320 INT8 MACs, 750 TOPS INT8, 80 TB/s on-chip,
//     5,120 vector ALUs (320 lanes × 16): TechPowerUp's report of the LPU
//     (https://techpowerup.com/news-tags/Processor?page=3) and the ISCA
//     2020 paper. 4 × 320 × 320 × 2 × 900 MHz is 737.3 TOPS; the stated
//     750 is within PeakTolerance.
//   - 16 chip-to-chip links of 14 GB/s each way: the Linley Group's
//     "Groq Gets Connected" (2020-11-10,
//     https://www.linleygroup.com/newsletters/newsletter_detail.php?num=6233):
//     each link is four 30 Gb/s lanes, 28 Gb/s when cabled, "the peak
//     card-to-card bandwidth is 14GB/s per link in each direction".
//   - 500 ns per hop: an ASSUMPTION. We found no published per-hop latency;
//     the ISCA 2022 paper bounds the end-to-end latency across its largest
//     system (10,440 TSPs, several hops) at under 3 µs.
//   - INT32 accumulators: an assumption (the INT8 products of a 320-long
//     dot product need 24 bits; the paper's MXM accumulates in INT32).
func DefaultLPU() *LPUTarget {
	return &LPUTarget{
		Name:     "tsp-like",
		ClockMHz: 900,
		SRAM: LPUSRAM{
			Bytes:              220 << 20,
			Banks:              40,
			BandwidthBytesPerS: 80e12,
		},
		Matrix: LPUMatrix{Planes: 4, Rows: 320, Cols: 320, OperandBits: 8, AccumulatorBits: 32},
		Vector: LPUVector{Lanes: 320},
		Links: LPULinks{
			Count:              16,
			BandwidthBytesPerS: 14e9,
			LatencyNs:          500,
		},
		PeakINT8TOPS: 750,
		Notes: []string{
			"clock 900 MHz: Groq ISCA 2020 paper (Think Fast: A Tensor Streaming Processor)",
			"SRAM 220 MiB: Abts et al., ISCA 2022; 40 banks of 5.5 MiB: 20 superlanes x 2 memory units",
			"4 planes of 320x320 INT8 MACs, 750 TOPS, 80 TB/s on-chip, 320 vector lanes: TechPowerUp and the ISCA 2020 paper",
			"16 links of 14 GB/s each way: Linley Group, Groq Gets Connected (2020)",
			"link latency 500 ns per hop: an ASSUMPTION (no published per-hop figure; ISCA 2022 bounds end-to-end latency at under 3 us)",
			"INT32 accumulators: an assumption",
		},
	}
}

// PeakTOPS is the matrix unit's peak in 10¹² operations per second:
// planes × rows × cols MACs × 2 operations × the clock.
func (t *LPUTarget) PeakTOPS() float64 {
	m := t.Matrix
	return float64(m.Planes) * float64(m.Rows) * float64(m.Cols) * 2 * t.ClockMHz * 1e6 / 1e12
}

// MACs is the number of multiply-accumulate cells of the matrix unit.
func (t *LPUTarget) MACs() int64 { return t.Matrix.Planes * t.Matrix.Rows * t.Matrix.Cols }

// ParseLPUTarget reads a target file: one JSON object with the fields of
// LPUTarget, no unknown, duplicate or missing (required) fields, then
// validated. Errors name the field path (matrix.rows) and say why.
func ParseLPUTarget(data []byte) (*LPUTarget, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(data, err)
	}
	if err := checkFields(raw, reflect.TypeOf(LPUTarget{}), ""); err != nil {
		return nil, err
	}
	t := &LPUTarget{}
	if err := json.Unmarshal(data, t); err != nil {
		return nil, jsonError(data, err)
	}
	if len(t.Notes) == 0 {
		t.Notes = nil // "notes": [] says what no notes says (and marshals to it)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// jsonError rewrites encoding/json's errors with a position or a field path.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return fmt.Errorf("line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		path := te.Field
		if path == "" {
			path = "the target"
		}
		return fmt.Errorf("%s: want %s, got a JSON %s", path, jsonKind(te.Type), te.Value)
	}
	return err
}

// lineCol turns a byte offset (encoding/json counts the bytes read, so
// the error is just before it) into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	off = max(0, min(off-1, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(jsonKind(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
}

// checkFields walks the JSON object raw against struct type t: every key
// must name a field, once, and every field whose tag lacks omitempty must
// be there. Values that are not objects are left to json.Unmarshal.
func checkFields(raw json.RawMessage, t reflect.Type, path string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	switch tok, err := dec.Token(); {
	case err == nil && tok == nil:
		return fmt.Errorf("%s: want an object, got null", orTop(path))
	case err != nil || tok != json.Delim('{'):
		return nil // not an object: json.Unmarshal says what is wrong
	}
	fields := jsonFields(t)
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		f, ok := fields[key]
		switch {
		case !ok:
			return fmt.Errorf("%s: unknown field (%s has %s)", join(path, key), orTop(path), fieldList(fields))
		case seen[key]:
			return fmt.Errorf("%s: duplicate field", join(path, key))
		}
		seen[key] = true
		if f.Type.Kind() == reflect.Struct {
			if err := checkFields(val, f.Type, join(path, key)); err != nil {
				return err
			}
		}
	}
	var missing []string
	for name, f := range fields {
		if !seen[name] && !strings.Contains(f.Tag.Get("json"), ",omitempty") {
			missing = append(missing, join(path, name))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("%s: missing (required)", strings.Join(missing, ", "))
	}
	return nil
}

// jsonFields maps a struct's JSON names to its fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			m[name] = f
		}
	}
	return m
}

func fieldList(fields map[string]reflect.StructField) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the target"
	}
	return path
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Validate reports every impossible or inconsistent figure of t, one line
// per problem in field order, each naming the field path and saying why;
// nil when t describes a chip that can exist.
func (t *LPUTarget) Validate() error {
	var errs []string
	bad := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	positive := func(field string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			bad(field, "must be a positive number, got %s", num(v))
		}
	}
	positiveInt := func(field string, v, limit int64) bool {
		switch {
		case v <= 0:
			bad(field, "must be positive, got %d", v)
		case limit > 0 && v > limit:
			bad(field, "%d is more than %d", v, limit)
		default:
			return true
		}
		return false
	}
	positive("clock_mhz", t.ClockMHz)
	okBytes := positiveInt("sram.bytes", t.SRAM.Bytes, 0)
	if positiveInt("sram.banks", t.SRAM.Banks, 0) && okBytes && t.SRAM.Bytes%t.SRAM.Banks != 0 {
		bad("sram.banks", "%d bytes do not split into %d equal banks", t.SRAM.Bytes, t.SRAM.Banks)
	}
	positive("sram.bandwidth_bytes_per_s", t.SRAM.BandwidthBytesPerS)
	m := t.Matrix
	okPlanes := positiveInt("matrix.planes", m.Planes, maxMatrixDim)
	okRows := positiveInt("matrix.rows", m.Rows, maxMatrixDim)
	okCols := positiveInt("matrix.cols", m.Cols, maxMatrixDim)
	okOp := positiveInt("matrix.operand_bits", m.OperandBits, maxOperandBits)
	if positiveInt("matrix.accumulator_bits", m.AccumulatorBits, maxAccumBits) && okOp && okRows {
		if need := AccumulatorBitsNeeded(m.Rows, m.OperandBits); m.AccumulatorBits < need {
			half := int64(1) << (m.OperandBits - 1)
			bad("matrix.accumulator_bits", "a %d-long dot product of signed %d-bit operands reaches %d × %d × %d = %d, which needs %d bits, not %d",
				m.Rows, m.OperandBits, m.Rows, half, half, m.Rows*half*half, need, m.AccumulatorBits)
		}
	}
	positiveInt("vector.lanes", t.Vector.Lanes, 0)
	t.validateLinks(bad)
	if t.PeakINT8TOPS != 0 || math.IsNaN(t.PeakINT8TOPS) {
		positive("peak_int8_tops", t.PeakINT8TOPS)
		if t.PeakINT8TOPS > 0 && okPlanes && okRows && okCols && t.ClockMHz > 0 {
			if got := t.PeakTOPS(); math.Abs(t.PeakINT8TOPS-got) > PeakTolerance*got {
				bad("peak_int8_tops", "%d plane%s × %d×%d MACs × 2 × %s MHz = %s TOPS, not the stated %s (more than %d%% apart)",
					m.Planes, plural(m.Planes), m.Rows, m.Cols, num(t.ClockMHz), num1(got), num(t.PeakINT8TOPS), int(PeakTolerance*100))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

func (t *LPUTarget) validateLinks(bad func(field, format string, args ...any)) {
	l := t.Links
	if l.Count < 0 {
		bad("links.count", "must be 0 or more, got %d", l.Count)
	}
	switch {
	case math.IsNaN(l.BandwidthBytesPerS) || math.IsInf(l.BandwidthBytesPerS, 0) || l.BandwidthBytesPerS < 0:
		bad("links.bandwidth_bytes_per_s", "must be 0 or more, got %s", num(l.BandwidthBytesPerS))
	case l.Count > 0 && l.BandwidthBytesPerS == 0:
		bad("links.bandwidth_bytes_per_s", "must be positive when links.count is %d", l.Count)
	}
	if math.IsNaN(l.LatencyNs) || math.IsInf(l.LatencyNs, 0) || l.LatencyNs < 0 {
		bad("links.latency_ns", "must be 0 or more, got %s", num(l.LatencyNs))
	}
}

// AccumulatorBitsNeeded is the width of a signed accumulator that holds
// any dot product of n pairs of signed b-bit operands: the largest
// magnitude is n × 2^(b-1) × 2^(b-1) (both operands at their most
// negative), and a signed w-bit integer holds up to 2^(w-1) - 1. n must be
// below 2^31 and b at most 16, so that the product fits.
func AccumulatorBitsNeeded(n, b int64) int64 {
	maxAbs := uint64(n) << (2*b - 2)
	return int64(bits.Len64(maxAbs)) + 1
}

// num prints a float the shortest way (900, 0.5, 8e+13).
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// num1 prints a computed float with at most one decimal (737.3, 1024).
func num1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
