package passes

import (
	"errors"
	"strings"
	"testing"
)

// register adds p to the pass table for the duration of the test.
func register(t *testing.T, ps ...*Pass) {
	t.Helper()
	saved := table
	table = append(append([]*Pass(nil), table...), ps...)
	if err := checkTable(table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { table = saved })
}

// optsPass has an option of every type, to test option parsing.
var optsPass = &Pass{
	Name: "opts", Summary: "test options", Kind: Analysis,
	Options: []Option{
		{Name: "n", Type: IntOption, Default: "7", Doc: "an int"},
		{Name: "l", Type: IntListOption, Doc: "a list"},
		{Name: "b", Type: BoolOption, Default: "false", Doc: "a bool"},
		{Name: "e", Type: EnumOption, Choices: []string{"ws", "os"}, Default: "ws", Doc: "an enum"},
		{Name: "s", Type: StringOption, Doc: "a string"},
	},
	Run: noop,
}

func TestParseGood(t *testing.T) {
	register(t, optsPass)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"canonicalize", "canonicalize"},
		{"tile{size=64},canonicalize", "tile{size=64},canonicalize"},
		{" tile{size=8} ,\tcanonicalize ", "tile{size=8},canonicalize"},
		{"tile{sizes=32,64,8}", "tile{sizes=32,64,8}"},
		{"tile{ sizes=2,3 }", "tile{sizes=2,3}"},
		{"tile{}", "tile"},
		{"tile", "tile"},
		{"canonicalize,tile{size=64},canonicalize", "canonicalize,tile{size=64},canonicalize"},
		{"opts{s=x.y e=os b=true l=-1,2 n=-3}", "opts{n=-3 l=-1,2 b=true e=os s=x.y}"},
	} {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := p.String(); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again, err := Parse(p.String()); err != nil || again.String() != p.String() {
			t.Errorf("Parse(%q) does not round-trip: %v", p.String(), err)
		}
	}
}

func TestParseOptionValues(t *testing.T) {
	register(t, optsPass)
	p, err := Parse("opts{l=4,5 b=true}")
	if err != nil {
		t.Fatal(err)
	}
	o := p.Steps[0].Options
	if o.Int("n") != 7 || len(o.Ints("l")) != 2 || o.Ints("l")[1] != 5 || !o.Bool("b") || o.Str("e") != "ws" || o.Str("s") != "" {
		t.Errorf("wrong values: n=%d l=%v b=%v e=%q s=%q", o.Int("n"), o.Ints("l"), o.Bool("b"), o.Str("e"), o.Str("s"))
	}
	if !o.IsSet("l") || o.IsSet("n") {
		t.Error("IsSet is wrong")
	}
}

// Bad pipelines get a usage error that quotes the pipeline and says what
// exists. {passes} stands for the list of passes.
func TestParseBad(t *testing.T) {
	register(t, optsPass)
	for _, tc := range []struct{ in, want string }{
		{"tyle", `unknown pass "tyle" (passes: {passes})`},
		{"tile{sise=4}", `tile has no option "sise" (options: size, sizes)`},
		{"canonicalize{x=1}", `canonicalize has no option "x" (it takes no options)`},
		{"tile{size=x}", `tile option size: "x" is not an integer`},
		{"tile{size=99999999999999999999}", `tile option size: "99999999999999999999" is not an integer`},
		{"tile{sizes=2,,3}", `tile option sizes: "2,,3" is not a comma-separated list of integers`},
		{"tile{size=4", `missing '}' to close the options of tile opened at column 5`},
		{"tile{size}", `expected NAME=VALUE at column 6 in the options of tile`},
		{"tile{=4}", `expected NAME=VALUE at column 6 in the options of tile`},
		{"tile{size=}", `tile option size has no value at column 11`},
		{"tile{size=4 size=8}", `tile option size is given twice`},
		{"tile{size=4 sizes=2}", `tile: give size or sizes, not both`},
		{"tile{size=0}", `tile: tile size 0 is out of range [1, 2147483648]`},
		{"tile{sizes=4,-1}", `tile: tile size -1 is out of range [1, 2147483648]`},
		{"tile,,canonicalize", `missing pass name at column 6`},
		{"tile,", `missing pass name after ',' at column 5`},
		{",tile", `missing pass name at column 1`},
		{"{size=4}", `missing pass name at column 1`},
		{"tile canonicalize", `unexpected 'c' at column 6 (passes are separated by ',')`},
		{"tile}", `unexpected '}' at column 5 (passes are separated by ',')`},
		{"tile{size=4}{size=5}", `unexpected '{' at column 13 (passes are separated by ',')`},
		{"opts{b=yes}", `opts option b: "yes" is not true or false`},
		{"opts{e=xs}", `opts option e: "xs" is not one of ws, os`},
	} {
		_, err := Parse(tc.in)
		want := `invalid pipeline "` + tc.in + `": ` + strings.ReplaceAll(tc.want, "{passes}", passNames())
		var ue *UsageError
		if !errors.As(err, &ue) || err.Error() != want {
			t.Errorf("Parse(%q):\n got %v\nwant %s", tc.in, err, want)
		}
	}
}

func TestTargets(t *testing.T) {
	for name, want := range map[string]string{
		"cpu": "canonicalize,tile{size=64},canonicalize,dot,vectorize{width=16},parallelize",
		"lpu": "canonicalize,systolic,canonicalize,dot{groups=1}",
	} {
		if text, err := TargetPipeline(name); err != nil || text != want {
			t.Errorf("%s: %q, %v; want %q", name, text, err, want)
		}
	}
	for name, want := range map[string]string{
		"gpu": `unknown target "gpu" (targets: cpu, lpu)`,
	} {
		var ue *UsageError
		if _, err := TargetPipeline(name); !errors.As(err, &ue) || err.Error() != want {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}
	for _, tg := range Targets() {
		if tg.Missing == "" {
			if _, err := Parse(tg.Pipeline); err != nil {
				t.Errorf("target %s: %v", tg.Name, err)
			}
		}
	}
}

// The table's entries are well formed, and malformed ones are caught.
func TestCheckTable(t *testing.T) {
	if err := checkTable(table); err != nil {
		t.Fatal(err)
	}
	good := func() *Pass { return &Pass{Name: "x", Summary: "s", Run: noop} }
	for _, tc := range []struct {
		edit func(p *Pass)
		want string
	}{
		{func(p *Pass) { p.Name = "Bad_Name" }, `pass name "Bad_Name" is not lower case`},
		{func(p *Pass) { p.Name = "tile" }, "pass tile is in the table twice"},
		{func(p *Pass) { p.Run = nil }, "needs a Summary and a Run function"},
		{func(p *Pass) { p.Options = []Option{{Name: "a", Type: IntOption}} }, "option a needs a Type and a Doc"},
		{func(p *Pass) { p.Options = []Option{{Name: "a", Type: IntOption, Doc: "d", Default: "x"}} }, `default of option a: "x" is not an integer`},
		{func(p *Pass) { p.Options = []Option{{Name: "a", Type: EnumOption, Doc: "d"}} }, "only enum options have Choices"},
		{func(p *Pass) {
			p.Options = []Option{{Name: "a", Type: BoolOption, Doc: "d"}, {Name: "a", Type: BoolOption, Doc: "d"}}
		}, `option name "a" is malformed or repeated`},
	} {
		p := good()
		tc.edit(p)
		err := checkTable(append(append([]*Pass(nil), table...), p))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
}
