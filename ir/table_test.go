package ir

import (
	"strings"
	"testing"
)

// withTable returns a kernel over %w: in i4[2, 6], %x: in i8[4] and
// %o: out i32[2, 6] with the table %t: i32[4] = [10, -20, 30, -40].
func withTable() (*kernel, *Table, *Buffer, *Buffer, *Buffer) {
	w, x, o := param("w", In, I4, 2, 6), param("x", In, I8, 4), param("o", Out, I32, 2, 6)
	k := newKernel(w, x, o)
	t := &Table{Buf: param("t", In, I32, 4), Data: []int64{10, -20, 30, -40}}
	k.f.Tables = []*Table{t}
	return k, t, w, x, o
}

var verifyTableCases = []verifyCase{
	{"raw load of an unpacked buffer", func() *Func {
		k, _, _, x, _ := withTable()
		k.at(2, 3).LoadByte(x, d(0))
		return k.f
	}, "op load at k.q35:2:3: is a raw load of %x, want a load of a packed i4 buffer"},
	{"raw load typed as the code", func() *Func {
		k, _, w, _, _ := withTable()
		k.LoadByte(w, d(0, 1)).Type = I4
		return k.f
	}, "op load: result 0 has type i4, want i8"},
	{"raw store", func() *Func {
		k, _, _, _, o := withTable()
		k.Store(k.i(I32, 1), o, d(0, 0)).Raw = true
		return k.f
	}, "op store: is a raw store of %o, want a load of a packed i4 buffer"},
	{"store into a table", func() *Func {
		k, t, _, _, _ := withTable()
		k.Store(k.i(I32, 1), t.Buf, d(0))
		return k.f
	}, "op store: stores into %t, a constant table"},
	{"table subscript not index", func() *Func {
		k, t, _, _, _ := withTable()
		k.Load(t.Buf, []Subscript{{Dyn: k.i(I32, 1)}})
		return k.f
	}, "op load: subscript 0 of table %t has type i32, want index"},
	{"table load out of bounds", func() *Func {
		k, t, _, _, _ := withTable()
		k.Load(t.Buf, d(4))
		return k.f
	}, "subscript 0 = 4 is out of bounds [0, 4) of %t"},
	{"table of another function", func() *Func {
		k, _, _, _, _ := withTable()
		k.Load(param("u", In, I32, 4), d(0))
		return k.f
	}, "buffer %u is not a parameter of this function"},
	{"table named as a param", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf.Name = "x"
		return k.f
	}, `ir: func @k: table 0 has the empty or repeated name "x"`},
	{"table is a param", func() *Func {
		k, _, _, x, _ := withTable()
		k.f.Tables = append(k.f.Tables, &Table{Buf: x, Data: []int64{1, 2, 3, 4}})
		return k.f
	}, `table 1 has the empty or repeated name "x"`},
	{"table contents do not match", func() *Func {
		k, t, _, _, _ := withTable()
		t.Data = t.Data[:3]
		return k.f
	}, "table %t has 3 values, want 4 (its shape)"},
	{"table value too wide", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf.Elem = I8
		t.Data[0] = 200
		return k.f
	}, "table %t value 0 = 200 does not fit in i8"},
	{"float table", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf.Elem = F32
		return k.f
	}, "table %t has element type f32, want i8, i16, i32 or i64"},
	{"writable table", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf.Kind = Out
		return k.f
	}, "table %t has kind out, want in (tables are read-only)"},
	{"table of rank 2", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf.Shape = []int64{2, 2}
		return k.f
	}, "table %t has rank 2, want 1"},
	{"table without a buffer", func() *Func {
		k, t, _, _, _ := withTable()
		t.Buf = nil
		return k.f
	}, "table 0 has no buffer"},
}

// tableKernel stores o[i, j] = t[byte(w[i, j]) & 3] + byte(w[i, j]): raw
// loads see whole bytes, table loads the table's contents.
func tableKernel() *Func {
	k, t, w, _, o := withTable()
	k.rng("i", 0, 2, func(i *Value) {
		k.rng("j", 0, 6, func(j *Value) {
			b := k.LoadByte(w, d(i, j))
			idx := k.Cast(k.Bin(OpAnd, b, k.i(I8, 3)), Index)
			v := k.Load(t.Buf, []Subscript{{Dyn: idx}})
			k.Store(k.Bin(OpAdd, v, k.Cast(b, I32)), o, d(i, j))
		})
	})
	return k.f
}

func TestTableAndRawLoadExecute(t *testing.T) {
	f := tableKernel()
	mem := NewMemory(f)
	if len(mem) != 3 {
		t.Fatalf("NewMemory gave storage for %d buffers, want the 3 parameters", len(mem))
	}
	copy(mem[0], []byte{0x12, 0xF3, 0x80, 0x01, 0x7E, 0xFF})
	if err := Exec(f, mem); err != nil {
		t.Fatal(err)
	}
	table := []int64{10, -20, 30, -40}
	got := OutputWords(f.Params[2], mem[2])
	for e := range got {
		b := int64(int8(mem[0][e/2]))
		if want := table[b&3] + b; got[e] != want {
			t.Errorf("o[%d] = %d, want %d (byte %d)", e, got[e], want, b)
		}
	}
}

func TestTablePrint(t *testing.T) {
	const want = `func @k(%w: in i4[2, 6], %x: in i8[4], %o: out i32[2, 6]) {
  table %t: i32[4] = [10, -20, 30, -40]
  for %i = 0 to 2 {
    for %j = 0 to 6 {
      %0 = load.byte %w[%i, %j] : i8
`
	f := tableKernel()
	if err := VerifyFunc(f); err != nil {
		t.Fatal(err)
	}
	m := &Module{Name: "k.q35", Funcs: []*Func{f}}
	if got := m.String(); !strings.Contains(got, want) {
		t.Errorf("printed:\n%s\nwant it to start with:\n%s", got, want)
	}
}
