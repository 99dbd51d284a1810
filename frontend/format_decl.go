package frontend

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// file prints the declarations: a blank line around every kernel, and
// between constants where the source has one.
func (f *formatter) file(pf *pFile) {
	prevKernel := false
	for i, d := range pf.Decls {
		rule := blankKeep
		if i > 0 && (prevKernel || d.Kernel != nil) {
			rule = blankForce
		}
		if d.Const != nil {
			c := d.Const
			f.code("", c.Pos.Offset, f.lastTok(c.EndPos.Offset), "const "+c.Name+" = "+exprText(c.Value), rule)
		} else {
			f.kernel(d.Kernel, rule)
		}
		prevKernel = d.Kernel != nil
	}
	f.flush(len(f.src)+1, "", blankKeep)
}

// kernel prints `kernel name(params) {`, the body and `}`. The parameters
// keep the user's line breaks (see paramLines).
func (f *formatter) kernel(k *pKernel, rule blankRule) {
	open := k.Body.Pos.Offset
	brace := f.tokAfter(open, 0)
	head := "kernel " + k.Name + "("
	if len(k.Params) == 0 {
		f.code("", k.Pos.Offset, brace, head+") {", rule)
	} else {
		f.paramLines(k, head, rule)
	}
	f.block(1, k.Body)
}

// paramLines prints the parameter list. A parameter that starts on a later
// source line than the one before it starts a new line; continuation lines
// line up after the `(`, or are indented by two spaces when the list starts
// on the line after the `(`, and then `) {` goes on its own line if the
// source has `)` on its own line too. A blank line between parameter lines
// is kept, as between statements.
func (f *formatter) paramLines(k *pKernel, head string, rule blankRule) {
	lparen := f.tokAfter(k.Pos.Offset, 2)
	rparen := f.lastTok(k.Body.Pos.Offset)
	brace := f.tokAfter(k.Body.Pos.Offset, 0)
	groups := f.paramGroups(k.Params)
	last := groups[len(groups)-1]
	lastParam := f.lastTok(last[len(last)-1].EndPos.Offset)
	breakOpen := k.Params[0].Pos.Line > lparen.Pos.Line
	breakClose := rparen.Pos.Line > lastParam.Pos.Line
	cont := strings.Repeat(" ", len(head))
	if breakOpen {
		cont = "  "
		f.code("", k.Pos.Offset, lparen, head, rule)
		rule = blankNever
	}
	for i, g := range groups {
		text := paramsText(g)
		start, end := g[0].Pos.Offset, f.lastTok(g[len(g)-1].EndPos.Offset)
		indent := cont
		if i == 0 && !breakOpen {
			text, start, indent = head+text, k.Pos.Offset, ""
		}
		switch {
		case i < len(groups)-1 || breakClose:
			text += ","
		default:
			text, end = text+") {", brace
		}
		f.code(indent, start, end, text, rule)
		rule = blankKeep
	}
	if breakClose {
		f.flush(brace.Pos.Offset, cont, blankKeep) // also those between `)` and `{`
		f.code("", rparen.Pos.Offset, brace, ") {", blankNever)
	}
}

// paramGroups splits params where the source starts a parameter on a line
// after the end of the one before.
func (f *formatter) paramGroups(params []*pParam) [][]*pParam {
	groups := [][]*pParam{{params[0]}}
	for i := 1; i < len(params); i++ {
		if params[i].Pos.Line > f.lastTok(params[i-1].EndPos.Offset).Pos.Line {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], params[i])
	}
	return groups
}

func paramsText(ps []*pParam) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Name + ": " + p.Kind + " " + p.Elem.Name + "[" + exprList(p.Shape) + "]"
	}
	return strings.Join(s, ", ")
}

// block prints the statements of b at depth and its closing brace one level
// out. Comments before the `}` stay at the statements' depth.
func (f *formatter) block(depth int, b *pBlock) {
	indent := strings.Repeat("  ", depth)
	rule := blankNever
	for i, s := range b.Stmts {
		f.stmt(indent, s, needSemicolon(b.Stmts, i), rule)
		rule = blankKeep
	}
	closing := f.lastTok(b.EndPos.Offset)
	f.flush(closing.Pos.Offset, indent, rule)
	f.code(indent[2:], closing.Pos.Offset, closing, "}", blankNever)
}

func (f *formatter) stmt(indent string, s *pStmt, semi bool, rule blankRule) {
	switch {
	case s.For != nil:
		f.forStmt(indent, s.For, rule)
		return
	case s.Let != nil:
		l := s.Let
		text := l.Keyword + " " + l.Name.Name
		if l.Type != nil {
			text += ": " + l.Type.Name
		}
		f.simple(indent, l.Pos, l.EndPos, text+" = "+exprText(l.Value), semi, rule)
	default:
		a := s.Assign
		f.simple(indent, a.Pos, a.EndPos, refText(a.Target)+" "+a.Op+" "+exprText(a.Value), semi, rule)
	}
}

func (f *formatter) simple(indent string, pos, end lexer.Position, text string, semi bool, rule blankRule) {
	if semi {
		text += ";"
	}
	f.code(indent, pos.Offset, f.lastTok(end.Offset), text, rule)
}

// needSemicolon reports whether statement i must keep a `;`: only when the
// next one is an assignment to a variable named `as` (not a valid name, but
// valid syntax), which would otherwise read as a cast of the value before.
func needSemicolon(stmts []*pStmt, i int) bool {
	if i+1 >= len(stmts) || stmts[i].For != nil {
		return false
	}
	next := stmts[i+1].Assign
	return next != nil && next.Target.Name == "as"
}

func (f *formatter) forStmt(indent string, s *pFor, rule blankRule) {
	text := "for " + s.Var.Name + " in " + exprText(s.Lo) + ".." + exprText(s.Hi)
	if s.Step != nil {
		text += " step " + exprText(s.Step)
	}
	f.code(indent, s.Pos.Offset, f.tokAfter(s.Body.Pos.Offset, 0), text+" {", rule)
	f.block(len(indent)/2+1, s.Body)
}
