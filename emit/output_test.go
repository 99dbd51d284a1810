package emit

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseHarnessOutput(t *testing.T) {
	out := "Unranked Memref base@ = 0x55d1c3a0 rank = 1 offset = 0 sizes = [3] strides = [1] data = \n" +
		"[0,  -3,  9223372036854775807]\n" +
		"Unranked Memref base@ = 0x55d1c3b0 rank = 1 offset = 0 sizes = [1] strides = [1] data = \n[-9223372036854775808]\n"
	got, err := ParseHarnessOutput([]byte(out))
	want := [][]int64{{0, -3, 9223372036854775807}, {-9223372036854775808}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseHarnessOutput = %v, %v; want %v", got, err, want)
	}
	// Line breaks inside the data are tolerated.
	wrapped := strings.Replace(out, "-3,  ", "-3,\n ", 1)
	if got, err := ParseHarnessOutput([]byte(wrapped)); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("wrapped output: %v, %v", got, err)
	}
	if got, err := ParseHarnessOutput(nil); err != nil || len(got) != 0 {
		t.Errorf("empty output: %v, %v", got, err)
	}
}

func TestParseHarnessOutputErrors(t *testing.T) {
	const head = "Unranked Memref base@ = 0x1 rank = 1 offset = 0 sizes = [2] strides = [1] data = \n"
	for _, tt := range []struct{ out, want string }{
		{head + "[1,  2,  3]\n", "sizes = [2] but 3 values printed"},
		{head + "[1]\n", "sizes = [2] but 1 values printed"},
		{head + "[1,  x]\n", "value 1"},
		{"warning: something\n" + head + "[1,  2]\n", "unexpected text before the first buffer"},
		{"Unranked Memref base@ = 0x1 rank = 1 data = [1]", "no sizes"},
	} {
		_, err := ParseHarnessOutput([]byte(tt.out))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHarnessOutput(%q) error = %v, want it to mention %q", tt.out, err, tt.want)
		}
	}
}
