// int8peak measures the machine's INT8 multiply-accumulate peak with
// AVX-512 VNNI (vpdpbusd: 64 u8 x s8 products summed into 16 i32 lanes per
// instruction), on every OpenMP thread, with 12 independent accumulators
// per thread so that latency does not limit throughput. It prints GMAC/s.
//
//   clang-19 -O2 -march=native -fopenmp scripts/int8peak.c -o int8peak && ./int8peak
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
	const long iters = 20000000;
	double best = 0;
	for (int rep = 0; rep < 5; rep++) {
		int threads = 1;
		double t0 = now();
		long sink = 0;
#pragma omp parallel reduction(+ : sink)
		{
			threads = omp_get_num_threads();
			__m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
			__m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
			__m512i c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
			for (long i = 0; i < iters; i++) {
				c0 = _mm512_dpbusd_epi32(c0, a, b); c1 = _mm512_dpbusd_epi32(c1, a, b);
				c2 = _mm512_dpbusd_epi32(c2, a, b); c3 = _mm512_dpbusd_epi32(c3, a, b);
				c4 = _mm512_dpbusd_epi32(c4, a, b); c5 = _mm512_dpbusd_epi32(c5, a, b);
				c6 = _mm512_dpbusd_epi32(c6, a, b); c7 = _mm512_dpbusd_epi32(c7, a, b);
				c8 = _mm512_dpbusd_epi32(c8, a, b); c9 = _mm512_dpbusd_epi32(c9, a, b);
				c10 = _mm512_dpbusd_epi32(c10, a, b); c11 = _mm512_dpbusd_epi32(c11, a, b);
				__asm__ volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5));
				__asm__ volatile("" : "+v"(c6), "+v"(c7), "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11));
			}
			__m512i s = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3)),
			                             _mm512_add_epi32(_mm512_add_epi32(c4, c5), _mm512_add_epi32(c6, c7)));
			s = _mm512_add_epi32(s, _mm512_add_epi32(_mm512_add_epi32(c8, c9), _mm512_add_epi32(c10, c11)));
			sink += _mm512_reduce_add_epi32(s);
		}
		double dt = now() - t0;
		double gmacs = (double)threads * iters * 12 * 64 / dt / 1e9;
		if (gmacs > best) best = gmacs;
		fprintf(stderr, "pass %d: %d threads, %.1f GMAC/s (checksum %ld)\n", rep, threads, gmacs, sink);
	}
	printf("%.1f\n", best);
	return 0;
}
