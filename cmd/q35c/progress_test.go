package main

import (
	"strings"
	"testing"
	"time"

	"github.com/q35c/q35c/internal/tensorio"
)

func TestProgressBar(t *testing.T) {
	var b strings.Builder
	long := &tensorio.Tensor{Name: "model.layers.31.mlp.down_proj.weight.with.a.name.long.enough.to.be.cut", DType: tensorio.BF16, Shape: []int{4, 1024}, Data: make([]byte, 8192)}
	small := &tensorio.Tensor{Name: "norm", DType: tensorio.F32, Shape: []int{4}, Data: make([]byte, 16)}
	items := []item{{t: long}, {t: small}}
	p := newProgress(&b, false, items)
	p.mode = progressBar // as on a terminal
	p.begin(long)
	p.lastDraw = time.Time{} // allow a redraw now
	p.advance(4104)
	p.clear()
	out := b.String()
	draws := strings.Split(out, "\r\x1b[K")
	if len(draws) != 4 || draws[3] != "" {
		t.Fatalf("want two bars then a clear, got %q", out)
	}
	if !strings.HasPrefix(draws[1], "[>                   ]   0%  0 B/8.0 KiB  1/2  model.layers.31") {
		t.Errorf("first bar %q", draws[1])
	}
	if !strings.HasPrefix(draws[2], "[==========>         ]  50%  4.0 KiB/8.0 KiB  1/2  model.layers.31") {
		t.Errorf("second bar %q", draws[2])
	}
	for _, d := range draws {
		if len(d) > barWidth {
			t.Errorf("bar line of %d columns would wrap: %q", len(d), d)
		}
	}
	var lines strings.Builder
	p = newProgress(&lines, false, items)
	p.begin(long)
	p.advance(8192)
	p.clear()
	if lines.String() != "q35c: [1/2] "+long.Name+" (BF16 4x1024, 8.0 KiB)\n" {
		t.Errorf("plain progress %q", lines.String())
	}
	var quiet strings.Builder
	p = newProgress(&quiet, true, items)
	p.begin(long)
	p.draw()
	if quiet.Len() != 0 {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}
