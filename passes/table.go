package passes

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// table is the one list of passes. Adding a pass means adding one entry
// here (and its function, in a file named after it); the order of entries
// does not matter. init checks that every entry is well formed.
var table = []*Pass{
	{
		Name:    "canonicalize",
		Summary: "fold constants, casts and affine index arithmetic; merge constants; remove dead code and 0- and 1-trip loops",
		Run:     canonicalize,
	},
	{
		Name:    "tile",
		Summary: "tile the perfect loop band at the top of each kernel, as mlir-opt's --affine-loop-tile does",
		Options: []Option{
			{Name: "size", Type: IntOption, Default: "64", Doc: "the tile size of every loop of the band"},
			{Name: "sizes", Type: IntListOption, Doc: "tile sizes per loop, outermost first; loops past the list are not tiled (overrides size)"},
		},
		Check: checkTileOptions,
		Run:   tile,
	},
	{
		Name:    "systolic",
		Summary: "map matmul-shaped nests onto a rows×cols systolic array: tile the reduction and output loops to it, ordered for the dataflow",
		Options: []Option{
			{Name: "rows", Type: IntOption, Default: "320", Doc: "the array's rows: K positions (whole reduction iterations) per tile"},
			{Name: "cols", Type: IntOption, Default: "320", Doc: "the array's columns: output columns (N) per tile"},
			{Name: "dataflow", Type: EnumOption, Default: "ws", Choices: []string{"ws", "os"}, Doc: "ws: weight-stationary (column tiles outermost, activations stream); os: output-stationary (output tiles outermost)"},
		},
		Check: checkSystolicOptions,
		Run:   systolic,
	},
	{
		Name:    "vectorize",
		Summary: "widen innermost loops into width-lane vector loops (MLIR vector dialect) with a scalar remainder; integer reductions only",
		Options: []Option{
			{Name: "width", Type: IntOption, Default: "8", Doc: "lanes per vector operation (2 to 64)"},
		},
		Check: checkVectorizeOptions,
		Run:   vectorize,
	},
	{
		Name:    "dot",
		Summary: "mark reduction nests that sum activation bytes times unpacked codes as packed dot products (vpdpbusd), 64 products at a time, jamming batch rows into them",
		Options: []Option{
			{Name: "rows", Type: IntOption, Default: "16", Doc: "unroll-and-jam a loop that moves only the activations (a batch row) by this many iterations into each dot loop, so rows share each unpacked code (1: never)"},
			{Name: "groups", Type: IntOption, Default: "8", Doc: "otherwise, unroll-and-jam the loop right around a dot loop (the loop over groups) by this many iterations, so their sums share one reduction (1: never)"},
		},
		Check: checkDotOptions,
		Run:   dot,
	},
	{
		Name:    "fuse",
		Summary: "fuse each loop nest into the next one that reads what it stores, as deep as provably legal, as mlir-opt's --affine-loop-fusion does",
		Run:     fuse,
	},
	{
		Name:    "unpack",
		Summary: "lower reads of packed 3.5-bit and 4-bit codes into byte loads, shifts, masks and sign extension, or into table lookups",
		Options: []Option{
			{Name: "mode", Type: EnumOption, Default: "shift", Choices: []string{"shift", "lut"}, Doc: "shift: shifts and masks; lut: loads from constant sign-extension tables"},
		},
		Run: unpack,
	},
	{
		Name:    "parallelize",
		Summary: "mark the outermost loop of each nest whose iterations are provably independent as parallel (affine.parallel, OpenMP)",
		Run:     func(f *ir.Func, _ Options, d *diag.List) error { return ParallelizeFunc(f, d) },
	},
}

// Passes returns the passes sorted by name. Callers must not modify them.
func Passes() []*Pass {
	ps := append([]*Pass(nil), table...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

// Lookup returns the pass called name, or nil.
func Lookup(name string) *Pass {
	for _, p := range table {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// passNames lists the passes for error messages.
func passNames() string {
	ps := Passes()
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func init() {
	if err := checkTable(table); err != nil {
		panic(err)
	}
}

// checkTable reports the first malformed entry of t: a bad or repeated
// name, a missing summary or function, an option without a type or doc,
// or a default that does not parse.
func checkTable(t []*Pass) error {
	seen := map[string]bool{}
	for _, p := range t {
		switch {
		case !nameRE.MatchString(p.Name):
			return fmt.Errorf("passes: pass name %q is not lower case letters, digits and '-'", p.Name)
		case seen[p.Name]:
			return fmt.Errorf("passes: pass %s is in the table twice", p.Name)
		case p.Summary == "" || p.Run == nil:
			return fmt.Errorf("passes: pass %s needs a Summary and a Run function", p.Name)
		}
		seen[p.Name] = true
		if err := checkOptions(p); err != nil {
			return err
		}
	}
	return nil
}

func checkOptions(p *Pass) error {
	seen := map[string]bool{}
	for i := range p.Options {
		o := &p.Options[i]
		switch {
		case !nameRE.MatchString(o.Name) || seen[o.Name]:
			return fmt.Errorf("passes: pass %s: option name %q is malformed or repeated", p.Name, o.Name)
		case o.Type.String() == "" || o.Doc == "":
			return fmt.Errorf("passes: pass %s: option %s needs a Type and a Doc", p.Name, o.Name)
		case (o.Type == EnumOption) != (len(o.Choices) > 0):
			return fmt.Errorf("passes: pass %s: option %s: only enum options have Choices, and they must", p.Name, o.Name)
		}
		seen[o.Name] = true
		if o.Default != "" {
			if _, err := o.parse(o.Default); err != nil {
				return fmt.Errorf("passes: pass %s: default of option %s: %v", p.Name, o.Name, err)
			}
		}
	}
	return nil
}
