package runtime

import (
	"math"
	"testing"
)

func TestErrors(t *testing.T) {
	orig := []float32{3, -4, 0, 0}
	deq := []float32{3, -2, 1, 0}
	st := Errors(orig, func(i int) float32 { return deq[i] })
	want := Stats{N: 4, RMS: 2.5, RMSE: math.Sqrt(5.0 / 4), RelRMSE: math.Sqrt(5.0/4) / 2.5, MaxAbs: 2}
	if st != want {
		t.Errorf("Errors = %+v, want %+v", st, want)
	}
}

func TestErrorsDegenerate(t *testing.T) {
	if st := Errors(nil, nil); st != (Stats{}) {
		t.Errorf("empty: %+v", st)
	}
	zero := []float32{0, 0}
	if st := Errors(zero, func(int) float32 { return 0 }); st.RelRMSE != 0 {
		t.Errorf("exact zeros: relative RMSE %g, want 0", st.RelRMSE)
	}
	if st := Errors(zero, func(int) float32 { return 1 }); !math.IsInf(st.RelRMSE, 1) {
		t.Errorf("zeros dequantized to 1: relative RMSE %g, want +Inf", st.RelRMSE)
	}
}

func TestMatrixErrorsIndexes(t *testing.T) {
	orig := []float32{0, 1, 2, 10, 11, 12} // 2 rows of 3
	st := MatrixErrors(orig, 3, func(n, k int) float32 { return float32(10*n + k) })
	if st.RMSE != 0 {
		t.Errorf("MatrixErrors passed wrong (n, k): RMSE %g", st.RMSE)
	}
}
