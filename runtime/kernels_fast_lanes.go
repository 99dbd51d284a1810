package runtime

import "encoding/binary"

// The lane arithmetic of MatmulQ35Fast: sixteen-bit lanes in a 64-bit word,
// four products and their sum per multiplication.
//
// A code word holds four signed codes c0..c3 as the integer
// Q = c0 + c1·2^16 + c2·2^32 + c3·2^48, an activation word four signed
// activations in reverse order, X = a3 + a2·2^16 + a1·2^32 + a0·2^48. In
// Q·X the terms ci·aj with i = j all fall at 2^48, so modulo 2^64
//
//	Q·X = D·2^48 + L,  D = c0·a0 + c1·a1 + c2·a2 + c3·a3,
//
// where L, the terms that fall at 2^0, 2^16 and 2^32, is less than 2^44 in
// magnitude (|c·a| <= 8 × 128 = 1024, at most three terms at 2^32), and
// |D| <= 4096. The sum of up to four such products therefore has
// |D| < 2^15 and |L| < 2^47, and D is that sum plus 2^47, shifted right
// arithmetically by 48 bits (fastLane3): exact, for every code and
// activation.

// fastPair is two adjacent blocks of a group (16 pairs of positions), as
// code words or as activation words: the words of the 4-bit positions of
// the first block, then of the second, then those of the 3-bit positions
// of the first block and of the second. Which pair of positions sits in
// which lane of a block's words is set by fastSpread (fastLaneOfPair);
// fastActivationPairs follows it. When a group has an odd number of
// blocks, its last pair's second block has zero activations.
type fastPair [8]uint64

// fastLaneOfPair[t][p] is the pair of positions whose code fastSpread puts
// in lane p of its word t.
var fastLaneOfPair = [4][4]int{{0, 4, 2, 6}, {1, 5, 3, 7}, {0, 1, 2, 3}, {4, 5, 6, 7}}

// fastPairsPerGroup is the number of pairs of blocks of a group of g.
func fastPairsPerGroup(g int) int { return (g/16 + 1) / 2 }

// fastLane3 returns D from the sum of up to four lane products Q·X (see
// above).
func fastLane3(p uint64) int64 { return (int64(p) + 1<<47) >> 48 }

// fastLoadBlock returns the 7 bytes of the block that starts p in the low
// 56 bits of a little-endian word: the 4-bit plane in bits 0..31 (pair j at
// bit 4j), the low bits of the 3-bit codes in bits 32..47 (pair j at
// 32+2j), and their sign bits in 48..55 (pair j at 48+j). It reads 8 bytes
// at once unless the block ends p (the eighth byte is ignored); an empty p
// reads as 0.
//
// The kernel loads blocks in pairs, p and p[7:]: a second block past the
// end of the codes thus reads as 0, and one that exists but lies past the
// group (when a group has an odd number of blocks) meets zero activations,
// so its codes do not matter.
func fastLoadBlock(p []byte) uint64 {
	if len(p) >= 8 {
		return binary.LittleEndian.Uint64(p)
	}
	return fastLoadLast(p)
}

// fastLoadLast is fastLoadBlock for the block that ends the codes, or for
// none.
func fastLoadLast(p []byte) uint64 {
	if len(p) == 0 {
		return 0
	}
	return uint64(binary.LittleEndian.Uint32(p)) | uint64(binary.LittleEndian.Uint16(p[4:]))<<32 | uint64(p[6])<<48
}

// fastSpread returns the code words of block u (see fastLaneOfPair).
//
// 4-bit plane: with the plane also copied 24 bits up, nibbles 0, 4 and
// (from the copy) 2, 6 sit at bits 0, 16, 32, 48 and nibbles 1, 5, 3, 7
// four bits higher, clear of where the copies overlap (bits 24..31). Each
// nibble n becomes the code (n ^ 8) - 8; subtracting 8 from all four lanes
// at once borrows across lanes exactly as the integer Q requires.
//
// 3-bit plane: a code is its low two bits minus 4 times its sign bit; the
// two tables hold those parts for a byte of low bits and a nibble of sign
// bits, and their sum is Q.
func fastSpread(u uint64) (e0, e1, o0, o1 uint64) {
	const nibbles, eights = 0x000F_000F_000F_000F, 0x0008_0008_0008_0008
	x := uint64(uint32(u))
	x |= x << 24
	e0 = (x&nibbles ^ eights) - eights
	e1 = (x>>4&nibbles ^ eights) - eights
	o0 = fastLow2[uint8(u>>32)] + fastSign[u>>48&15]
	o1 = fastLow2[uint8(u>>40)] + fastSign[u>>52&15]
	return e0, e1, o0, o1
}

// fastLow2[x] has the four 2-bit fields of x in lanes 0..3; fastSign[s] is
// the integer -4·(s0 + s1·2^16 + s2·2^32 + s3·2^48) for the bits si of s.
var fastLow2, fastSign = func() (low [256]uint64, sign [16]uint64) {
	for x := range uint64(256) {
		for j := range uint64(4) {
			low[x] |= (x >> (2 * j) & 3) << (16 * j)
			if x < 16 {
				sign[x] -= (x >> j & 1) << 2 << (16 * j)
			}
		}
	}
	return low, sign
}()

// fastActivationPairs returns the activation pairs of m rows of k
// activations in groups of g, group by group: pair j of group gi of row i
// is at (gi*m + i)*ppg + j, ppg = fastPairsPerGroup(g), so that a group's
// pairs for all rows are adjacent.
func fastActivationPairs(a []int8, m, k, g int) []fastPair {
	bpg, ppg := g/16, fastPairsPerGroup(g)
	pairs := make([]fastPair, m*(k/g)*ppg)
	for i := range m {
		for b := range k / 16 {
			pair := &pairs[(b/bpg*m+i)*ppg+b%bpg/2]
			x := a[i*k+16*b:][:16]
			for t, lanes := range fastLaneOfPair {
				var v int64
				for p, j := range lanes {
					v += int64(x[2*j+t/2]) << (16 * (3 - p))
				}
				pair[4*(t/2)+2*(b%bpg%2)+t%2] = uint64(v)
			}
		}
	}
	return pairs
}
