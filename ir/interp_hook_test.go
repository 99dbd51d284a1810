package ir

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// dotKernel builds C[n] = 3 + Σ_k A[k]·W[n,k] over 2 columns of 32 bytes,
// its k loop marked as a dot loop, and returns the function, that loop and
// the variable of the loop over n.
func dotKernel(t *testing.T) (*Func, *Op, *Value) {
	t.Helper()
	A, W, C := param("A", In, I8, 32), param("W", In, I8, 2, 32), param("C", Out, I32, 2)
	k := newKernel(A, W, C)
	var dot *Op
	var col *Value
	k.rng("n", 0, 2, func(n *Value) {
		col = n
		dot = k.at(2, 5).loop("k", cs(0), cs(32), 1, []*Value{k.i(I32, 3)}, func(kv *Value, acc []*Value) []*Value {
			p := k.Bin(OpMul, k.Cast(k.Load(A, d(kv)), I32), k.Cast(k.Load(W, d(n, kv)), I32))
			return []*Value{k.Bin(OpAdd, acc[0], p)}
		})
		k.Store(dot.Results[0], C, d(n))
	})
	dot.Loop.Dot = true
	if err := VerifyFunc(k.f); err != nil {
		t.Fatal(err)
	}
	return k.f, dot, col
}

func outC(mem [][]byte) []int32 {
	return []int32{int32(binary.LittleEndian.Uint32(mem[2])), int32(binary.LittleEndian.Uint32(mem[2][4:]))}
}

// ExecWith without hooks is Exec; with a Dot hook, the hook's values (cut
// to i32) are the loop's results, and it sees the accumulator's initial
// value and the loop variables around it.
func TestExecWithDotHook(t *testing.T) {
	f, dot, col := dotKernel(t)
	want, plain := fillAll(f), fillAll(f)
	if err := Exec(f, want); err != nil {
		t.Fatal(err)
	}
	if err := ExecWith(f, plain, Hooks{}); err != nil || string(plain[2]) != string(want[2]) {
		t.Fatalf("ExecWith without hooks: %v, C = %v, want %v", err, outC(plain), outC(want))
	}
	var seen, cols []int64
	mem := fillAll(f)
	err := ExecWith(f, mem, Hooks{Dot: func(op *Op, val func(*Value) int64, buf func(*Buffer) []byte) ([]int64, error) {
		if op != dot || len(buf(f.Params[0])) != 32 {
			t.Errorf("hook called for %v with %d bytes of A", op.Code, len(buf(f.Params[0])))
		}
		cols = append(cols, val(col))
		seen = append(seen, val(op.Args[0]))
		return []int64{int64(len(seen)) + 1<<32}, nil // the high bits are cut off
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := outC(mem); got[0] != 1 || got[1] != 2 || len(seen) != 2 || seen[0] != 3 || cols[1] != 1 {
		t.Errorf("C = %v, initial values %v, columns %v; want [1 2], 3s and [0 1]", got, seen, cols)
	}
}

// A hook's error stops execution at the dot loop's position; a wrong
// number of results is an error too.
func TestExecWithDotHookErrors(t *testing.T) {
	f, _, _ := dotKernel(t)
	err := ExecWith(f, fillAll(f), Hooks{Dot: func(*Op, func(*Value) int64, func(*Buffer) []byte) ([]int64, error) {
		return nil, errors.New("no plane free")
	}})
	if err == nil || !strings.Contains(err.Error(), "k.q35:2:5") || !strings.Contains(err.Error(), "no plane free") {
		t.Errorf("err = %v", err)
	}
	err = ExecWith(f, fillAll(f), Hooks{Dot: func(*Op, func(*Value) int64, func(*Buffer) []byte) ([]int64, error) {
		return []int64{1, 2}, nil
	}})
	if err == nil || !strings.Contains(err.Error(), "returned 2 values for 1 accumulators") {
		t.Errorf("err = %v", err)
	}
}
