package lpusim

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// The timeline is well-formed SVG with a rectangle per busy unit and job,
// placed at the job's start, and the same bytes every time.
func TestWriteTimeline(t *testing.T) {
	r := &KernelReport{Kernel: "k<1>", Cycles: 200, Jobs: []Job{
		{Pos: "k.q35:1:1", MatrixCycles: 100, VectorCycles: 20, Start: 0, Cycles: 100},
		{Pos: "k.q35:9:1", VectorCycles: 100, Start: 100, Cycles: 100},
	}}
	var a, b bytes.Buffer
	if err := WriteTimeline(&a, []*KernelReport{r}); err != nil {
		t.Fatal(err)
	}
	_ = WriteTimeline(&b, []*KernelReport{r})
	if a.String() != b.String() {
		t.Error("two timelines differ")
	}
	dec := xml.NewDecoder(bytes.NewReader(a.Bytes()))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, a.String())
			}
			break
		}
	}
	out := a.String()
	for _, want := range []string{
		"kernel k&lt;1&gt;: 200 cycles",
		`<rect x="160.00" y="35" width="400.00" height="16" fill="#3a7bd5"><title>job 0 at k.q35:1:1: matrix unit busy for cycles 0..100</title></rect>`,
		`<rect x="560.00" y="53" width="400.00" height="16" fill="#e67e22"><title>job 1 at k.q35:9:1: vector unit busy for cycles 100..200</title></rect>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "<title>"); n != 3 {
		t.Errorf("%d busy rectangles, want 3", n)
	}
}
