package emit

import (
	"fmt"
	"strings"

	lir "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	lt "github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/q35c/q35c/ir"
)

// LLVM writes m as an LLVM IR module (built with github.com/llir/llvm), one
// C-ABI function per kernel:
//
//	int32_t k(T0 *P0, uint64_t P0_bytes, T1 *P1, uint64_t P1_bytes, ...);
//
// Each buffer is passed with its size in bytes (ir.Buffer.StorageBytes);
// when a size differs the kernel writes nothing and returns 1, else it
// returns 0. Loops become basic blocks with phis, affine subscripts become
// address arithmetic, vector loops (ir.Loop.Vector) become LLVM vector
// operations following ir.PlanVector, and parallel loops are outlined and
// run on OpenMP threads through GOMP_parallel (libomp or libgomp). Float
// arithmetic is emitted in the IR's order with no fast-math flags, so
// clang may neither reassociate nor contract it (compile with
// -ffp-contract=off, which `q35c build` passes) and results stay
// bit-identical to the interpreter's.
func LLVM(m *ir.Module) ([]byte, error) { return LLVMFor(m, Features{}) }

// LLVMFor is LLVM for a CPU with the given features: packed dot products
// (ir.Loop.Dot) use its instructions through intrinsics.
func LLVMFor(m *ir.Module, feat Features) ([]byte, error) {
	if err := ir.Verify(m); err != nil {
		return nil, err
	}
	if err := CheckCNames(m); err != nil {
		return nil, err
	}
	l := &llvmModule{m: lir.NewModule(), intrinsics: map[string]*lir.Func{}, feat: feat}
	l.m.SourceFilename = m.Name
	for _, f := range m.Funcs {
		if err := l.kernel(f); err != nil {
			return nil, err
		}
	}
	if tf := feat.targetFeatures(); tf != "" && l.usedFeat {
		for _, fn := range l.m.Funcs {
			if len(fn.Blocks) > 0 {
				fn.FuncAttrs = append(fn.FuncAttrs, lir.AttrPair{Key: "target-features", Value: tf})
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "; LLVM IR emitted by q35c for %q\n", m.Name)
	b.WriteString(l.m.String())
	return []byte(b.String()), nil
}

// llvmModule is the module being built.
type llvmModule struct {
	m          *lir.Module
	intrinsics map[string]*lir.Func
	outlined   int
	feat       Features
	usedFeat   bool // some function calls an intrinsic of feat
}

// intrinsic declares (once) and returns an LLVM intrinsic or runtime function.
func (l *llvmModule) intrinsic(name string, ret lt.Type, params ...lt.Type) *lir.Func {
	if f, ok := l.intrinsics[name]; ok {
		return f
	}
	ps := make([]*lir.Param, len(params))
	for i, p := range params {
		ps[i] = lir.NewParam("", p)
	}
	f := l.m.NewFunc(name, ret, ps...)
	l.intrinsics[name] = f
	return f
}

// llvmType returns the LLVM type of a scalar IR type (index is i64).
func llvmType(t ir.Type) lt.Type {
	switch {
	case t.IsIndex():
		return lt.I64
	case t == ir.F32:
		return lt.Float
	case t == ir.F16:
		return lt.Half
	}
	return lt.NewInt(uint64(t.Bits))
}

// storageType is the LLVM element type of a buffer's storage.
func storageType(b *ir.Buffer) lt.Type {
	_, elem := ir.StorageElem(b.Elem)
	return llvmType(elem)
}

// kernel writes one function with the C ABI.
func (l *llvmModule) kernel(f *ir.Func) error {
	var params []*lir.Param
	for _, b := range f.Params {
		params = append(params, lir.NewParam(b.Name, lt.NewPointer(storageType(b))), lir.NewParam(b.Name+"_bytes", lt.I64))
	}
	fn := l.m.NewFunc(f.Name, lt.I32, params...)
	entry := fn.NewBlock("entry")
	bad := fn.NewBlock("bad_size")
	bad.NewRet(constant.NewInt(lt.I32, 1))
	body := fn.NewBlock("body")
	var wrong value.Value = constant.False
	for i, b := range f.Params {
		ne := entry.NewICmp(enum.IPredNE, params[2*i+1], constant.NewInt(lt.I64, b.StorageBytes()))
		wrong = entry.NewOr(wrong, ne)
	}
	entry.NewCondBr(wrong, bad, body)
	g := &llvmFunc{l: l, f: f, fn: fn, cur: body, vals: map[*ir.Value]value.Value{}, bufs: map[*ir.Buffer]value.Value{}, packs: map[*ir.Op]*dotPack{}}
	for i, b := range f.Params {
		g.bufs[b] = params[2*i]
	}
	for _, t := range f.Tables {
		g.bufs[t.Buf] = l.table(f, t)
	}
	g.block(f.Body)
	if g.err != nil {
		return g.err
	}
	g.cur.NewRet(constant.NewInt(lt.I32, 0))
	return nil
}

// table defines a constant table as a private global array and returns a
// pointer to its first element.
func (l *llvmModule) table(f *ir.Func, t *ir.Table) value.Value {
	et := llvmType(t.Buf.Elem).(*lt.IntType)
	elems := make([]constant.Constant, len(t.Data))
	for i, x := range t.Data {
		elems[i] = constant.NewInt(et, x)
	}
	arr := constant.NewArray(lt.NewArray(uint64(len(elems)), et), elems...)
	g := l.m.NewGlobalDef(f.Name+"."+t.Buf.Name, arr)
	g.Immutable = true
	g.Linkage = enum.LinkagePrivate
	zero := constant.NewInt(lt.I64, 0)
	return constant.NewGetElementPtr(arr.Typ, g, zero, zero)
}

// llvmFunc emits the body of one LLVM function.
type llvmFunc struct {
	l     *llvmModule
	f     *ir.Func
	fn    *lir.Func
	cur   *lir.Block
	vals  map[*ir.Value]value.Value
	bufs  map[*ir.Buffer]value.Value
	vec   *llvmVector         // the vector loop being emitted, if any
	packs map[*ir.Op]*dotPack // dot loops whose activations are packed (see hoistDots)
	err   error
	nblk  int
}

func (g *llvmFunc) failf(op *ir.Op, format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("%s: emit llvm: %s", op.Pos, fmt.Sprintf(format, args...))
	}
}

// newBlock appends a fresh block named after hint.
func (g *llvmFunc) newBlock(hint string) *lir.Block {
	g.nblk++
	return g.fn.NewBlock(fmt.Sprintf("%s.%d", hint, g.nblk))
}

// val returns the LLVM value of v.
func (g *llvmFunc) val(v *ir.Value) value.Value {
	if x, ok := g.vals[v]; ok {
		return x
	}
	if g.err == nil {
		g.err = fmt.Errorf("emit llvm: value %s used before its definition", v.Name)
	}
	return constant.NewUndef(llvmType(v.Type))
}

func (g *llvmFunc) block(b *ir.Block) {
	for _, op := range b.Ops {
		if g.err != nil {
			return
		}
		g.op(op)
	}
}

func i64(c int64) *constant.Int { return constant.NewInt(lt.I64, c) }

// CheckCNames fails, at the kernel's position, when a kernel's name cannot
// be a C symbol of its own (see reservedCName).
func CheckCNames(m *ir.Module) error {
	for _, f := range m.Funcs {
		if reservedCName(f.Name) {
			return fmt.Errorf("%s: kernel %s: the name is reserved in C programs (main, q35c_*, GOMP_*, omp_*); rename the kernel to build it natively", f.Pos, f.Name)
		}
	}
	return nil
}

// reservedCName reports whether a kernel name would clash in a C program:
// main, q35c_* (the drivers' symbols), and the OpenMP entry points the
// parallel code calls.
func reservedCName(name string) bool {
	return name == "main" || strings.HasPrefix(name, "q35c_") || strings.HasPrefix(name, "GOMP_") || strings.HasPrefix(name, "omp_")
}
