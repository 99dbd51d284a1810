package emit

import (
	"strings"
	"testing"

	"github.com/q35c/q35c/ir"
)

// unpacked is a kernel as the unpack pass leaves it: raw byte loads of a
// packed buffer (affine and gathered) and lookups in a constant table.
// O[i, j] = T[W.byte[i, j] & 7] + W.byte[i, X[j] & 15].
func unpacked() *ir.Func {
	w, x, o := buf("W", ir.In, ir.I4, 3, 16), buf("X", ir.In, ir.I32, 16), buf("O", ir.Out, ir.I32, 3, 16)
	f, b := newKernel("unpacked", w, x, o)
	t := &ir.Table{Buf: &ir.Buffer{Name: "sext3", Kind: ir.In, Elem: ir.I32, Shape: []int64{8}}, Data: []int64{0, 1, 2, 3, -4, -3, -2, -1}}
	f.Tables = []*ir.Table{t}
	b.for0("i", 3, nil, nil, func(b kb, i *ir.Value, _ []*ir.Value) []*ir.Value {
		b.for0("j", 16, nil, nil, func(b kb, j *ir.Value, _ []*ir.Value) []*ir.Value {
			byte1 := b.next().LoadByte(w, at(i, j))
			m := b.next().Cast(b.Bin(ir.OpAnd, byte1, b.ConstInt(ir.I8, 7)), ir.Index)
			v := b.next().Load(t.Buf, []ir.Subscript{{Dyn: m}})
			k := b.next().Bin(ir.OpAnd, b.Load(x, at(j)), b.ConstInt(ir.I32, 15))
			byte2 := b.next().LoadByte(w, []ir.Subscript{{Affine: ir.Dim(i)}, {Dyn: k}})
			b.next().Store(b.Bin(ir.OpAdd, v, b.Cast(byte2, ir.I32)), o, at(i, j))
			return nil
		})
		return nil
	})
	return f
}

// Tables are module-level constant globals, bound in the function and not
// passed as arguments; raw loads read the byte without extracting a nibble.
func TestTablesAndRawLoads(t *testing.T) {
	src := string(emitString(t, module(unpacked()), Options{Harness: true}))
	for _, want := range []string{
		`memref.global "private" constant @unpacked.sext3 : memref<8xi32> = dense<[0, 1, 2, 3, -4, -3, -2, -1]>`,
		"%sext3 = memref.get_global @unpacked.sext3 : memref<8xi32>",
		"= affine.load %W[%i, %j floordiv 2] : memref<3x8xi8>",
		"= memref.load %sext3[",
		"func.func @unpacked(%W: memref<3x8xi8>",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the MLIR lacks %q:\n%s", want, numbered([]byte(src)))
		}
	}
	for _, bad := range []string{"arith.shli", "%sext3: memref"} {
		if strings.Contains(src, bad) {
			t.Errorf("the MLIR has %q:\n%s", bad, numbered([]byte(src)))
		}
	}
}
