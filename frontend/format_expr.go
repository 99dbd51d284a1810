package frontend

import "strings"

// Expressions are printed from the parse tree, so the user's parentheses
// are kept as written and none is added (the tree already holds the
// precedence). Every binary operator and `as` has one space on each side;
// unary operators (but for - -x), `[`, `(` and `..` have none.

func exprText(e *pExpr) string {
	s := addText(e.Left)
	if e.Op != "" {
		s += " " + e.Op + " " + addText(e.Right)
	}
	return s
}

func exprList(es []*pExpr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = exprText(e)
	}
	return strings.Join(s, ", ")
}

func addText(a *pAdd) string {
	s := mulText(a.Left)
	for _, r := range a.Rest {
		s += " " + r.Op + " " + mulText(r.Right)
	}
	return s
}

func mulText(m *pMul) string {
	s := castText(m.Left)
	for _, r := range m.Rest {
		s += " " + r.Op + " " + castText(r.Right)
	}
	return s
}

func castText(c *pCast) string {
	s := unaryText(c.X)
	for _, t := range c.As {
		s += " as " + t.Name
	}
	return s
}

func unaryText(u *pUnary) string {
	if u.Prim == nil {
		x := unaryText(u.X)
		if u.Op == "-" && x[0] == '-' {
			return "- " + x // not --x, which reads as a decrement
		}
		return u.Op + x
	}
	p := u.Prim
	switch {
	case p.Float != nil:
		return *p.Float
	case p.Int != nil:
		return *p.Int
	case p.Bool != nil:
		return *p.Bool
	case p.Call != nil:
		return p.Call.Name + "(" + exprList(p.Call.Args) + ")"
	case p.Ref != nil:
		return refText(p.Ref)
	}
	return "(" + exprText(p.Paren) + ")"
}

func refText(r *pRef) string {
	if r.Index == nil {
		return r.Name
	}
	return r.Name + "[" + exprList(r.Index) + "]"
}
