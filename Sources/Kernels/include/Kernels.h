#ifndef HW2_KERNELS_H
#define HW2_KERNELS_H

#include <stdint.h>

/* The engine's matrix products and the two transcendental functions of its
 * loss, with one summation contract that every path keeps (see gemm.c):
 *
 *   C[i][j] = fma(A[i][k-1], B[k-1][j], ... fma(A[i][1], B[1][j], fma(A[i][0], B[0][j], c0)))
 *
 * one fused multiply-add chain per output element, in increasing k, starting
 * from c0 = +0 or from the C given (`accumulate`). A path decides only how
 * many outputs are computed side by side, so every path gives the same bits. */

/* Bump when any result of these functions may change: it is part of every run id. */
#define HW2_KERNEL_CONTRACT 2

typedef enum {
    HW2_KERNEL_PORTABLE = 0, /* scalar fmaf, 4x16 tiles: any CPU */
    HW2_KERNEL_AVX2 = 1,     /* AVX2 + FMA: 6x16, 4x24 and 12x8 register tiles */
    HW2_KERNEL_AVX512 = 2,   /* AVX-512F: 8x32 and 16x16 tiles, and AVX2's 12x8 for narrow products */
    HW2_KERNEL_NEON = 3,     /* AArch64 Advanced SIMD: 8x12 and 12x8 register tiles */
} hw2_kernel_path;

/* How many paths there are: tables indexed by path have this many entries. */
#define HW2_PATH_COUNT 4

/* Whether this CPU (and OS) can run the path. */
int hw2_kernel_supported(hw2_kernel_path path);

/* Runs `iterations` rounds of independent fused multiply-add chains on the
 * path's widest vectors and returns the floating-point operations done (2 per
 * lane per FMA): timed by the caller, the core's measured peak. Benchmark
 * only (peak.c). */
double hw2_fma_peak_loop(hw2_kernel_path path, long iterations);

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

/* The element-wise and fixed-graph kernels below keep a second contract:
 * each output element goes through the same sequence of IEEE operations on
 * every path (no contraction of a * b + c, no reassociation, the same
 * constants), written out in the source; a path only decides how many
 * elements run side by side. A sum over many elements (a bias gradient) is
 * one chain from +0 in increasing index order. So, as for the GEMM, the path
 * never changes a bit. Activations are [C, n, H, W]. */

/* x = max(x, 0) (Swift's max: `0 >= x ? 0 : x`) on `count` values of each of
 * `rows` rows, `stride` apart. */
void hw2_relu(hw2_kernel_path path, long rows, long count, long stride, float *x);
/* dy = y > 0 ? dy : 0, laid out as for hw2_relu. */
void hw2_relu_mask(hw2_kernel_path path, long rows, long count, long stride, float *dy, const float *y);
/* y = a + b (y may be a or b). */
void hw2_add(hw2_kernel_path path, long count, const float *a, const float *b, float *y);
/* y = max(a + b, 0), ReLU as hw2_relu. */
void hw2_add_relu(hw2_kernel_path path, long count, const float *a, const float *b, float *y);
/* into[r] += m[r][0] + m[r][1] + ... (each row one chain from +0), m [rows, columns]. */
void hw2_add_row_sums(hw2_kernel_path path, long rows, long columns, const float *m, float *into);

/* size x size max pooling with stride size over `planes` planes [h, w]:
 * y [planes, h/size, w/size] and each winner's offset in its plane; ties go
 * to the first in row-major order. Backward: dx = 0, then dx[winner] += dy. */
void hw2_max_pool(hw2_kernel_path path, long planes, long size, long h, long w, const float *x, float *y, int32_t *arg);
void hw2_max_pool_backward(hw2_kernel_path path, long planes, long size, long h, long w, const int32_t *arg,
                           const float *dy, float *dx);

/* A k x k convolution's geometry, for im2col and col2im. */
typedef struct {
    long cin, h, w, kernel, stride, padding, ho, wo;
} hw2_conv_shape;

/* col [cin*k*k, (s1-s0)*ho*wo] from x [cin, n, h, w] for samples [s0, s1):
 * col[(c*k + ki)*k + kj][(s-s0, oy, ox)] = x[c, s, oy*stride - padding + ki, ox*stride - padding + kj], 0 outside.
 * `padded` is scratch for one padded plane, [h + 2 padding, w + 2 padding]. */
void hw2_im2col(hw2_kernel_path path, hw2_conv_shape shape, long n, long s0, long s1, const float *x, float *col,
                float *padded);
/* The adjoint: sets x's planes of samples [s0, s1) to the sum of the column
 * entries that came from each pixel, added in (ki, kj, oy, ox) order from +0. */
void hw2_col2im(hw2_kernel_path path, hw2_conv_shape shape, long n, long s0, long s1, const float *col, float *x,
                float *padded);

/* A 3x3, stride 1, padding 1 convolution done by Winograd's F(4x4, 3x3)
 * (winograd.c gives the matrices and the order of every operation): tiles of
 * 4x4 outputs, ceil(h/4) x ceil(w/4) per plane, T = (s1 - s0) * that per
 * chunk of samples [s0, s1). The four transforms of activations work on
 * channels [c0, c1) only (input channels for the input and its gradient,
 * output channels for the output and its gradient), so threads can split a
 * layer by channel; each takes its own `scratch` of
 * hw2_winograd_scratch(shape, s1 - s0) floats (or more). */
typedef struct {
    long cin, cout, h, w;
} hw2_winograd_shape;

long hw2_winograd_scratch(hw2_winograd_shape shape, long samples);
/* U [36, cout, cin] = G g G^T of weight [cout, cin, 3, 3]. */
void hw2_winograd_filters(hw2_kernel_path path, hw2_winograd_shape shape, const float *weight, float *u);
/* dweight [cout, cin, 3, 3] += G^T dU G. */
void hw2_winograd_filter_gradient(hw2_kernel_path path, hw2_winograd_shape shape, const float *du, float *dweight);
/* V [36, cin, T] = B^T d B of x [cin, n, h, w], rows of channels [c0, c1). */
void hw2_winograd_input(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, long c0, long c1,
                        const float *x, float *v, float *scratch);
/* Sets dx [cin, n, h, w] for samples [s0, s1) and channels [c0, c1) to the sum of B dV B^T over the tiles. */
void hw2_winograd_input_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                 long c0, long c1, const float *dv, float *dx, float *scratch);
/* y [cout, n, h, w] for samples [s0, s1) and channels [c0, c1) = A^T M A + bias, then (relu != 0)
 * `v < 0 ? 0 : v`, from M [36, cout, T]. */
void hw2_winograd_output(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, long c0, long c1,
                         const float *m, const float *bias, int relu, float *y, float *scratch);
/* dM [36, cout, T] = A dy A^T of dy [cout, n, h, w] for samples [s0, s1), rows of channels [c0, c1). */
void hw2_winograd_output_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                  long c0, long c1, const float *dy, float *dm, float *scratch);

/* e^x and the natural logarithm for float, from IEEE double arithmetic only
 * (no C library): within 0.5 ulp plus 1e-12 relative, the same bits on every CPU. */
float hw2_expf(float x);
float hw2_logf(float x);

#endif
