package runtime

import (
	"fmt"
	"math"
)

// codeRange is the range lo..hi of a slot's signed codes.
type codeRange struct{ lo, hi int }

var (
	range4 = codeRange{-8, 7}     // Q35 even positions, Int4
	range3 = codeRange{-4, 3}     // Q35 odd positions, the INT3 baseline
	range8 = codeRange{-127, 127} // Int8 weights and activations (symmetric)
)

// scaleSlot is a run of weights quantized with one scale and one code
// range: one parity of a Q35 group, or a whole INT4/INT3/INT8 group.
type scaleSlot struct {
	x  []float32
	cr codeRange
}

// The MSE search looks for the scale s that minimizes the squared error
// Σ (w - s·clamp(round(w/s)))² of a group, which is not convex in s: it
// jumps between local minima as codes change. Starting from the absmax
// scale base = max|w|/qmax it tries
//
//  1. a coarse grid of factors 2^(i/8), i = 24 down to -40 (8 down to
//     1/32): low factors clip a few large weights to represent the rest
//     finely (groups with an outlier); factors above 1 let a negative
//     extreme use code -8 and serve a scale shared by 4-bit and 3-bit
//     positions, which wants 1.1 to 1.75 times max|w|/7, and up to 7/3 of
//     it or more when the largest weight sits in a 3-bit position;
//  2. a fine grid best·2^(j/64), |j| ≤ 3, around the best coarse factor;
//  3. Lloyd refinement: with the codes fixed, Σw·q/Σq² is the best scale;
//     with the scale fixed, the nearest codes are the best codes; so
//     alternating the two never increases the error. It stops when an
//     iteration does not improve, or after lloydMax.
//
// On N(0,1), Laplace and outlier groups of 64 its squared error is within
// 0.2% of the exact optimum on average and within 10% at worst (the exact
// optimum is found in the tests by sweeping every point where a code
// changes; too slow to use here).
// Candidates are evaluated with a multiply by 1/s and round half to even;
// the two differ from the stored codes' exact division and round half away
// from zero only at exact ties, which a searched scale practically never
// produces.
const lloydMax = 8

// coarseFactors are 2^(i/8) for i = 24 down to -40. The search tries base
// first and then these largest first; far-off factors cost little, since
// sqErr stops after a few weights once their error passes the best.
var coarseFactors = func() []float64 {
	// 2^(j/8) for j = 0..7, written out so that no platform's Exp2 is
	// involved: the search's result must not depend on the machine.
	root8 := [8]float64{1, 1.0905077326652577, 1.189207115002721, 1.2968395546510096,
		1.4142135623730951, 1.5422108254079407, 1.681792830507429, 1.8340080864093424}
	var f []float64
	for i := 24; i >= -40; i-- {
		if i == 0 {
			continue // the absmax scale itself, tried first
		}
		j := (i%8 + 8) % 8 // 2^(i/8) = 2^(j/8) · 2^((i-j)/8)
		f = append(f, math.Ldexp(root8[j], (i-j)/8))
	}
	return f
}()

// fineFactors are 2^(j/64) for j = ±1..±3. (Seven steps each way, up to
// the coarse neighbours, cost a third more time for a 0.06% smaller mean
// squared error on N(0,1) groups.)
var fineFactors = func() []float64 {
	up := [3]float64{1.0108892860517005, 1.0218971486541166, 1.0330248790212284}
	var f []float64
	for _, u := range up {
		f = append(f, u, 1/u)
	}
	return f
}()

// searchScale returns the scale shared by slots: 0 when all weights are 0,
// else the absmax scale or the searched MSE scale, as a storable f32 (see
// storable). Candidates are made storable before they are evaluated, so
// the search compares the errors of scales it can return.
func searchScale(slots []scaleSlot, m ScaleMethod) float32 {
	base := absmaxScale(slots)
	if base == 0 {
		return 0
	}
	limit := scaleLimit(slots)
	base = float64(storable(base, limit))
	if m == Absmax {
		return float32(base)
	}
	best, bestErr := base, sqErr(slots, base, math.Inf(1))
	try := func(s float64) {
		s = float64(storable(s, limit))
		if e := sqErr(slots, s, bestErr); e < bestErr {
			best, bestErr = s, e
		}
	}
	for _, f := range coarseFactors {
		try(base * f)
	}
	center := best
	for _, f := range fineFactors {
		try(center * f)
	}
	for range lloydMax {
		prev := bestErr
		if s := lsqScale(slots, best); s > 0 {
			try(s)
		}
		if bestErr >= prev {
			break
		}
	}
	return float32(best)
}

// absmaxScale is max|w| / qmax, both over all the slots: the largest
// magnitude maps to the largest positive code. For a shared Q35 scale that
// is max|w|/7, so 3-bit positions clip beyond ±3.5 steps; the alternative
// that clips nothing, max(max|even|/7, max|odd|/3), wastes the 4-bit
// positions' resolution and measures worse on N(0,1) weights (25.2%
// relative RMSE against 21.2% at G = 128).
func absmaxScale(slots []scaleSlot) float64 {
	var a float32
	var qmax int
	for _, sl := range slots {
		for _, v := range sl.x {
			a = max(a, absF32(v))
		}
		qmax = max(qmax, sl.cr.hi)
	}
	return float64(a) / float64(qmax)
}

// sqErr is the squared error of the slots at scale s (see roundErr). It
// gives up and returns early once the sum reaches limit. Two partial sums
// shorten the chain of dependent additions.
func sqErr(slots []scaleSlot, s, limit float64) float64 {
	inv := 1 / s
	var e0, e1 float64
	for _, sl := range slots {
		lo, hi := float64(sl.cr.lo), float64(sl.cr.hi)
		x := sl.x
		for ; len(x) >= 2; x = x[2:] {
			e0 += roundErr(float64(x[0]), inv, s, lo, hi)
			e1 += roundErr(float64(x[1]), inv, s, lo, hi)
			if e0+e1 >= limit {
				return e0 + e1
			}
		}
		if len(x) == 1 {
			e0 += roundErr(float64(x[0]), inv, s, lo, hi)
		}
	}
	return e0 + e1
}

// roundMagic rounds |r| < 2^51 to an integer, ties to even, by the
// floating-point addition's own rounding: (r + magic) - magic.
const roundMagic = 1.5 * (1 << 52)

// searchCode is the code of f at scale 1/inv as the search computes it:
// clamped to lo..hi, then rounded (clamping first keeps r small for
// roundMagic). The explicit float64 conversions forbid fusing into FMA, so
// every platform computes the same value.
func searchCode(f, inv, lo, hi float64) float64 {
	r := float64(f * inv)
	if r < lo {
		r = lo
	} else if r > hi {
		r = hi
	}
	return (r + roundMagic) - roundMagic
}

// roundErr is (f - s·code)² for f's search code at scale s = 1/inv.
func roundErr(f, inv, s, lo, hi float64) float64 {
	d := f - float64(searchCode(f, inv, lo, hi)*s)
	return float64(d * d)
}

// lsqScale is the scale that minimizes the squared error for the codes
// that scale s gives: Σ w·q / Σ q², or 0 if every code is 0.
func lsqScale(slots []scaleSlot, s float64) float64 {
	inv := 1 / s
	var xq, qq float64
	for _, sl := range slots {
		lo, hi := float64(sl.cr.lo), float64(sl.cr.hi)
		for _, v := range sl.x {
			q := searchCode(float64(v), inv, lo, hi)
			xq += float64(float64(v) * q)
			qq += float64(q * q)
		}
	}
	if qq == 0 {
		return 0
	}
	return xq / qq
}

// scaleLimit is the largest scale for which scale × code is finite in f32
// for every code of the slots: MaxFloat32 / 2^⌈log2 |lo|⌉ (a power-of-two
// division, so exact). Larger scales are never used: huge weights clip
// instead of dequantizing to ±Inf.
func scaleLimit(slots []scaleSlot) float64 {
	limit := math.MaxFloat32
	for _, sl := range slots {
		limit = min(limit, math.MaxFloat32/float64(pow2AtLeast(-sl.cr.lo)))
	}
	return limit
}

// storable rounds a positive scale to f32, at most limit and at least the
// smallest positive f32 (a nonzero group never gets scale 0).
func storable(s, limit float64) float32 {
	return max(float32(min(s, limit)), math.SmallestNonzeroFloat32)
}

// pow2AtLeast is the smallest power of two >= n.
func pow2AtLeast(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

// absF32 is |v|, without a round trip through float64.
func absF32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

func (cr codeRange) String() string { return fmt.Sprintf("%d..%d", cr.lo, cr.hi) }
