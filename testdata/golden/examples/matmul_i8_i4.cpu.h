/* C declarations of the kernels q35c compiled from "matmul_i8_i4.q35". */
#ifndef Q35C_MATMUL_I8_I4_Q35_H
#define Q35C_MATMUL_I8_I4_Q35_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* matmul_i8_i4 */
#define MATMUL_I8_I4_A_BYTES 1024ull /* in i8[4, 256] */
#define MATMUL_I8_I4_W_BYTES 2048ull /* in i4[16, 256] */
#define MATMUL_I8_I4_S_BYTES 128ull /* in f32[16, 2] */
#define MATMUL_I8_I4_C_BYTES 256ull /* out f32[4, 16] */
int32_t matmul_i8_i4(const int8_t *A, uint64_t A_bytes, const uint8_t *W, uint64_t W_bytes, const float *S, uint64_t S_bytes, float *C, uint64_t C_bytes);

#ifdef __cplusplus
}
#endif

#endif
