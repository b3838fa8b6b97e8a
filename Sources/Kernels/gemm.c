/* The GEMM driver: cuts C into register tiles, k into blocks of KC, and hands
 * each (tile, block) to the path's micro-kernel.
 *
 * Summation order (the contract of Kernels.h): every output element is one
 * chain of fused multiply-adds over k in increasing order. Blocking k does not
 * change it: the chain's float is stored in C after one block and loaded again
 * for the next, which is exact. Nothing here splits k, reorders it, or adds
 * partial sums together; tiling, packing and swapping the operands only decide
 * which chains run side by side and where their operands are read from.
 *
 * Loop nest (as in BLIS): for each block of k, a panel of B, KC x NR, is made
 * contiguous when it is not already and stays in L1 while every row tile of A
 * is run against it. */
#include <string.h>
#include "Kernels.h"
#include "microkernels.h"

/* k per block: a [KC, NR] panel of B stays in L1. */
enum { KC = 256 };
/* Rows of B further apart than a page are copied into a panel first, so a
 * panel's rows do not each cost a TLB entry and a split cache line. */
enum { PAGE_FLOATS = 1024 };

static long min_long(long x, long y) { return x < y ? x : y; }

/* Copies op(B)[p0.., j0..] into panel [kc, NR], zero beyond column nr. One of
 * B's strides is always 1 (a row-major matrix, or its transpose). */
static void pack_b(const hw2_path_tiles *path, float *panel, long NR, const float *b, long rsb, long csb, long kc, long nr) {
    if (nr < NR)
        for (long p = 0; p < kc; p++) memset(panel + p * NR + nr, 0, (size_t)(NR - nr) * sizeof(float));
    if (csb == 1)
        for (long p = 0; p < kc; p++) memcpy(panel + p * NR, b + p * rsb, (size_t)nr * sizeof(float));
    else
        path->transpose(panel, NR, b, csb, kc, nr);
}

/* Copies rows i0.. of op(A) into rows [MR, kc], zero beyond row mr. */
static void pack_a(float *rows, long MR, const float *a, long rsa, long csa, long kc, long mr) {
    for (long r = 0; r < MR; r++) {
        if (r >= mr) {
            memset(rows + r * kc, 0, (size_t)kc * sizeof(float));
        } else if (csa == 1) {
            memcpy(rows + r * kc, a + r * rsa, (size_t)kc * sizeof(float));
        } else {
            for (long p = 0; p < kc; p++) rows[r * kc + p] = a[r * rsa + p * csa];
        }
    }
}

/* C[i*rsc + j*csc] (+)= sum over p of A[i*rsa + p*csa] * B[p*rsb + j*csb]. */
static void gemm_tiles(const hw2_path_tiles *path, const hw2_tile *shape, long m, long n, long k,
                       const float *a, long rsa, long csa, const float *b, long rsb, long csb,
                       int accumulate, float *c, long rsc, long csc) {
    const long MR = shape->mr, NR = shape->nr;
    _Alignas(64) float panel[KC * HW2_NR_MAX];        /* [kc, NR] B, contiguous and zero-padded */
    _Alignas(64) float rows[HW2_MR_MAX * KC];         /* [MR, kc] A, for the last row tile */
    _Alignas(64) float tile[HW2_MR_MAX * HW2_NR_MAX] = {0}; /* [MR, NR] C, for edge or strided tiles */

    for (long p0 = 0; p0 < k; p0 += KC) {
        const long kc = min_long(KC, k - p0);
        const int load = accumulate || p0 > 0;
        const long last = m - m % MR; /* where the partial row tile starts */
        if (last < m) pack_a(rows, MR, a + last * rsa + p0 * csa, rsa, csa, kc, m - last);
        for (long j0 = 0; j0 < n; j0 += NR) {
            const long nr = min_long(NR, n - j0);
            const float *bp = b + p0 * rsb + j0 * csb;
            long bstride = rsb;
            if (csb != 1 || nr < NR || rsb > PAGE_FLOATS) {
                pack_b(path, panel, NR, bp, rsb, csb, kc, nr);
                bp = panel;
                bstride = NR;
            }
            for (long i0 = 0; i0 < m; i0 += MR) {
                const long mr = min_long(MR, m - i0);
                const float *ap = a + i0 * rsa + p0 * csa;
                long ars = rsa, acs = csa;
                if (mr < MR) {
                    ap = rows;
                    ars = kc;
                    acs = 1;
                }
                float *cp = c + i0 * rsc + j0 * csc;
                if (mr == MR && nr == NR && csc == 1) {
                    shape->kernel(kc, ap, ars, acs, bp, bstride, cp, rsc, load);
                    continue;
                }
                if (load)
                    for (long r = 0; r < mr; r++)
                        for (long j = 0; j < nr; j++) tile[r * NR + j] = cp[r * rsc + j * csc];
                shape->kernel(kc, ap, ars, acs, bp, bstride, tile, NR, load);
                for (long r = 0; r < mr; r++)
                    for (long j = 0; j < nr; j++) cp[r * rsc + j * csc] = tile[r * NR + j];
            }
        }
    }
}

/* Estimated cycles of running a product with a tile shape: floats copied
 * into panels or through a tile buffer (about one a cycle), plus the k steps
 * of every tile, each bound by its FMAs or by its loads (broadcasts of A
 * weigh more than vector loads of B), two a cycle. A C written transposed
 * goes through the tile buffer, read and written once per k block. */
static double cost(const hw2_tile *shape, long m, long n, long k, long csb, int transposed_c) {
    const long edge = n % shape->nr;
    const double packed = csb != 1 ? (double)n * k : (double)edge * k;
    const double blocks = (double)((k + KC - 1) / KC);
    const double copied = transposed_c ? 2.0 * m * n * blocks : 0;
    const double tiles = (double)((m + shape->mr - 1) / shape->mr) * (double)((n + shape->nr - 1) / shape->nr);
    const double fmas = (double)shape->mr * shape->nr / shape->lanes, loads = 1.5 * shape->mr + (double)shape->nr / shape->lanes;
    return packed + copied + tiles * k * (fmas > loads ? fmas : loads) / 2;
}

static const hw2_path_tiles *tiles_of(hw2_kernel_path path) {
#if defined(__x86_64__)
    if (path == HW2_KERNEL_AVX512) return &hw2_avx512_tiles;
    if (path == HW2_KERNEL_AVX2) return &hw2_avx2_tiles;
#elif defined(__aarch64__)
    if (path == HW2_KERNEL_NEON) return &hw2_neon_tiles;
#endif
    return &hw2_portable_tiles;
}

void hw2_sgemm(hw2_kernel_path path, int transA, int transB, long m, long n, long k,
               const float *a, long lda, const float *b, long ldb,
               int accumulate, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        return;
    }
    const hw2_path_tiles *tiles = tiles_of(hw2_kernel_supported(path) ? path : HW2_KERNEL_PORTABLE);
    const long rsa = transA ? 1 : lda, csa = transA ? lda : 1;
    const long rsb = transB ? 1 : ldb, csb = transB ? ldb : 1;
    /* Any tile shape, and C^T = op(B)^T op(A)^T instead of C, computes the same
     * chains; take the cheapest. */
    const hw2_tile *best = &tiles->tiles[0];
    int swap = 0;
    double least = -1;
    for (int t = 0; t < tiles->count; t++) {
        const hw2_tile *shape = &tiles->tiles[t];
        const double straight = cost(shape, m, n, k, csb, 0), swapped = cost(shape, n, m, k, rsa, 1);
        if (least < 0 || straight < least) { least = straight; best = shape; swap = 0; }
        if (swapped < least) { least = swapped; best = shape; swap = 1; }
    }
    if (swap)
        gemm_tiles(tiles, best, n, m, k, b, csb, rsb, a, csa, rsa, accumulate, c, 1, ldc);
    else
        gemm_tiles(tiles, best, m, n, k, a, rsa, csa, b, rsb, csb, accumulate, c, ldc, 1);
}

static int cpu_runs(hw2_kernel_path path) {
    switch (path) {
    case HW2_KERNEL_PORTABLE:
        return 1;
#if defined(__x86_64__)
    case HW2_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case HW2_KERNEL_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#elif defined(__aarch64__)
    case HW2_KERNEL_NEON:
        return 1; /* Advanced SIMD, with its fused multiply-add, is mandatory on AArch64 */
#endif
    default:
        return 0;
    }
}

int hw2_kernel_supported(hw2_kernel_path path) {
    /* The CPU does not change while the process runs: ask it once per path. */
    static int known[HW2_PATH_COUNT] = {-1, -1, -1, -1};
    if ((unsigned)path >= HW2_PATH_COUNT) return 0;
    int runs = __atomic_load_n(&known[path], __ATOMIC_RELAXED);
    if (runs < 0) {
        runs = cpu_runs(path);
        __atomic_store_n(&known[path], runs, __ATOMIC_RELAXED);
    }
    return runs;
}
