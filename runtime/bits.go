package runtime

// Storage cost per weight of each scheme with f32 scales, one per group of
// g weights (two for Q35: Q35BitsPerWeight in q35.go).

// Int4BitsPerWeight is 4 bits of code plus a 32-bit scale per group of g.
func Int4BitsPerWeight(g int) float64 { return 4 + 32/float64(g) }

// Int3BitsPerWeight is 3 bits of code plus a 32-bit scale per group of g
// (as if INT3 were stored; q35c has no INT3 storage format).
func Int3BitsPerWeight(g int) float64 { return 3 + 32/float64(g) }

// Int8BitsPerWeight is 8 bits of code plus a 32-bit scale per group of g.
func Int8BitsPerWeight(g int) float64 { return 8 + 32/float64(g) }
