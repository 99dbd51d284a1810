package runtime

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestQuantizeActivations(t *testing.T) {
	a := []float32{
		1.27, -0.6, 0.004, 0.0149, // row 0: scale 0.01
		0, 0, 0, 0, // row 1: all zero
		-2, 1, 0.5, 0.2, // row 2: scale 2/127
	}
	q, scale, err := QuantizeActivations(a, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{float32(1.27) / 127, 0, 2.0 / 127}; !slices.Equal(scale, want) {
		t.Errorf("scales %v, want %v", scale, want)
	}
	want := []int8{127, -60, 0, 1, 0, 0, 0, 0, -127, 64, 32, 13}
	if !slices.Equal(q, want) {
		t.Errorf("codes %v, want %v", q, want)
	}
}

func TestQuantizeActivationsBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	m, k := 9, 33
	a := qtWeights(rng, m*k)
	q, scale, err := QuantizeActivations(a, m, k)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range a {
		s := scale[i/k]
		qtCheckCode(t, "activation", v, s, q[i], s*float32(q[i]), range8)
		if want := qtExactCode(v, s, range8); s != 0 && q[i] != want {
			t.Fatalf("a[%d] = %g, scale %g: code %d, want %d", i, v, s, q[i], want)
		}
	}
}

func TestQuantizeActivationsTinyRow(t *testing.T) {
	a := []float32{math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}
	q, scale, err := QuantizeActivations(a, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if scale[0] != math.SmallestNonzeroFloat32 || !slices.Equal(q, []int8{1, -1}) {
		t.Errorf("scale %g codes %v, want the smallest subnormal and [1 -1]", scale[0], q)
	}
}

func TestQuantizeActivationsErrors(t *testing.T) {
	a := make([]float32, 6)
	a[4] = float32(math.NaN())
	for _, tc := range []struct {
		a    []float32
		m, k int
		want string
	}{
		{a, 2, 3, "activation at row 1, column 1 is NaN"},
		{a, 2, 2, "have 6 values, want 4"},
		{a, 0, 6, "dimensions must be positive"},
	} {
		_, _, err := QuantizeActivations(tc.a, tc.m, tc.k)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%dx%d: error %v, want %q", tc.m, tc.k, err, tc.want)
		}
	}
}
