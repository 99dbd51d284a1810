package passes

import (
	"fmt"

	"github.com/q35c/q35c/internal/diag"
	"github.com/q35c/q35c/ir"
)

// Parallelize is the parallelize pass: it marks loops parallel
// (ir.Loop.Parallel) when CarriedDependence proves their iterations
// independent, so that the MLIR emitter writes them as affine.parallel and
// mlir-opt's OpenMP lowering runs them on threads.
//
// Only the outermost provable loop of each nest is marked. Each parallel
// loop becomes an OpenMP parallel region whose threads are forked and
// joined around it, so one region around the most work costs least, and a
// region nested in another would only add that cost again (OpenMP runs
// nested regions on the one thread that reaches them by default). Inside a
// loop left serial the search goes on, and so it does inside a loop that
// runs at most once, which has nothing to share out (the m loop of an M=1
// matmul). Loops with iteration arguments stay serial: MLIR's
// affine.parallel reductions are not used.
//
// Marks from an earlier run are cleared first, so the result depends only
// on the IR. Parallelize fails only on malformed IR.
func Parallelize(m *ir.Module) error {
	for _, f := range m.Funcs {
		if err := ParallelizeFunc(f, nil); err != nil {
			return err
		}
	}
	return nil
}

// ParallelizeFunc runs Parallelize on one function and, when remarks is not
// nil, adds one remark per loop in program order: that the loop is
// parallel, or why it is not, with a note at each access that may conflict.
// `q35c compile --remarks` prints them.
func ParallelizeFunc(f *ir.Func, remarks *diag.List) error {
	if f == nil || f.Body == nil {
		return fmt.Errorf("parallelize: function has no body")
	}
	bad := false
	f.Body.Walk(func(op *ir.Op) {
		if op.Code == ir.OpFor {
			if op.Loop == nil || op.Loop.IV == nil || op.Loop.Body == nil {
				bad = true
				return
			}
			op.Loop.Parallel = false
		}
	})
	if bad {
		return fmt.Errorf("parallelize: func @%s has a malformed loop", f.Name)
	}
	p := &parallelizer{remarks: remarks}
	p.block(f.Body)
	return nil
}

// parallelizer walks one function's loop nests.
type parallelizer struct {
	remarks *diag.List
}

func (p *parallelizer) block(b *ir.Block) {
	for _, op := range b.Ops {
		if op.Code == ir.OpFor {
			p.loop(op)
		}
	}
}

// loop marks op parallel, or says why not and looks inside.
func (p *parallelizer) loop(op *ir.Op) {
	l := op.Loop
	iv := depName(l.IV)
	if l.Vector != 0 {
		p.remark(op, nil, "loop %s is not parallelized: it is a vector loop", iv)
		return
	}
	if d := newDepLoop(op); d.tknown && d.tmax < 1 {
		p.remark(op, nil, "loop %s is not parallelized: it runs at most once", iv)
		p.block(l.Body)
		return
	}
	if dep := CarriedDependence(op); dep != nil {
		p.remark(op, dep.Ops, "loop %s stays serial: %s", iv, dep.Msg)
		p.block(l.Body)
		return
	}
	l.Parallel = true
	p.remark(op, nil, "loop %s is parallel", iv)
	l.Body.Walk(func(in *ir.Op) {
		if in.Code == ir.OpFor {
			p.remark(in, nil, "loop %s is not parallelized: it is inside parallel loop %s", depName(in.Loop.IV), iv)
		}
	})
}

// remark records a remark at loop op, with a note at each of the accesses
// at.
func (p *parallelizer) remark(op *ir.Op, at []*ir.Op, format string, args ...any) {
	if p.remarks == nil {
		return
	}
	r := diag.Diagnostic{Severity: diag.Remark, Span: diag.SpanOf(op.Pos, len("for")), Msg: fmt.Sprintf(format, args...)}
	for _, a := range at {
		r.Notes = append(r.Notes, diag.Diagnostic{Severity: diag.Note, Span: diag.SpanOf(a.Pos, 0), Msg: a.Code.String() + " " + depAccess(a)})
	}
	p.remarks.Add(r)
}
