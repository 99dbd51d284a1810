package passes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// Pass is one entry of the pass table: everything the pipeline parser, the
// manager, `q35c compile --help` and docs/passes.md need to know about it.
type Pass struct {
	Name    string   // how pipelines spell it: lower case, digits and '-'
	Summary string   // one line, no final period
	Kind    Kind     // Transform or Analysis
	Options []Option // in the order help and canonical spellings list them

	// Check, if set, validates option values against each other when a
	// pipeline is parsed, so that a bad combination is a usage error before
	// any pass runs. Single values are checked by their Option's type.
	Check func(o Options) error

	// Run applies the pass to one function. Diagnostics about the user's
	// program (errors at source positions, remarks saying why a loop was left
	// alone) go to d; an error with Severity Error stops the pipeline after
	// this pass. A returned error means the pass itself failed: it is
	// reported as an internal error (a bug in q35c), as is a panic.
	//
	// Passes run per function so that a failure can name the kernel, and its
	// source position, that was being transformed.
	Run func(f *ir.Func, o Options, d *diag.List) error
}

// Kind says whether a pass changes the IR.
type Kind uint8

const (
	// Transform passes rewrite the IR; the verifier runs after them.
	Transform Kind = iota
	// Analysis passes only read the IR (and report diagnostics); the
	// verifier does not need to run after them.
	Analysis
)

// String returns "transform" or "analysis".
func (k Kind) String() string {
	if k == Analysis {
		return "analysis"
	}
	return "transform"
}

// OptionType is the type of a pass option's value.
type OptionType uint8

// The option types.
const (
	IntOption     OptionType = iota + 1 // a decimal int64: size=64
	IntListOption                       // comma-separated int64s: sizes=32,64,8
	BoolOption                          // true or false
	EnumOption                          // one of Option.Choices
	StringOption                        // any non-empty text without spaces or braces
)

var optionTypeNames = map[OptionType]string{
	IntOption: "int", IntListOption: "int list", BoolOption: "bool", EnumOption: "enum", StringOption: "string",
}

// String returns the type's name as help shows it: "int", "int list", ...
func (t OptionType) String() string { return optionTypeNames[t] }

// Option declares one option of a pass.
type Option struct {
	Name    string
	Type    OptionType
	Default string   // spelled as on the command line; "" means no default
	Choices []string // EnumOption only
	Doc     string   // one line
}

// parse converts the text of a value to its Go value: int64, []int64, bool
// or string.
func (o *Option) parse(text string) (any, error) {
	switch o.Type {
	case IntOption:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", text)
		}
		return n, nil
	case IntListOption:
		var ns []int64
		for _, s := range strings.Split(text, ",") {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a comma-separated list of integers", text)
			}
			ns = append(ns, n)
		}
		return ns, nil
	case BoolOption:
		if text != "true" && text != "false" {
			return nil, fmt.Errorf("%q is not true or false", text)
		}
		return text == "true", nil
	case EnumOption:
		for _, c := range o.Choices {
			if c == text {
				return text, nil
			}
		}
		return nil, fmt.Errorf("%q is not one of %s", text, strings.Join(o.Choices, ", "))
	case StringOption:
		if text == "" {
			return nil, fmt.Errorf("the value is empty")
		}
		return text, nil
	}
	return nil, fmt.Errorf("option has invalid type %d", o.Type)
}

// format spells a parsed value back as text.
func format(v any) string {
	switch v := v.(type) {
	case []int64:
		s := make([]string, len(v))
		for i, n := range v {
			s[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(s, ",")
	}
	return fmt.Sprint(v)
}

// Options holds the option values of one pipeline step: those given in the
// pipeline and the defaults of the others. The getters panic when a pass
// asks for an option it did not declare, or with the wrong type (a bug the
// manager reports as an internal error naming the pass).
type Options struct {
	pass  *Pass
	vals  map[string]any
	given map[string]bool
}

// NewOptions returns p's options set to their defaults.
func NewOptions(p *Pass) Options {
	o := Options{pass: p, vals: map[string]any{}, given: map[string]bool{}}
	for i := range p.Options {
		spec := &p.Options[i]
		if spec.Default == "" {
			continue
		}
		v, err := spec.parse(spec.Default)
		if err != nil {
			panic(fmt.Sprintf("passes: pass %s: default of option %s: %v", p.Name, spec.Name, err))
		}
		o.vals[spec.Name] = v
	}
	return o
}

// Set parses text as the value of option name, as the pipeline parser does.
func (o Options) Set(name, text string) error {
	spec := o.spec(name)
	if spec == nil {
		return fmt.Errorf("%s has no option %q (%s)", o.pass.Name, name, optionList(o.pass))
	}
	if o.given[name] {
		return fmt.Errorf("%s option %s is given twice", o.pass.Name, name)
	}
	v, err := spec.parse(text)
	if err != nil {
		return fmt.Errorf("%s option %s: %v", o.pass.Name, name, err)
	}
	o.vals[name], o.given[name] = v, true
	return nil
}

func (o Options) spec(name string) *Option {
	if o.pass == nil {
		return nil
	}
	for i := range o.pass.Options {
		if o.pass.Options[i].Name == name {
			return &o.pass.Options[i]
		}
	}
	return nil
}

// optionList says which options p has, for error messages.
func optionList(p *Pass) string {
	if len(p.Options) == 0 {
		return "it takes no options"
	}
	names := make([]string, len(p.Options))
	for i, op := range p.Options {
		names[i] = op.Name
	}
	return "options: " + strings.Join(names, ", ")
}

func (o Options) get(name string, t OptionType) any {
	spec := o.spec(name)
	if spec == nil || spec.Type != t {
		panic(fmt.Sprintf("passes: %s option %q of type %s is not declared in the pass table", o.passName(), name, t))
	}
	return o.vals[name]
}

func (o Options) passName() string {
	if o.pass == nil {
		return "(no pass)"
	}
	return o.pass.Name
}

// Int returns the value of an IntOption (0 if unset without a default).
func (o Options) Int(name string) int64 {
	v, _ := o.get(name, IntOption).(int64)
	return v
}

// Ints returns the value of an IntListOption (nil if unset without a default).
func (o Options) Ints(name string) []int64 {
	v, _ := o.get(name, IntListOption).([]int64)
	return v
}

// Bool returns the value of a BoolOption (false if unset without a default).
func (o Options) Bool(name string) bool {
	v, _ := o.get(name, BoolOption).(bool)
	return v
}

// Str returns the value of an EnumOption or StringOption ("" if unset
// without a default).
func (o Options) Str(name string) string {
	spec := o.spec(name)
	if spec != nil && spec.Type == EnumOption {
		v, _ := o.get(name, EnumOption).(string)
		return v
	}
	v, _ := o.get(name, StringOption).(string)
	return v
}

// IsSet reports whether option name was given in the pipeline.
func (o Options) IsSet(name string) bool { return o.given[name] }

// String spells the options given in the pipeline in canonical form, in
// the order the pass declares them: "{sizes=32,64}", or "" when none was
// given.
func (o Options) String() string {
	if o.pass == nil {
		return ""
	}
	var s []string
	for _, spec := range o.pass.Options {
		if o.given[spec.Name] {
			s = append(s, spec.Name+"="+format(o.vals[spec.Name]))
		}
	}
	if len(s) == 0 {
		return ""
	}
	return "{" + strings.Join(s, " ") + "}"
}
