package passes

import (
	"fmt"
	"strings"

	"github.com/q35c/q35c/ir"
)

// Pipeline is an ordered list of passes with their options.
type Pipeline struct {
	Steps []Step
}

// Step is one pass of a pipeline with its options.
type Step struct {
	Pass    *Pass
	Options Options
}

// String spells the step canonically: "tile{sizes=32,64}".
func (s Step) String() string { return s.Pass.Name + s.Options.String() }

// String spells the pipeline canonically; Parse of the result gives the
// same pipeline.
func (p *Pipeline) String() string {
	s := make([]string, len(p.Steps))
	for i, st := range p.Steps {
		s[i] = st.String()
	}
	return strings.Join(s, ",")
}

// UsageError is a mistake in what the user asked for: a malformed
// pipeline, an unknown pass, target or option, a bad option value.
type UsageError struct{ Msg string }

// Error returns the message.
func (e *UsageError) Error() string { return e.Msg }

// Parse parses a pipeline in mlir-opt's form: passes separated by commas,
// each optionally followed by options in braces, separated by spaces:
//
//	canonicalize,tile{size=64}
//	tile{sizes=32,64,8},canonicalize
//
// Inside braces a comma belongs to the option's value (a list). Spaces
// around passes are ignored; the empty string is the empty pipeline. Errors
// are *UsageError values that quote the pipeline and say what exists.
func Parse(text string) (*Pipeline, error) {
	s := &scanner{text: text}
	p := &Pipeline{}
	s.skipSpace()
	for !s.eof() {
		st, err := s.step()
		if err != nil {
			return nil, err
		}
		p.Steps = append(p.Steps, st)
		s.skipSpace()
		if s.eof() {
			break
		}
		if c := s.text[s.i]; c != ',' {
			return nil, s.errf("unexpected %q at column %d (passes are separated by ',')", c, s.i+1)
		}
		s.i++
		s.skipSpace()
		if s.eof() {
			return nil, s.errf("missing pass name after ',' at column %d", s.i)
		}
	}
	return p, nil
}

type scanner struct {
	text string
	i    int
}

func (s *scanner) eof() bool { return s.i >= len(s.text) }

func (s *scanner) errf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf("invalid pipeline %q: ", s.text) + fmt.Sprintf(format, args...)}
}

func (s *scanner) skipSpace() {
	for !s.eof() && isSpace(s.text[s.i]) {
		s.i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// word reads up to the next space, one of the stop bytes, or the end.
func (s *scanner) word(stop string) string {
	start := s.i
	for !s.eof() && !isSpace(s.text[s.i]) && !strings.ContainsRune(stop, rune(s.text[s.i])) {
		s.i++
	}
	return s.text[start:s.i]
}

// step reads one pass name and its options.
func (s *scanner) step() (Step, error) {
	col := s.i + 1
	name := s.word(",{}=")
	if name == "" {
		return Step{}, s.errf("missing pass name at column %d", col)
	}
	p := Lookup(name)
	if p == nil {
		return Step{}, s.errf("unknown pass %q (passes: %s)", name, passNames())
	}
	st := Step{Pass: p, Options: NewOptions(p)}
	if !s.eof() && s.text[s.i] == '{' {
		if err := s.options(st); err != nil {
			return Step{}, err
		}
	}
	if p.Check != nil {
		if err := p.Check(st.Options); err != nil {
			return Step{}, s.errf("%v", err)
		}
	}
	return st, nil
}

// options reads "{name=value ...}" into st.Options.
func (s *scanner) options(st Step) error {
	open := s.i + 1
	s.i++
	for {
		s.skipSpace()
		if s.eof() {
			return s.errf("missing '}' to close the options of %s opened at column %d", st.Pass.Name, open)
		}
		if s.text[s.i] == '}' {
			s.i++
			return nil
		}
		col := s.i + 1
		key := s.word("={}")
		if s.eof() || s.text[s.i] != '=' || key == "" {
			return s.errf("expected NAME=VALUE at column %d in the options of %s", col, st.Pass.Name)
		}
		s.i++
		value := s.word("{}")
		if value == "" {
			return s.errf("%s option %s has no value at column %d", st.Pass.Name, key, s.i+1)
		}
		if err := st.Options.Set(key, value); err != nil {
			return s.errf("%v", err)
		}
	}
}

// Target is a preset pipeline for a hardware target.
type Target struct {
	Name     string
	Pipeline string // "" when Missing is set
	Doc      string
	Missing  string // why the target cannot be used yet
}

// targets are the presets of `q35c compile --target`.
var targets = []Target{
	{Name: "cpu", Pipeline: "canonicalize,tile{size=64},canonicalize,dot,vectorize{width=16},parallelize",
		Doc: "host CPU through mlir-opt and LLVM: clean up, tile the outer loop band by 64, clean up, pack quantized group dot products (vpdpbusd), vectorize other innermost loops by 16 lanes, run independent outer loops on threads (affine.parallel)"},
	{Name: "lpu", Pipeline: "canonicalize,systolic,canonicalize,dot{groups=1}",
		Doc: "the LPU's 320x320 systolic array: clean up, map matmul nests onto the array (weight-stationary), clean up, mark the group dot products the matrix unit runs; --emit lpu then lowers to the LPU program (passes.LowerLPU), other levels emit the mapped loop nest, which runs on the host"},
}

// LPUPipeline is the lpu target's pipeline for chip t and a dataflow (ws
// or os): systolic maps onto t's planes, and dot marks the loops the
// matrix unit runs (rows may be jammed; groups are not, so that one
// execution of a dot loop is one group of sums the vector unit scales).
// passes.LowerLPU lowers what it gives.
func LPUPipeline(t *ir.LPUTarget, dataflow string) string {
	return fmt.Sprintf("canonicalize,systolic{rows=%d cols=%d dataflow=%s},canonicalize,dot{groups=1}", t.Matrix.Rows, t.Matrix.Cols, dataflow)
}

// Targets returns the preset targets.
func Targets() []Target { return targets }

// TargetPipeline returns the pipeline text of the preset target name.
func TargetPipeline(name string) (string, error) {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.Name
		if t.Name != name {
			continue
		}
		if t.Missing != "" {
			return "", &UsageError{Msg: fmt.Sprintf("target %s: %s", t.Name, t.Missing)}
		}
		return t.Pipeline, nil
	}
	return "", &UsageError{Msg: fmt.Sprintf("unknown target %q (targets: %s)", name, strings.Join(names, ", "))}
}
