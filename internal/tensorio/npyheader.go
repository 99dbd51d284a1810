package tensorio

import (
	"fmt"
	"strconv"
	"strings"
)

// npyHeader is what a .npy header dictionary says.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the header dictionary, a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (4096, 11008), }
// padded with spaces and a newline. Like NumPy, it wants exactly the keys
// descr, fortran_order and shape.
func parseNPYHeader(s string) (npyHeader, error) {
	p := &pyParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return npyHeader{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return npyHeader{}, fmt.Errorf("unexpected %q after the dictionary", p.rest())
	}
	d, ok := v.(pyDict)
	if !ok {
		return npyHeader{}, fmt.Errorf("the header is not a dictionary")
	}
	return npyHeaderFrom(d)
}

func npyHeaderFrom(d pyDict) (npyHeader, error) {
	var h npyHeader
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := d.get(key); !ok {
			return h, fmt.Errorf("the header has no '%s'", key)
		}
	}
	for _, kv := range d {
		var ok bool
		switch kv.key {
		case "descr":
			h.descr, ok = kv.val.(string)
			if !ok {
				return h, fmt.Errorf("structured dtypes are not supported (descr is %s)", pyRepr(kv.val))
			}
		case "fortran_order":
			if h.fortran, ok = kv.val.(bool); !ok {
				return h, fmt.Errorf("fortran_order is %s, not True or False", pyRepr(kv.val))
			}
		case "shape":
			shape, err := npyShape(kv.val)
			if err != nil {
				return h, err
			}
			h.shape = shape
		default:
			return h, fmt.Errorf("unexpected key '%s'", kv.key)
		}
	}
	return h, nil
}

func npyShape(v any) ([]int, error) {
	tup, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("shape is %s, not a tuple", pyRepr(v))
	}
	shape := make([]int, len(tup))
	for i, e := range tup {
		n, ok := e.(int64)
		if !ok || n < 0 || n > 1<<40 {
			return nil, fmt.Errorf("shape %s has an invalid dimension", pyRepr(v))
		}
		shape[i] = int(n)
	}
	return shape, nil
}

// Python literal values: string, bool, int64, nil (None), pyTuple, pyList,
// pyDict.
type (
	pyTuple []any
	pyList  []any
	pyDict  []pyKV
	pyKV    struct {
		key string
		val any
	}
)

func (d pyDict) get(key string) (any, bool) {
	for _, kv := range d {
		if kv.key == key {
			return kv.val, true
		}
	}
	return nil, false
}

// maxPyDepth bounds nesting, so a hostile header cannot exhaust the stack.
const maxPyDepth = 8

// pyParser reads the subset of Python literals NumPy writes in headers.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, fmt.Errorf("values nested deeper than %d", maxPyDepth)
	}
	p.space()
	if p.i == len(p.s) {
		return nil, fmt.Errorf("the header ends early")
	}
	switch c := p.s[p.i]; {
	case c == '\'' || c == '"':
		return p.str()
	case c == '{':
		return p.dict(depth)
	case c == '(':
		items, err := p.seq(depth, ')')
		return pyTuple(items), err
	case c == '[':
		items, err := p.seq(depth, ']')
		return pyList(items), err
	case c == '-' || c >= '0' && c <= '9':
		return p.int()
	}
	return p.name()
}

func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	var b strings.Builder
	for p.i++; p.i < len(p.s); p.i++ {
		switch c := p.s[p.i]; {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			b.WriteByte(p.s[p.i])
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated string")
}

func (p *pyParser) int() (int64, error) {
	j := p.i
	if p.s[j] == '-' {
		j++
	}
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad integer %q", p.s[p.i:j])
	}
	p.i = j
	if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
		p.i++
	}
	return n, nil
}

func (p *pyParser) name() (any, error) {
	for _, n := range []struct {
		word string
		val  any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], n.word) {
			p.i += len(n.word)
			return n.val, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q", p.rest())
}

// seq reads the items of a tuple or list up to close; a trailing comma is
// allowed, as in (4096,).
func (p *pyParser) seq(depth int, close byte) ([]any, error) {
	p.i++
	items := []any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == close {
			p.i++
			return items, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		if err := p.sep(close); err != nil {
			return nil, err
		}
	}
}

// sep consumes a comma, or checks that close comes next.
func (p *pyParser) sep(close byte) error {
	p.space()
	switch {
	case p.i < len(p.s) && p.s[p.i] == ',':
		p.i++
		return nil
	case p.i < len(p.s) && p.s[p.i] == close:
		return nil
	case p.i == len(p.s):
		return fmt.Errorf("the header ends early")
	}
	return fmt.Errorf("unexpected %q, want ',' or '%c'", p.rest(), close)
}

func (p *pyParser) dict(depth int) (pyDict, error) {
	p.i++
	d := pyDict{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dictionary key %s is not a string", pyRepr(k))
		}
		if _, dup := d.get(key); dup {
			return nil, fmt.Errorf("key '%s' appears twice", key)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("want ':' after key '%s'", key)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d = append(d, pyKV{key, v})
		if err := p.sep('}'); err != nil {
			return nil, err
		}
	}
}

// pyRepr renders a value for an error message, roughly as Python would.
func pyRepr(v any) string {
	switch v := v.(type) {
	case string:
		return "'" + v + "'"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	case int64:
		return strconv.FormatInt(v, 10)
	case pyTuple:
		return "(" + reprItems(v) + ")"
	case pyList:
		return "[" + reprItems(v) + "]"
	case pyDict:
		return "{...}"
	}
	return fmt.Sprint(v)
}

func reprItems(items []any) string {
	s := make([]string, len(items))
	for i, e := range items {
		s[i] = pyRepr(e)
	}
	return strings.Join(s, ", ")
}
