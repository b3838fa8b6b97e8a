#ifndef HW2_MICROKERNELS_H
#define HW2_MICROKERNELS_H

/* One register tile of C, MR rows by NR columns, over kc steps of k:
 *   c[r][j] = fma(a_r[p], b_p[j], c[r][j]) for p = 0, 1, ..., kc-1 in order,
 * starting from the tile in memory (load_c) or from +0.
 * Row r of A is read at a + r*rsa, its step p at + p*csa; row p of B is NR
 * contiguous floats at b + p*rsb; the tile is NR contiguous floats per row,
 * rows ldc apart. The driver (gemm.c) hands every path full tiles. */
typedef void (*hw2_microkernel)(long kc, const float *a, long rsa, long csa,
                                const float *b, long rsb, float *c, long ldc, int load_c);

/* A register tile shape and its kernel; `lanes` is the vector width, for
 * comparing the cost of shapes. */
typedef struct {
    int mr, nr, lanes;
    hw2_microkernel kernel;
} hw2_tile;

/* Copies a transposed block into a panel: panel[p*ldp + j] = b[j*ldb + p]
 * for p < kc, j < nr. Moves values only, so it never changes a bit. */
typedef void (*hw2_transpose)(float *panel, long ldp, const float *b, long ldb, long kc, long nr);

/* The shapes a path offers (the driver picks the cheapest for a product) and
 * its way of transposing operands. */
typedef struct {
    int count;
    hw2_tile tiles[3];
    hw2_transpose transpose;
} hw2_path_tiles;

#define HW2_MR_MAX 16
#define HW2_NR_MAX 32

extern const hw2_path_tiles hw2_portable_tiles;
#if defined(__x86_64__)
extern const hw2_path_tiles hw2_avx2_tiles;
extern const hw2_path_tiles hw2_avx512_tiles;
#elif defined(__aarch64__)
extern const hw2_path_tiles hw2_neon_tiles;
#endif

#endif
