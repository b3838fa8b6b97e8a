/* The register-tile kernels. Each output element is one chain of fused
 * multiply-adds in increasing k; the paths and shapes differ only in how many
 * chains run side by side (4x16 scalars; 6x16, 4x24 or 12x8 in AVX2
 * registers; 8x32 or 16x16 in AVX-512 registers; 8x12 or 12x8 in NEON
 * registers), so they give the same bits. The compiler is told not to contract
 * or reassociate anything (-ffp-contract=off, no fast-math): every fma here
 * is written out. */
#include <math.h>
#include "microkernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* fmaf is IEEE 754's fusedMultiplyAdd, exactly specified (one rounding), so
 * every correct implementation gives the same bits; with FMA hardware it is
 * one instruction. */
static void portable_4x16(long kc, const float *a, long rsa, long csa,
                          const float *b, long rsb, float *c, long ldc, int load_c) {
    float acc[4][16];
    for (int r = 0; r < 4; r++)
        for (int j = 0; j < 16; j++) acc[r][j] = load_c ? c[r * ldc + j] : 0.0f;
    for (long p = 0; p < kc; p++) {
        const float *bp = b + p * rsb;
        for (int r = 0; r < 4; r++) {
            const float ar = a[r * rsa + p * csa];
            for (int j = 0; j < 16; j++) acc[r][j] = fmaf(ar, bp[j], acc[r][j]);
        }
    }
    for (int r = 0; r < 4; r++)
        for (int j = 0; j < 16; j++) c[r * ldc + j] = acc[r][j];
}

static void transpose_scalar(float *panel, long ldp, const float *b, long ldb, long kc, long nr) {
    for (long j = 0; j < nr; j++)
        for (long p = 0; p < kc; p++) panel[p * ldp + j] = b[j * ldb + p];
}

const hw2_path_tiles hw2_portable_tiles = {1, {{4, 16, 1, portable_4x16}}, transpose_scalar};

#if defined(__x86_64__)

/* 6 rows x 2 vectors of 8: 12 accumulators, 2 loads of B and a broadcast of A
 * per step, within AVX2's 16 registers. */
__attribute__((target("avx2,fma")))
static void avx2_6x16(long kc, const float *a, long rsa, long csa,
                      const float *b, long rsb, float *c, long ldc, int load_c) {
    __m256 acc[6][2];
    for (int r = 0; r < 6; r++)
        for (int v = 0; v < 2; v++)
            acc[r][v] = load_c ? _mm256_loadu_ps(c + r * ldc + 8 * v) : _mm256_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        for (int r = 0; r < 6; r++) {
            const __m256 ar = _mm256_broadcast_ss(a + r * rsa);
            acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
        }
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < 6; r++)
        for (int v = 0; v < 2; v++) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
}

/* 12 rows x 1 vector of 8, for products only a few columns wide. */
__attribute__((target("avx2,fma")))
static void avx2_12x8(long kc, const float *a, long rsa, long csa,
                      const float *b, long rsb, float *c, long ldc, int load_c) {
    __m256 acc[12];
    for (int r = 0; r < 12; r++) acc[r] = load_c ? _mm256_loadu_ps(c + r * ldc) : _mm256_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b);
        for (int r = 0; r < 12; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(a + r * rsa), b0, acc[r]);
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < 12; r++) _mm256_storeu_ps(c + r * ldc, acc[r]);
}

/* 4 rows x 3 vectors of 8: 12 accumulators like 6x16, for products whose
 * rows come in multiples of 4 (32 or 64 channels), where 6-row tiles leave a
 * partial one. */
__attribute__((target("avx2,fma")))
static void avx2_4x24(long kc, const float *a, long rsa, long csa,
                      const float *b, long rsb, float *c, long ldc, int load_c) {
    __m256 acc[4][3];
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 3; v++)
            acc[r][v] = load_c ? _mm256_loadu_ps(c + r * ldc + 8 * v) : _mm256_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), b2 = _mm256_loadu_ps(b + 16);
        for (int r = 0; r < 4; r++) {
            const __m256 ar = _mm256_broadcast_ss(a + r * rsa);
            acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
            acc[r][2] = _mm256_fmadd_ps(ar, b2, acc[r][2]);
        }
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 3; v++) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
}

/* Blocks of 8x8 transposed in registers (the usual unpack / shuffle /
 * permute ladder), the rest one value at a time. */
__attribute__((target("avx2,fma")))
static void transpose_avx2(float *panel, long ldp, const float *b, long ldb, long kc, long nr) {
    const long nr8 = nr & ~7L, kc8 = kc & ~7L;
    for (long j = 0; j < nr8; j += 8) {
        for (long p = 0; p < kc8; p += 8) {
            const float *s = b + j * ldb + p;
            __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ldb), r2 = _mm256_loadu_ps(s + 2 * ldb),
                   r3 = _mm256_loadu_ps(s + 3 * ldb), r4 = _mm256_loadu_ps(s + 4 * ldb), r5 = _mm256_loadu_ps(s + 5 * ldb),
                   r6 = _mm256_loadu_ps(s + 6 * ldb), r7 = _mm256_loadu_ps(s + 7 * ldb);
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
                   t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                   t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            r0 = _mm256_shuffle_ps(t0, t2, 0x44);
            r1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            r2 = _mm256_shuffle_ps(t1, t3, 0x44);
            r3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            r4 = _mm256_shuffle_ps(t4, t6, 0x44);
            r5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            r6 = _mm256_shuffle_ps(t5, t7, 0x44);
            r7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *d = panel + p * ldp + j;
            _mm256_storeu_ps(d, _mm256_permute2f128_ps(r0, r4, 0x20));
            _mm256_storeu_ps(d + ldp, _mm256_permute2f128_ps(r1, r5, 0x20));
            _mm256_storeu_ps(d + 2 * ldp, _mm256_permute2f128_ps(r2, r6, 0x20));
            _mm256_storeu_ps(d + 3 * ldp, _mm256_permute2f128_ps(r3, r7, 0x20));
            _mm256_storeu_ps(d + 4 * ldp, _mm256_permute2f128_ps(r0, r4, 0x31));
            _mm256_storeu_ps(d + 5 * ldp, _mm256_permute2f128_ps(r1, r5, 0x31));
            _mm256_storeu_ps(d + 6 * ldp, _mm256_permute2f128_ps(r2, r6, 0x31));
            _mm256_storeu_ps(d + 7 * ldp, _mm256_permute2f128_ps(r3, r7, 0x31));
        }
        for (long q = j; q < j + 8; q++)
            for (long p = kc8; p < kc; p++) panel[p * ldp + q] = b[q * ldb + p];
    }
    for (long q = nr8; q < nr; q++)
        for (long p = 0; p < kc; p++) panel[p * ldp + q] = b[q * ldb + p];
}

const hw2_path_tiles hw2_avx2_tiles = {3, {{6, 16, 8, avx2_6x16}, {4, 24, 8, avx2_4x24}, {12, 8, 8, avx2_12x8}},
                                         transpose_avx2};

/* 8 rows x 2 vectors of 16: 16 accumulators, enough independent chains to
 * cover the FMA latency on two units, and half the registers left free. */
__attribute__((target("avx512f")))
static void avx512_8x32(long kc, const float *a, long rsa, long csa,
                        const float *b, long rsb, float *c, long ldc, int load_c) {
    __m512 acc[8][2];
    for (int r = 0; r < 8; r++)
        for (int v = 0; v < 2; v++)
            acc[r][v] = load_c ? _mm512_loadu_ps(c + r * ldc + 16 * v) : _mm512_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        for (int r = 0; r < 8; r++) {
            const __m512 ar = _mm512_set1_ps(a[r * rsa]);
            acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
        }
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < 8; r++)
        for (int v = 0; v < 2; v++) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
}

/* 16 rows x 1 vector of 16, for products 9 to 16 columns wide. */
__attribute__((target("avx512f")))
static void avx512_16x16(long kc, const float *a, long rsa, long csa,
                         const float *b, long rsb, float *c, long ldc, int load_c) {
    __m512 acc[16];
    for (int r = 0; r < 16; r++) acc[r] = load_c ? _mm512_loadu_ps(c + r * ldc) : _mm512_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        for (int r = 0; r < 16; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * rsa]), b0, acc[r]);
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < 16; r++) _mm512_storeu_ps(c + r * ldc, acc[r]);
}

/* Every CPU with AVX-512F also has AVX2 and FMA (hw2_kernel_supported checks). */
const hw2_path_tiles hw2_avx512_tiles = {3, {{8, 32, 16, avx512_8x32}, {16, 16, 16, avx512_16x16}, {12, 8, 8, avx2_12x8}},
                                           transpose_avx2};

#elif defined(__aarch64__)

/* MR rows x NV vectors of 4, broadcasting each row's value of A from memory
 * as the x86 kernels do; MR and NV are constants at each use, so the loops
 * unroll and the accumulators live in registers. */
static inline __attribute__((always_inline)) void neon_tile(const int MR, const int NV, long kc, const float *a, long rsa,
                                                            long csa, const float *b, long rsb, float *c, long ldc,
                                                            int load_c) {
    float32x4_t acc[12][3], bv[3];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = load_c ? vld1q_f32(c + r * ldc + 4 * v) : vdupq_n_f32(0.0f);
    for (long p = 0; p < kc; p++) {
        for (int v = 0; v < NV; v++) bv[v] = vld1q_f32(b + 4 * v);
        for (int r = 0; r < MR; r++) {
            const float32x4_t ar = vld1q_dup_f32(a + r * rsa);
            for (int v = 0; v < NV; v++) acc[r][v] = vfmaq_f32(acc[r][v], ar, bv[v]);
        }
        a += csa;
        b += rsb;
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) vst1q_f32(c + r * ldc + 4 * v, acc[r][v]);
}

/* 8 rows x 3 vectors: 24 accumulators, 3 loads of B and 8 broadcasts of A per
 * step, within AArch64's 32 vector registers. 24 independent chains cover the
 * FMA latency (about 4 cycles) on cores with up to 4 FMA pipes (16 chains in
 * flight), and each row of B, 12 floats, serves 8 rows of A. */
static void neon_8x12(long kc, const float *a, long rsa, long csa,
                      const float *b, long rsb, float *c, long ldc, int load_c) {
    neon_tile(8, 3, kc, a, rsa, csa, b, rsb, c, ldc, load_c);
}

/* 12 rows x 2 vectors: also 24 accumulators, for products only a few columns wide. */
static void neon_12x8(long kc, const float *a, long rsa, long csa,
                      const float *b, long rsb, float *c, long ldc, int load_c) {
    neon_tile(12, 2, kc, a, rsa, csa, b, rsb, c, ldc, load_c);
}

/* Blocks of 4x4 transposed in registers (pairs of 32-bit, then 64-bit
 * transposes), the rest one value at a time. */
static void transpose_neon(float *panel, long ldp, const float *b, long ldb, long kc, long nr) {
    const long nr4 = nr & ~3L, kc4 = kc & ~3L;
    for (long j = 0; j < nr4; j += 4) {
        for (long p = 0; p < kc4; p += 4) {
            const float *s = b + j * ldb + p;
            const float32x4_t r0 = vld1q_f32(s), r1 = vld1q_f32(s + ldb), r2 = vld1q_f32(s + 2 * ldb),
                              r3 = vld1q_f32(s + 3 * ldb);
            const float64x2_t t0 = vreinterpretq_f64_f32(vtrn1q_f32(r0, r1)),
                              t1 = vreinterpretq_f64_f32(vtrn2q_f32(r0, r1)),
                              t2 = vreinterpretq_f64_f32(vtrn1q_f32(r2, r3)),
                              t3 = vreinterpretq_f64_f32(vtrn2q_f32(r2, r3));
            float *d = panel + p * ldp + j;
            vst1q_f32(d, vreinterpretq_f32_f64(vtrn1q_f64(t0, t2)));
            vst1q_f32(d + ldp, vreinterpretq_f32_f64(vtrn1q_f64(t1, t3)));
            vst1q_f32(d + 2 * ldp, vreinterpretq_f32_f64(vtrn2q_f64(t0, t2)));
            vst1q_f32(d + 3 * ldp, vreinterpretq_f32_f64(vtrn2q_f64(t1, t3)));
        }
        for (long q = j; q < j + 4; q++)
            for (long p = kc4; p < kc; p++) panel[p * ldp + q] = b[q * ldb + p];
    }
    for (long q = nr4; q < nr; q++)
        for (long p = 0; p < kc; p++) panel[p * ldp + q] = b[q * ldb + p];
}

const hw2_path_tiles hw2_neon_tiles = {2, {{8, 12, 4, neon_8x12}, {12, 8, 4, neon_12x8}}, transpose_neon};

#endif
