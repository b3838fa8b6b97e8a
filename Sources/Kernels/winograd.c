/* The transforms of Winograd's F(4x4, 3x3) (Lavin and Gray 2016; points 0,
 * 1, -1, 2, -2 and infinity), forward and adjoint, for a 3x3 convolution with
 * stride 1 and padding 1 over activations [channels, n, h, w]. Output tile
 * (ty, tx) covers rows 4ty ... 4ty+3 and columns 4tx ... 4tx+3 (those past h
 * or w are computed and dropped); it reads input rows 4ty-1 ... 4ty+4 and
 * columns 4tx-1 ... 4tx+4, zero outside the image. A plane has th x tw tiles
 * (th = ceil(h/4), tw = ceil(w/4)); a tile's 36 transformed values go to
 * [36, channels, T] (T = the chunk's tiles, sample-major, then ty, then tx),
 * so each of the 36 positions is one GEMM over the channels.
 *
 *   B^T = [4  0 -5  0 1 0]   G = [ 1/4     0     0]   A^T = [1 1  1 1  1 0]
 *         [0 -4 -4  1 1 0]       [-1/6  -1/6  -1/6]         [0 1 -1 2 -2 0]
 *         [0  4 -4 -1 1 0]       [-1/6   1/6  -1/6]         [0 1  1 4  4 0]
 *         [0 -2 -1  2 1 0]       [1/24  1/12   1/6]         [0 1 -1 8 -8 1]
 *         [0  2 -1 -2 1 0]       [1/24 -1/12   1/6]
 *         [0  4  0 -5 0 1]       [   0     0     1]
 *
 *   V = B^T d B    U = G g G^T    y = A^T M A
 *
 * Every transform is a 1-D transform of six (or three, or four) values
 * applied along the rows of a tile, then down its columns, each a fixed
 * graph of IEEE operations written out below (multiplications by 2, 4 and 8
 * are exact; 1/6 and 1/24 are the nearest floats), the same on every path
 * (paths.h). Most passes are flat loops over a chunk's tiles, so a path runs
 * as many tiles side by side as its vectors hold; the first pass of the
 * input transform and of the output gradient read a padded plane four tiles
 * at a time (f4, the same operations in each lane). Negation is written
 * 0 - x, which turns +0 into +0. */
#include "paths.h"

static const float SIXTH = 1.0f / 6.0f;

/* Tiles of a plane per side. */
static long tiles_along(long size) { return (size + 3) / 4; }

long hw2_winograd_scratch(hw2_winograd_shape shape, long samples) {
    const long th = tiles_along(shape.h), tw = tiles_along(shape.w);
    return 72 * samples * th * tw + (4 * th + 2) * (4 * tw + 2) + 2;
}

/* Four floats side by side: GCC's and Clang's vector extension, SSE on
 * x86-64 and Advanced SIMD on AArch64. Arithmetic on it is element-wise, the
 * same IEEE operation in each lane as on a float. */
typedef float f4 __attribute__((vector_size(16)));

HW2_INLINE f4 load4(const float *p) {
    f4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

HW2_INLINE void store4(float *p, f4 v) { memcpy(p, &v, sizeof v); }

/* The 4x4 transpose of rows a, b, c, d: out[k] = (a[k], b[k], c[k], d[k]). */
HW2_INLINE void transpose4(f4 a, f4 b, f4 c, f4 d, f4 out[4]) {
    const f4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);
    const f4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5), cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);
    out[0] = __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5);
    out[1] = __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7);
    out[2] = __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5);
    out[3] = __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7);
}

/* B^T d: six values of a tile's row (or column) of input; written once, for
 * one tile (float) and for four side by side (f4). */
#define INPUT_1D(name, type)                                \
    HW2_INLINE void name(const type d[6], type v[6]) {      \
        v[0] = (d[4] - d[2]) + 4.0f * (d[0] - d[2]);        \
        v[1] = (d[3] + d[4]) - 4.0f * (d[1] + d[2]);        \
        v[2] = (d[4] - d[3]) + 4.0f * (d[1] - d[2]);        \
        v[3] = (d[4] - d[2]) + 2.0f * (d[3] - d[1]);        \
        v[4] = (d[4] - d[2]) - 2.0f * (d[3] - d[1]);        \
        v[5] = (d[5] - d[3]) + 4.0f * (d[1] - d[3]);        \
    }
INPUT_1D(input_1d, float)
INPUT_1D(input_1d_x4, f4)

/* B w, the adjoint of input_1d. */
HW2_INLINE void input_gradient_1d(const float w[6], float d[6]) {
    d[0] = 4.0f * w[0];
    d[1] = 4.0f * ((w[2] - w[1]) + w[5]) + 2.0f * (w[4] - w[3]);
    d[2] = ((0.0f - 4.0f * w[0]) - 4.0f * (w[1] + w[2])) - ((w[3] + w[4]) + w[0]);
    d[3] = ((w[1] - w[2]) + 2.0f * (w[3] - w[4])) - (4.0f * w[5] + w[5]);
    d[4] = (w[0] + (w[1] + w[2])) + (w[3] + w[4]);
    d[5] = w[5];
}

/* A^T m: four outputs from six transformed values; for one tile and for
 * four side by side. */
#define OUTPUT_1D(name, type)                                                              \
    HW2_INLINE void name(const type m[6], type y[4]) {                                     \
        const type a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], d = m[3] - m[4];    \
        y[0] = (m[0] + a) + c;                                                             \
        y[1] = b + 2.0f * d;                                                               \
        y[2] = a + 4.0f * c;                                                               \
        y[3] = (b + 8.0f * d) + m[5];                                                      \
    }
OUTPUT_1D(output_1d, float)
OUTPUT_1D(output_1d_x4, f4)

/* A z, the adjoint of output_1d; for one tile and for four side by side. */
#define OUTPUT_GRADIENT_1D(name, type)                                              \
    HW2_INLINE void name(const type z[4], type m[6]) {                              \
        const type even = z[0] + z[2], odd = z[1] + z[3];                           \
        const type even4 = z[0] + 4.0f * z[2], odd4 = 2.0f * z[1] + 8.0f * z[3];    \
        m[0] = z[0];                                                                \
        m[1] = even + odd;                                                          \
        m[2] = even - odd;                                                          \
        m[3] = even4 + odd4;                                                        \
        m[4] = even4 - odd4;                                                        \
        m[5] = z[3];                                                                \
    }
OUTPUT_GRADIENT_1D(output_gradient_1d, float)
OUTPUT_GRADIENT_1D(output_gradient_1d_x4, f4)

/* G g: six values from a row (or column) of three filter taps. */
HW2_INLINE void filter_1d(const float g[3], float u[6]) {
    const float outer = g[0] + g[2], quarter = 0.25f * g[0] + g[2], half = 0.5f * g[1];
    u[0] = 0.25f * g[0];
    u[1] = (0.0f - (outer + g[1])) * SIXTH;
    u[2] = (g[1] - outer) * SIXTH;
    u[3] = (quarter + half) * SIXTH;
    u[4] = (quarter - half) * SIXTH;
    u[5] = g[2];
}

/* G^T u, the adjoint of filter_1d. */
HW2_INLINE void filter_gradient_1d(const float u[6], float g[3]) {
    const float p = u[1] + u[2], q = u[3] + u[4], dp = u[1] - u[2], dq = u[3] - u[4];
    g[0] = 0.25f * u[0] + (0.25f * q - p) * SIXTH;
    g[1] = (0.5f * dq - dp) * SIXTH;
    g[2] = (q - p) * SIXTH + u[5];
}

/* One pass of a 1-D transform over every tile of a plane: for each of
 * `groups` groups (the rows of a tile, or its columns) the `in_count` values
 * from[(group * from_group + item * from_item) * from_stride + tile] go
 * through `transform`, and its `out_count` values go to `to` likewise. The
 * loop over tiles is innermost and flat, so it runs in vectors. */
#define PASS(transform, in_count, out_count, groups, from, from_group, from_item, from_stride, to, to_group, to_item, \
             to_stride, tiles)                                                                                        \
    for (long g_ = 0; g_ < (groups); g_++)                                                                            \
        for (long f_ = 0; f_ < (tiles); f_++) {                                                                       \
            float in_[6], out_[6];                                                                                    \
            for (long i_ = 0; i_ < (in_count); i_++)                                                                  \
                in_[i_] = (from)[(g_ * (from_group) + i_ * (from_item)) * (from_stride) + f_];                        \
            transform(in_, out_);                                                                                     \
            for (long o_ = 0; o_ < (out_count); o_++)                                                                 \
                (to)[(g_ * (to_group) + o_ * (to_item)) * (to_stride) + f_] = out_[o_];                               \
        }

/* The tiles of plane `s` of a chunk: its columns of a [rows, T] matrix. */
#define SAMPLE(s) (((s) - s0) * tiles)

/* The first pass of the input transform, straight from a padded plane: for
 * each row i of each 6x6 tile, B^T along it, into `to` [36, T] (to[6i + o]
 * holds output o of row i). Four tiles of a row at a time are five loads, a
 * transpose and input_1d_x4; the tiles left over one by one. A line is read
 * up to 2 floats past column 4tw + 1 (hw2_winograd_scratch leaves room);
 * those lanes are never used. */
HW2_INLINE void input_rows(long th, long tw, long width, const float *restrict padded, float *restrict to, long t) {
    for (long i = 0; i < 6; i++)
        for (long ty = 0; ty < th; ty++) {
            const float *line = padded + (4 * ty + i) * width;
            float *at = to + 6 * i * t + ty * tw;
            long tx = 0;
            for (; tx + 4 <= tw; tx += 4) {
                const float *from = line + 4 * tx;
                f4 d[6], v[6];
                transpose4(load4(from), load4(from + 4), load4(from + 8), load4(from + 12), d);
                const f4 e = load4(from + 16);
                d[4] = __builtin_shufflevector(d[0], e, 1, 2, 3, 4);
                d[5] = __builtin_shufflevector(d[1], e, 1, 2, 3, 5);
                input_1d_x4(d, v);
                for (long o = 0; o < 6; o++) store4(at + o * t + tx, v[o]);
            }
            for (; tx < tw; tx++) {
                float d[6], v[6];
                for (long k = 0; k < 6; k++) d[k] = line[4 * tx + k];
                input_1d(d, v);
                for (long o = 0; o < 6; o++) at[o * t + tx] = v[o];
            }
        }
}

/* The first pass of the output gradient's transform, straight from a
 * padded plane: for each row i of each 4x4 tile, A along it, into `to`
 * [24, T] (to[6i + o] holds output o of row i); four tiles of a row at a
 * time as in input_rows. */
HW2_INLINE void output_gradient_rows(long th, long tw, long width, const float *restrict padded, float *restrict to,
                                     long t) {
    for (long i = 0; i < 4; i++)
        for (long ty = 0; ty < th; ty++) {
            const float *line = padded + (4 * ty + i) * width;
            float *at = to + 6 * i * t + ty * tw;
            long tx = 0;
            for (; tx + 4 <= tw; tx += 4) {
                const float *from = line + 4 * tx;
                f4 z[4], m[6];
                transpose4(load4(from), load4(from + 4), load4(from + 8), load4(from + 12), z);
                output_gradient_1d_x4(z, m);
                for (long o = 0; o < 6; o++) store4(at + o * t + tx, m[o]);
            }
            for (; tx < tw; tx++) {
                float z[4], m[6];
                for (long k = 0; k < 4; k++) z[k] = line[4 * tx + k];
                output_gradient_1d(z, m);
                for (long o = 0; o < 6; o++) at[o * t + tx] = m[o];
            }
        }
}

/* V [36, cin, T] = B^T d B for samples [s0, s1). For each channel, every
 * plane of the chunk is copied into a zeroed padded plane `padded`
 * [4th + 2, 4tw + 2] (the image at row 1, column 1) and its tiles go along
 * rows into `temp` [36, T] (input_rows); then the chunk's tiles go down
 * columns into V. */
HW2_INLINE void winograd_input_body(const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                                    const float *restrict x, float *restrict v, float *restrict scratch) {
    const long h = sh->h, w = sh->w, th = tiles_along(h), tw = tiles_along(w), tiles = th * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cin * t, width = 4 * tw + 2;
    float *restrict temp = scratch + 36 * t, *restrict padded = scratch + 72 * t;
    memset(padded, 0, (size_t)((4 * th + 2) * width) * sizeof(float));
    for (long c = c0; c < c1; c++) {
        for (long s = s0; s < s1; s++) {
            const float *plane = x + (c * n + s) * h * w;
            for (long r = 0; r < h; r++) memcpy(padded + (r + 1) * width + 1, plane + r * w, (size_t)w * sizeof(float));
            input_rows(th, tw, width, padded, temp + SAMPLE(s), t);
        }
        PASS(input_1d, 6, 6, 6, temp, 1, 6, t, v + c * t, 1, 6, stride, t)
    }
}
HW2_PATH_VARIANTS(winograd_input,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                   const float *x, float *v, float *scratch),
                  (sh, n, s0, s1, c0, c1, x, v, scratch))

void hw2_winograd_input(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, long c0, long c1,
                        const float *x, float *v, float *scratch) {
    winograd_input_paths[hw2_path_index(path)](&shape, n, s0, s1, c0, c1, x, v, scratch);
}

/* Adds row i of each 6x6 tile of a row of tiles (`from` [6, T] from its
 * column 0, from[k] holding column k) into `row` of a padded plane, tile
 * after tile in tx order: row[4tx + k] += from[k][tx]. Four tiles at a time,
 * columns 4 and 5 (which land on the next tile's 0 and 1) go first, then
 * columns 0 to 3, so each pixel still gets its two values in tx order;
 * the lanes between carry +0, which leaves a sum unchanged (a sum from +0 is
 * never -0). A row is read and written up to 2 floats past column
 * 4tw + 1, +0 added (hw2_winograd_scratch leaves room). */
HW2_INLINE void add_tile_row(long tw, const float *restrict from, float *restrict row, long t) {
    const f4 zero = {0.0f, 0.0f, 0.0f, 0.0f};
    long tx = 0;
    for (; tx + 4 <= tw; tx += 4) {
        const f4 k4 = load4(from + 4 * t + tx), k5 = load4(from + 5 * t + tx);
        const f4 lo = __builtin_shufflevector(k4, k5, 0, 4, 1, 5), hi = __builtin_shufflevector(k4, k5, 2, 6, 3, 7);
        const f4 spill[4] = {
            __builtin_shufflevector(lo, zero, 0, 1, 4, 4),
            __builtin_shufflevector(lo, zero, 2, 3, 4, 4),
            __builtin_shufflevector(hi, zero, 0, 1, 4, 4),
            __builtin_shufflevector(hi, zero, 2, 3, 4, 4),
        };
        for (long q = 0; q < 4; q++) store4(row + 4 * (tx + q) + 4, load4(row + 4 * (tx + q) + 4) + spill[q]);
        f4 tiles[4];
        transpose4(load4(from + tx), load4(from + t + tx), load4(from + 2 * t + tx), load4(from + 3 * t + tx), tiles);
        for (long q = 0; q < 4; q++) store4(row + 4 * (tx + q), load4(row + 4 * (tx + q)) + tiles[q]);
    }
    for (; tx < tw; tx++)
        for (long k = 0; k < 6; k++) row[4 * tx + k] = row[4 * tx + k] + from[k * t + tx];
}

/* dx = the sum over tiles of B dV B^T (the adjoint of the input transform)
 * for samples [s0, s1): for each channel, B along each row of the chunk's
 * tiles (into `temp` [36, T]), then down their columns (into `patch`
 * [36, T]); then each plane's tiles are added into a zeroed padded plane
 * `sum` [4th + 2, 4tw + 2], tile after tile in (ty, tx) order, so a pixel's
 * (up to four) values are added in that order; its inside is dx. */
HW2_INLINE void winograd_input_gradient_body(const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                                             const float *restrict dv, float *restrict dx, float *restrict scratch) {
    const long h = sh->h, w = sh->w, th = tiles_along(h), tw = tiles_along(w), tiles = th * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cin * t, width = 4 * tw + 2;
    float *restrict patch = scratch, *restrict temp = scratch + 36 * t, *restrict sum = scratch + 72 * t;
    for (long c = c0; c < c1; c++) {
        PASS(input_gradient_1d, 6, 6, 6, dv + c * t, 6, 1, stride, temp, 6, 1, t, t)
        PASS(input_gradient_1d, 6, 6, 6, temp, 1, 6, t, patch, 1, 6, t, t)
        for (long s = s0; s < s1; s++) {
            memset(sum, 0, (size_t)((4 * th + 2) * width) * sizeof(float));
            for (long ty = 0; ty < th; ty++)
                for (long i = 0; i < 6; i++)
                    add_tile_row(tw, patch + 6 * i * t + SAMPLE(s) + ty * tw, sum + (4 * ty + i) * width, t);
            float *plane = dx + (c * n + s) * h * w;
            for (long r = 0; r < h; r++) memcpy(plane + r * w, sum + (r + 1) * width + 1, (size_t)w * sizeof(float));
        }
    }
}
HW2_PATH_VARIANTS(winograd_input_gradient,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                   const float *dv, float *dx, float *scratch),
                  (sh, n, s0, s1, c0, c1, dv, dx, scratch))

void hw2_winograd_input_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                 long c0, long c1, const float *dv, float *dx, float *scratch) {
    winograd_input_gradient_paths[hw2_path_index(path)](&shape, n, s0, s1, c0, c1, dv, dx, scratch);
}

/* The value y of an output, `v < 0 ? 0 : v` when `relu` (it keeps -0 and
 * NaN), for one and for four outputs. */
HW2_INLINE float rectified(float v, int relu) { return relu && v < 0.0f ? 0.0f : v; }

HW2_INLINE f4 rectified_x4(f4 v, int relu) {
    typedef int i4 __attribute__((vector_size(16)));
    const f4 zero = {0.0f, 0.0f, 0.0f, 0.0f};
    return relu ? (f4)((i4)v & ~(v < zero)) : v;
}

/* The second pass of the output transform for one plane's tiles, straight
 * into `padded` [4th, 4tw]: A^T down each column of `temp` [24, T] (the
 * tiles' rows already times A, from its column 0), plus b, rectified, laid
 * out as the plane's 4x4 blocks. Four tiles at a time, through a transpose;
 * the tiles left over one by one. */
HW2_INLINE void output_tiles(long th, long tw, long width, const float *restrict temp, float b, int relu,
                             float *restrict padded, long t) {
    for (long ty = 0; ty < th; ty++) {
        const float *from = temp + ty * tw;
        float *block = padded + 4 * ty * width;
        long tx = 0;
        for (; tx + 4 <= tw; tx += 4) {
            f4 columns[4][4]; /* [k][l]: output row l of column k, four tiles */
            for (long k = 0; k < 4; k++) {
                f4 q[6];
                for (long i = 0; i < 6; i++) q[i] = load4(from + (4 * i + k) * t + tx);
                output_1d_x4(q, columns[k]);
                for (long l = 0; l < 4; l++) columns[k][l] = rectified_x4(columns[k][l] + b, relu);
            }
            for (long l = 0; l < 4; l++) {
                f4 tiles[4];
                transpose4(columns[0][l], columns[1][l], columns[2][l], columns[3][l], tiles);
                for (long q = 0; q < 4; q++) store4(block + l * width + 4 * (tx + q), tiles[q]);
            }
        }
        for (; tx < tw; tx++)
            for (long k = 0; k < 4; k++) {
                float q[6], e[4];
                for (long i = 0; i < 6; i++) q[i] = from[(4 * i + k) * t + tx];
                output_1d(q, e);
                for (long l = 0; l < 4; l++) block[l * width + 4 * tx + k] = rectified(e[l] + b, relu);
            }
    }
}

/* y [cout, n, h, w] for samples [s0, s1) = A^T M A + bias, then ReLU as
 * `v < 0 ? 0 : v` when `relu` (it keeps -0 and NaN): for each output
 * channel, A along each row of the chunk's tiles (into `temp` [24, T]),
 * then, plane by plane, down their columns into `padded` [4th, 4tw]
 * (output_tiles), whose part inside h x w is y. */
HW2_INLINE void winograd_output_body(const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                                     const float *restrict m, const float *restrict bias, int relu, float *restrict y,
                                     float *restrict scratch) {
    const long h = sh->h, w = sh->w, th = tiles_along(h), tw = tiles_along(w), tiles = th * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cout * t, width = 4 * tw;
    float *restrict temp = scratch + 36 * t, *restrict padded = scratch + 72 * t;
    for (long o = c0; o < c1; o++) {
        PASS(output_1d, 6, 4, 6, m + o * t, 6, 1, stride, temp, 4, 1, t, t)
        for (long s = s0; s < s1; s++) {
            if (relu)
                output_tiles(th, tw, width, temp + SAMPLE(s), bias[o], 1, padded, t);
            else
                output_tiles(th, tw, width, temp + SAMPLE(s), bias[o], 0, padded, t);
            float *plane = y + (o * n + s) * h * w;
            for (long r = 0; r < h; r++) memcpy(plane + r * w, padded + r * width, (size_t)w * sizeof(float));
        }
    }
}
HW2_PATH_VARIANTS(winograd_output,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                   const float *m, const float *bias, int relu, float *y, float *scratch),
                  (sh, n, s0, s1, c0, c1, m, bias, relu, y, scratch))

void hw2_winograd_output(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, long c0, long c1,
                         const float *m, const float *bias, int relu, float *y, float *scratch) {
    winograd_output_paths[hw2_path_index(path)](&shape, n, s0, s1, c0, c1, m, bias, relu, y, scratch);
}

/* dM [36, cout, T] = A dy A^T for each tile of dy (the adjoint of the output
 * transform): for each output channel, every plane of the chunk is copied
 * into `padded` [4th, 4tw], zero past h and w (those outputs were dropped,
 * so their gradient is 0), and A goes along each row of its tiles (into
 * `temp` [24, T], output_gradient_rows); then down the chunk's columns. */
HW2_INLINE void winograd_output_gradient_body(const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                                              const float *restrict dy, float *restrict dm, float *restrict scratch) {
    const long h = sh->h, w = sh->w, th = tiles_along(h), tw = tiles_along(w), tiles = th * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cout * t, width = 4 * tw;
    float *restrict temp = scratch + 36 * t, *restrict padded = scratch + 72 * t;
    memset(padded, 0, (size_t)(4 * th * width) * sizeof(float));
    for (long o = c0; o < c1; o++) {
        for (long s = s0; s < s1; s++) {
            const float *plane = dy + (o * n + s) * h * w;
            for (long r = 0; r < h; r++) memcpy(padded + r * width, plane + r * w, (size_t)w * sizeof(float));
            output_gradient_rows(th, tw, width, padded, temp + SAMPLE(s), t);
        }
        PASS(output_gradient_1d, 4, 6, 6, temp, 1, 6, t, dm + o * t, 1, 6, stride, t)
    }
}
HW2_PATH_VARIANTS(winograd_output_gradient,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, long c0, long c1,
                   const float *dy, float *dm, float *scratch),
                  (sh, n, s0, s1, c0, c1, dy, dm, scratch))

void hw2_winograd_output_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                  long c0, long c1, const float *dy, float *dm, float *scratch) {
    winograd_output_gradient_paths[hw2_path_index(path)](&shape, n, s0, s1, c0, c1, dy, dm, scratch);
}

/* Filters are transformed FILTER_BLOCK at a time, side by side, so that each
 * of the 36 rows of U (or of dU) is read or written a cache line at a time. */
enum { FILTER_BLOCK = 16 };

/* U [36, cout, cin] = G g G^T for each filter g = weight [cout, cin, 3, 3]:
 * G along each row of g, then down the columns. */
HW2_INLINE void winograd_filters_body(long filters, const float *restrict weight, float *restrict u) {
    for (long f0 = 0; f0 < filters; f0 += FILTER_BLOCK) {
        const long count = filters - f0 < FILTER_BLOCK ? filters - f0 : FILTER_BLOCK;
        float taps[9 * FILTER_BLOCK], rows[18 * FILTER_BLOCK]; /* [9, block] and [3, 6, block] */
        for (long l = 0; l < count; l++)
            for (long q = 0; q < 9; q++) taps[q * FILTER_BLOCK + l] = weight[(f0 + l) * 9 + q];
        PASS(filter_1d, 3, 6, 3, taps, 3, 1, FILTER_BLOCK, rows, 6, 1, FILTER_BLOCK, count)
        PASS(filter_1d, 3, 6, 6, rows, 1, 6, FILTER_BLOCK, u + f0, 1, 6, filters, count)
    }
}
HW2_PATH_VARIANTS(winograd_filters, (long filters, const float *weight, float *u), (filters, weight, u))

void hw2_winograd_filters(hw2_kernel_path path, hw2_winograd_shape shape, const float *weight, float *u) {
    winograd_filters_paths[hw2_path_index(path)](shape.cout * shape.cin, weight, u);
}

/* dweight [cout, cin, 3, 3] += G^T dU G (the adjoint of the filter
 * transform): G^T down the columns of dU first, then along the rows. */
HW2_INLINE void winograd_filter_gradient_body(long filters, const float *restrict du, float *restrict dweight) {
    for (long f0 = 0; f0 < filters; f0 += FILTER_BLOCK) {
        const long count = filters - f0 < FILTER_BLOCK ? filters - f0 : FILTER_BLOCK;
        float rows[18 * FILTER_BLOCK], taps[9 * FILTER_BLOCK]; /* [3, 6, block] and [9, block] */
        PASS(filter_gradient_1d, 6, 3, 6, du + f0, 1, 6, filters, rows, 1, 6, FILTER_BLOCK, count)
        PASS(filter_gradient_1d, 6, 3, 3, rows, 6, 1, FILTER_BLOCK, taps, 3, 1, FILTER_BLOCK, count)
        for (long l = 0; l < count; l++)
            for (long q = 0; q < 9; q++) dweight[(f0 + l) * 9 + q] = dweight[(f0 + l) * 9 + q] + taps[q * FILTER_BLOCK + l];
    }
}
HW2_PATH_VARIANTS(winograd_filter_gradient, (long filters, const float *du, float *dweight), (filters, du, dweight))

void hw2_winograd_filter_gradient(hw2_kernel_path path, hw2_winograd_shape shape, const float *du, float *dweight) {
    winograd_filter_gradient_paths[hw2_path_index(path)](shape.cout * shape.cin, du, dweight);
}
