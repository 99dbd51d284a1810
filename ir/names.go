package ir

import "strconv"

// Namer gives SSA values stable, unique, readable spellings ("%acc",
// "%acc.1", "%3") in the order they are first asked for, so that printing
// the same function twice gives the same text. Both the IR printer and the
// MLIR emitter use it.
type Namer struct {
	names map[*Value]string
	used  map[string]bool
	next  int
}

// NewNamer returns an empty Namer.
func NewNamer() *Namer {
	return &Namer{names: map[*Value]string{}, used: map[string]bool{}}
}

// Name returns v's spelling including the leading '%'.
func (n *Namer) Name(v *Value) string {
	if s, ok := n.names[v]; ok {
		return s
	}
	var s string
	if v.Name != "" {
		s = "%" + v.Name
		for i := 1; n.used[s]; i++ {
			s = "%" + v.Name + "." + strconv.Itoa(i)
		}
	} else {
		for {
			s = "%" + strconv.Itoa(n.next)
			n.next++
			if !n.used[s] {
				break
			}
		}
	}
	n.used[s] = true
	n.names[v] = s
	return s
}

// Reserve marks s (with '%') as taken, for names the caller emits itself.
func (n *Namer) Reserve(s string) { n.used[s] = true }
