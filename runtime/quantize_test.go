package runtime

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQuantCodeRoundsExactQuotient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, cr := range []codeRange{range3, range4, range8} {
		for range 5000 {
			s := qtRandF32(rng)
			w := qtRandF32(rng)
			if rng.IntN(2) == 0 { // an exact tie w = s·(k + ½), when representable
				k := float64(rng.IntN(cr.hi-cr.lo+3) + cr.lo - 2)
				w = float32(float64(s) * (k + 0.5))
				if math.IsInf(float64(w), 0) {
					continue
				}
			}
			if s <= 0 {
				s = -s
			}
			if s == 0 {
				continue
			}
			if got, want := quantCode(w, s, cr), qtExactCode(w, s, cr); got != want {
				t.Fatalf("quantCode(%g, %g, %v) = %d, want %d", w, s, cr, got, want)
			}
		}
	}
}

func TestQuantCodeZeroScale(t *testing.T) {
	if c := quantCode(3, 0, range4); c != 0 {
		t.Errorf("quantCode(3, 0) = %d, want 0", c)
	}
}

func TestCheckMatrixNamesRowAndColumn(t *testing.T) {
	for _, tc := range []struct {
		i    int
		v    float32
		want string
	}{
		{0, float32(math.NaN()), "weight at row 0, column 0 is NaN"},
		{13, float32(math.Inf(1)), "weight at row 2, column 3 is +Inf"},
		{28, float32(math.Inf(-1)), "weight at row 5, column 3 is -Inf"},
	} {
		w := make([]float32, 6*5)
		w[tc.i] = tc.v
		w[len(w)-1] = float32(math.NaN()) // a later one must not win
		err := checkMatrix("weight", w, 5, 6)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("value %v at %d: error %v, want %q", tc.v, tc.i, err, tc.want)
		}
	}
	if err := checkMatrix("weight", make([]float32, 7), 2, 4); err == nil || !strings.Contains(err.Error(), "have 7 values, want 8") {
		t.Errorf("short slice: error %v", err)
	}
}

func TestScaleMethodString(t *testing.T) {
	if MSE.String() != "mse" || Absmax.String() != "absmax" {
		t.Errorf("got %q, %q", MSE, Absmax)
	}
}

// qtExactCode is clamp(round half away from zero(w/s)) in exact rational
// arithmetic.
func qtExactCode(w, s float32, cr codeRange) int8 {
	q := new(big.Rat).Quo(qtRat(w), qtRat(s))
	neg := q.Sign() < 0
	q.Abs(q)
	q.Add(q, big.NewRat(1, 2))
	n := new(big.Int).Quo(q.Num(), q.Denom()) // floor, q >= 0
	if neg {
		n.Neg(n)
	}
	lo, hi := big.NewInt(int64(cr.lo)), big.NewInt(int64(cr.hi))
	if n.Cmp(lo) < 0 {
		n = lo
	}
	if n.Cmp(hi) > 0 {
		n = hi
	}
	return int8(n.Int64())
}

func qtRat(v float32) *big.Rat { return new(big.Rat).SetFloat64(float64(v)) }

// qtRandF32 draws from a mix that reaches every kind of finite f32: normal
// values of every exponent, subnormals, zeros, the extremes.
func qtRandF32(rng *rand.Rand) float32 {
	switch rng.IntN(8) {
	case 0:
		return math.Float32frombits(rng.Uint32() & 0x807FFFFF) // subnormal or zero
	case 1:
		return []float32{0, math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1, -1}[rng.IntN(6)]
	case 2, 3:
		for {
			if v := math.Float32frombits(rng.Uint32()); !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
				return v
			}
		}
	default:
		return float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(40)-20)))
	}
}

// qtGaussian is n N(0,1) values from a fixed seed.
func qtGaussian(seed uint64, n int) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	return w
}

// qtCheckCode checks the contract between weight w, its scale s, its code c
// in range cr and the dequantized value deq = fl32(s·c):
//   - s = 0 only for c = 0 and deq = 0;
//   - inside the representable range [s(lo-½), s(hi+½)], |w - deq| is at
//     most s/2 plus the rounding of the f32 product s·c (2^-24·|s·c|, or
//     2^-150 for a subnormal product);
//   - outside it, the code is clamped to lo or hi.
func qtCheckCode(t *testing.T, what string, w, s float32, c int8, deq float32, cr codeRange) {
	t.Helper()
	if int(c) < cr.lo || int(c) > cr.hi {
		t.Fatalf("%s: w=%g: code %d outside %d..%d", what, w, c, cr.lo, cr.hi)
	}
	if math.IsInf(float64(deq), 0) || math.IsNaN(float64(deq)) || s < 0 || math.IsInf(float64(s), 0) {
		t.Fatalf("%s: w=%g: scale %g, dequant %g", what, w, s, deq)
	}
	if s == 0 {
		if c != 0 || deq != 0 {
			t.Fatalf("%s: w=%g: scale 0 with code %d, dequant %g", what, w, c, deq)
		}
		return
	}
	sf, wf := float64(s), float64(w)
	switch {
	case wf > sf*(float64(cr.hi)+0.5):
		if int(c) != cr.hi {
			t.Fatalf("%s: w=%g above the range of scale %g: code %d, want %d", what, w, s, c, cr.hi)
		}
	case wf < sf*(float64(cr.lo)-0.5):
		if int(c) != cr.lo {
			t.Fatalf("%s: w=%g below the range of scale %g: code %d, want %d", what, w, s, c, cr.lo)
		}
	default:
		slack := max(0x1p-24*math.Abs(sf*float64(c)), 0x1p-150)
		if e := math.Abs(wf - float64(deq)); e > sf/2+slack {
			t.Fatalf("%s: w=%g scale %g code %d: |w - dequant| = %g > scale/2 + %g", what, w, s, c, e, slack)
		}
	}
}
