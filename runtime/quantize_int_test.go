package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestQuantizeInt4Bound(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	for _, g := range []int{2, 16, 128} {
		for _, opts := range [][]Option{nil, {WithScaleMethod(Absmax)}} {
			k, n := 2*g, 5
			w := qtWeights(rng, k*n)
			q, err := QuantizeInt4(w, k, n, g, opts...)
			if err != nil {
				t.Fatal(err)
			}
			for r := range n {
				for kk := range k {
					what := fmt.Sprintf("G=%d %v (%d, %d)", g, qtOpts(opts), r, kk)
					qtCheckCode(t, what, w[r*k+kk], q.Scale(r, kk), q.Code(r, kk), q.Dequant(r, kk), range4)
				}
			}
		}
	}
}

func TestQuantizeInt8Bound(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	for _, g := range []int{1, 3, 128} {
		k, n := 2*g, 5
		w := qtWeights(rng, k*n)
		q, err := QuantizeInt8(w, k, n, g)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range w {
			r, kk := i/k, i%k
			s := q.Scales[r*(k/g)+kk/g]
			qtCheckCode(t, fmt.Sprintf("G=%d (%d, %d)", g, r, kk), v, s, q.Codes[i], q.Dequant(r, kk), range8)
		}
	}
}

func TestQuantizeInt8NeverMinus128(t *testing.T) {
	w := []float32{-1, 0.6, -1, 1}
	q, err := QuantizeInt8(w, 4, 1, 4, WithScaleMethod(Absmax))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.Codes, []int8{-127, 76, -127, 127}) {
		t.Errorf("codes %v, want [-127 76 -127 127]", q.Codes)
	}
}

func TestInt3Errors(t *testing.T) {
	k, n, g := 256, 4, 64
	w := qtGaussian(9, k*n)
	st, err := Int3Errors(w, k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	// The same quantization, spelled out: codes -4..3, one searched scale.
	q, err := quantizeGrouped(w, k, n, g, range3, MaxGroupInt3, "INT3", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range w {
		qtCheckCode(t, fmt.Sprint(i), v, q.Scales[i/g], q.Codes[i], q.Dequant(i/k, i%k), range3)
	}
	if want := MatrixErrors(w, k, q.Dequant); st != want {
		t.Errorf("Int3Errors = %+v, want %+v", st, want)
	}
	i4, err := QuantizeInt4(w, k, n, g)
	if err != nil {
		t.Fatal(err)
	}
	if e4 := MatrixErrors(w, k, i4.Dequant); st.RMSE <= e4.RMSE {
		t.Errorf("INT3 RMSE %g is not above INT4's %g", st.RMSE, e4.RMSE)
	}
}

func TestQuantizeIntDeterministic(t *testing.T) {
	k, n, g := 128, 29, 32
	w := qtGaussian(6, k*n)
	a, _ := QuantizeInt4(w, k, n, g, WithWorkers(1))
	b, _ := QuantizeInt4(w, k, n, g, WithWorkers(3))
	if !slices.Equal(a.Codes, b.Codes) || !slices.Equal(a.Scales, b.Scales) {
		t.Error("Int4: 3 workers differ from 1")
	}
	c, _ := QuantizeInt8(w, k, n, g, WithWorkers(1))
	d, _ := QuantizeInt8(w, k, n, g, WithWorkers(3))
	if !slices.Equal(c.Codes, d.Codes) || !slices.Equal(c.Scales, d.Scales) {
		t.Error("Int8: 3 workers differ from 1")
	}
}

func TestQuantizeIntErrors(t *testing.T) {
	inf := make([]float32, 8)
	inf[6] = float32(math.Inf(-1))
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"int4 odd group", qtErr(QuantizeInt4(make([]float32, 6), 6, 1, 3)), "must be a positive multiple of 2"},
		{"int4 inf", qtErr(QuantizeInt4(inf, 4, 2, 2)), "row 1, column 2 is -Inf"},
		{"int4 huge group", qtErr(QuantizeInt4(nil, MaxGroupInt4+2, 1, MaxGroupInt4+2)), "overflows above 2097150"},
		{"int8 inf", qtErr(QuantizeInt8(inf, 8, 1, 4)), "row 0, column 6 is -Inf"},
		{"int8 huge group", qtErr(QuantizeInt8(nil, MaxGroupInt8+1, 1, MaxGroupInt8+1)), "overflows above 132104"},
		{"int8 K", qtErr(QuantizeInt8(make([]float32, 6), 6, 1, 4)), "not a multiple of the group size"},
		{"int3 inf", qtErr(Int3Errors(inf, 8, 1, 8)), "row 0, column 6 is -Inf"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}

func qtErr[T any](_ T, err error) error { return err }
