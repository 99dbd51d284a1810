package runtime

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// The search lands close to the exact MSE optimum: on average within 0.3%
// of its squared error, never more than 20% above it, on Gaussian, Laplace
// and outlier groups of 64, for 4-bit and 3-bit codes and for a scale
// shared by 64 4-bit and 64 3-bit weights.
func TestSearchScaleNearOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	for _, kind := range []string{"4-bit", "3-bit", "shared"} {
		for _, dist := range []string{"gauss", "laplace", "outlier"} {
			const trials = 100
			var sum, worst float64
			for range trials {
				slots := []scaleSlot{{qtGroup(rng, dist, 64), range4}}
				switch kind {
				case "3-bit":
					slots[0].cr = range3
				case "shared":
					slots = append(slots, scaleSlot{qtGroup(rng, dist, 64), range3})
				}
				_, opt := qtExactScale(slots)
				r := qtSqErr(slots, searchScale(slots, MSE)) / opt
				sum += r
				worst = max(worst, r)
			}
			mean := sum / trials
			t.Logf("%s %s: squared error / optimum: mean %.5f, worst %.5f", kind, dist, mean, worst)
			if mean > 1.003 || worst > 1.2 {
				t.Errorf("%s %s: squared error / optimum: mean %.5f, worst %.5f", kind, dist, mean, worst)
			}
		}
	}
}

// A group of equal weights is represented exactly, up to the f32 rounding
// of scale and product (a few ulps). (Subnormal weights are not: their
// scales have few significant bits.)
func TestSearchScaleExactGroups(t *testing.T) {
	for _, cr := range []codeRange{range4, range3, range8} {
		for _, v := range []float32{1, -1, 0.1, -3e-30, 2.5e38} {
			x := []float32{v, v, v, v, 0}
			s := searchScale([]scaleSlot{{x, cr}}, MSE)
			ulps := 4 * max(0x1p-23*math.Abs(float64(v)), 0x1p-149)
			if e := qtSqErr([]scaleSlot{{x, cr}}, s); e > 4*ulps*ulps {
				t.Errorf("%v, weights %g: scale %g leaves squared error %g", cr, v, s, e)
			}
		}
	}
}

func TestSearchScaleExtremes(t *testing.T) {
	for _, cr := range []codeRange{range4, range3, range8} {
		for _, x := range [][]float32{
			{math.MaxFloat32, -math.MaxFloat32, 1},
			{-math.MaxFloat32, 3e38, -3e38},
			{math.SmallestNonzeroFloat32, 0, -math.SmallestNonzeroFloat32},
			{0, 0, 0},
		} {
			for _, m := range []ScaleMethod{MSE, Absmax} {
				s := searchScale([]scaleSlot{{x, cr}}, m)
				for _, v := range x {
					c := quantCode(v, s, cr)
					qtCheckCode(t, cr.String()+" "+m.String(), v, s, c, s*float32(c), cr)
				}
			}
		}
	}
}

func TestSearchFactorTables(t *testing.T) {
	want := []float64{}
	for i := 24; i >= -40; i-- {
		if i != 0 {
			want = append(want, math.Exp2(float64(i)/8))
		}
	}
	qtClose(t, "coarse", coarseFactors, want)
	want = want[:0]
	for j := 1; j <= 3; j++ {
		want = append(want, math.Exp2(float64(j)/64), math.Exp2(-float64(j)/64))
	}
	qtClose(t, "fine", fineFactors, want)
}

func TestScaleLimit(t *testing.T) {
	for _, tc := range []struct {
		cr   codeRange
		want float64
	}{{range4, math.MaxFloat32 / 8}, {range3, math.MaxFloat32 / 4}, {range8, math.MaxFloat32 / 128}} {
		l := scaleLimit([]scaleSlot{{nil, tc.cr}})
		if l != tc.want || math.IsInf(float64(float32(l)*float32(tc.cr.lo)), 0) {
			t.Errorf("%v: limit %g, want %g", tc.cr, l, tc.want)
		}
	}
}

// qtExactScale finds the global minimum over s > 0 of the squared error of
// slots sharing scale s, by sweeping s downwards through every point where
// a code changes: weight x moves from code c-1 to c at s = |x|/(c-½).
// Between two such points the codes are fixed and the error A - 2sB + s²C
// is a parabola, minimized at B/C clamped to the interval; the error is
// continuous at the points.
func qtExactScale(slots []scaleSlot) (s, e float64) {
	type step struct{ s, dB, dC float64 }
	var steps []step
	var a float64
	for _, sl := range slots {
		for _, v := range sl.x {
			f := float64(v)
			a += f * f
			top := sl.cr.hi
			if f < 0 {
				top = -sl.cr.lo
			}
			for c := 1; f != 0 && c <= top; c++ {
				steps = append(steps, step{math.Abs(f) / (float64(c) - 0.5), math.Abs(f), float64(2*c - 1)})
			}
		}
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].s > steps[j].s })
	best, bestS := a, math.Inf(1)
	var b, c float64
	for i, st := range steps {
		b, c = b+st.dB, c+st.dC
		lo := 0.0
		if i+1 < len(steps) {
			lo = steps[i+1].s
		}
		s := min(max(b/c, lo), st.s)
		if e := a - 2*s*b + s*s*c; e < best {
			best, bestS = e, s
		}
	}
	return bestS, best
}

// qtSqErr is the squared error of slots at scale s with the stored codes.
func qtSqErr(slots []scaleSlot, s float32) float64 {
	var e float64
	for _, sl := range slots {
		for _, v := range sl.x {
			d := float64(v) - float64(s*float32(quantCode(v, s, sl.cr)))
			e += d * d
		}
	}
	return e
}

func qtGroup(rng *rand.Rand, dist string, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch dist {
		case "laplace":
			x[i] = float32(rng.ExpFloat64() * float64(1-2*rng.IntN(2)))
		default:
			x[i] = float32(rng.NormFloat64())
		}
	}
	if dist == "outlier" {
		x[rng.IntN(n)] *= 20
	}
	return x
}

func qtClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d factors, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-15*want[i] {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}
