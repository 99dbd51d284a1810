package emit

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// memrefHeader starts each buffer printed by printMemrefI64.
const memrefHeader = "Unranked Memref base@"

// ParseHarnessOutput parses what the harness's @main prints: one slice per
// printed output buffer, in order, holding each element widened to i64
// (floats as their bit patterns). Each buffer is printed as a header
// ("Unranked Memref base@ = 0x... rank = 1 offset = 0 sizes = [N]
// strides = [1] data =") followed by "[v,  v, ...]"; the count of values
// must match sizes.
func ParseHarnessOutput(out []byte) ([][]int64, error) {
	chunks := bytes.Split(out, []byte(memrefHeader))
	if len(bytes.TrimSpace(chunks[0])) != 0 {
		return nil, fmt.Errorf("harness output: unexpected text before the first buffer: %.80q", chunks[0])
	}
	var bufs [][]int64
	for i, c := range chunks[1:] {
		vals, err := parseMemref(string(c))
		if err != nil {
			return nil, fmt.Errorf("harness output: buffer %d: %v", i, err)
		}
		bufs = append(bufs, vals)
	}
	return bufs, nil
}

// parseMemref parses one printed buffer after its header's first words.
func parseMemref(s string) ([]int64, error) {
	n, err := printedSize(s)
	if err != nil {
		return nil, err
	}
	_, data, ok := strings.Cut(s, "data =")
	if !ok {
		return nil, fmt.Errorf("no %q in %.80q", "data =", s)
	}
	fields := strings.FieldsFunc(data, func(r rune) bool {
		return r == '[' || r == ']' || r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r'
	})
	if int64(len(fields)) != n {
		return nil, fmt.Errorf("sizes = [%d] but %d values printed", n, len(fields))
	}
	vals := make([]int64, len(fields))
	for i, f := range fields {
		if vals[i], err = strconv.ParseInt(f, 10, 64); err != nil {
			return nil, fmt.Errorf("value %d: %v", i, err)
		}
	}
	return vals, nil
}

// printedSize returns the product of the header's "sizes = [...]".
func printedSize(s string) (int64, error) {
	_, rest, ok := strings.Cut(s, "sizes = [")
	list, _, ok2 := strings.Cut(rest, "]")
	if !ok || !ok2 {
		return 0, fmt.Errorf("no sizes in %.80q", s)
	}
	n := int64(1)
	for _, f := range strings.Split(list, ",") {
		d, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bad sizes [%s]: %v", list, err)
		}
		n *= d
	}
	return n, nil
}
