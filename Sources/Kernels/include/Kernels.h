#ifndef HW2_KERNELS_H
#define HW2_KERNELS_H

/* The engine's matrix products and the two transcendental functions of its
 * loss, with one summation contract that every path keeps (see gemm.c):
 *
 *   C[i][j] = fma(A[i][k-1], B[k-1][j], ... fma(A[i][1], B[1][j], fma(A[i][0], B[0][j], c0)))
 *
 * one fused multiply-add chain per output element, in increasing k, starting
 * from c0 = +0 or from the C given (`accumulate`). A path decides only how
 * many outputs are computed side by side, so every path gives the same bits. */

/* Bump when any result of these functions may change: it is part of every run id. */
#define HW2_KERNEL_CONTRACT 1

typedef enum {
    HW2_KERNEL_PORTABLE = 0, /* scalar fmaf, 4x16 tiles: any CPU */
    HW2_KERNEL_AVX2 = 1,     /* AVX2 + FMA: 6x16 and 12x8 register tiles */
    HW2_KERNEL_AVX512 = 2,   /* AVX-512F: 8x32 and 16x16 tiles, and AVX2's 12x8 for narrow products */
} hw2_kernel_path;

/* Whether this CPU (and OS) can run the path. */
int hw2_kernel_supported(hw2_kernel_path path);

/* C [m, n] (row stride ldc) = or += op(A) [m, k] x op(B) [k, n], row-major.
 * op(A)[i][p] = a[transA ? p*lda + i : i*lda + p], and likewise for B.
 * Only the m x n block of C is written. A path this CPU cannot run is run as
 * the portable one (the same bits, slower). Bits are promised for every
 * result that is not a NaN (which NaN payload comes out is not). */
void hw2_sgemm(hw2_kernel_path path, int transA, int transB, long m, long n, long k,
               const float *a, long lda, const float *b, long ldb,
               int accumulate, float *c, long ldc);

/* One Adam step's coefficients, in float as the update uses them. */
typedef struct {
    float one_minus_beta1, beta2, one_minus_beta2, step_size, bias2_sqrt, epsilon;
} hw2_adam_step;

/* Adam's update of `count` parameters (adam.c states the formula); elementwise,
 * so every path and any split of the parameters give the same bits. */
void hw2_adam(hw2_kernel_path path, long count, const hw2_adam_step *step,
              float *params, const float *grads, float *m, float *v);

/* e^x and the natural logarithm for float, from IEEE double arithmetic only
 * (no C library): within 0.5 ulp plus 1e-12 relative, the same bits on every CPU. */
float hw2_expf(float x);
float hw2_logf(float x);

#endif
