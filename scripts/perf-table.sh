#!/bin/sh
# perf-table.sh runs `q35c bench` on the LLaMA-70B 8192x8192 layers under
# the pipelines of docs/performance.md's table (baseline, tiled, vectorized,
# packed dot products, parallel without and with them) and prints one line
# per run: kernel, pipeline, threads, median time, GMAC/s, weight GB/s.
# Every call reads its weights from memory (bench evicts the caches first).
# Usage: scripts/perf-table.sh [q35c binary]
set -eu
Q35C=${1:-q35c}
K=examples/llama70b.q35
row() { # kernel threads pipeline
	"$Q35C" bench "$K" --kernel "$1" --threads "$2" --pipeline "$3" --reps 7 --warmup 2 --bw-mib 0 |
		awk -v k="$1" -v t="$2" -v p="$3" '/^llvm/ { printf "%s | %s | %s | %s %s | %s | %s\n", k, p, t, $5, $6, $11, $12 }'
}
for k in matmul_q35_m1 matmul_i8_i4_m1 matmul_q35_m32 matmul_i8_i4_m32; do
	row $k 1 canonicalize
	row $k 1 'canonicalize,tile{size=64},canonicalize'
	row $k 1 'canonicalize,tile{size=64},canonicalize,vectorize{width=16}'
	row $k 1 'canonicalize,tile{size=64},canonicalize,dot,vectorize{width=16}'
	row $k 2 'canonicalize,tile{size=64},canonicalize,vectorize{width=16},parallelize'
	row $k 2 'canonicalize,tile{size=64},canonicalize,dot,vectorize{width=16},parallelize'
done
