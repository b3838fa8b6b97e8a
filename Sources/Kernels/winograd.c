/* The transforms of Winograd's F(2x2, 3x3) (Lavin and Gray 2016), forward and
 * adjoint, for a 3x3 convolution with stride 1 and padding 1 over activations
 * [channels, n, h, w] with h and w even. Tile (ty, tx) covers input rows
 * 2ty-1 ... 2ty+2 and columns 2tx-1 ... 2tx+2; its 16 transformed values go to
 * [16, channels, T] (T = the chunk's tiles, sample-major, then ty, then tx),
 * so each of the 16 positions is one GEMM over the channels.
 *
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]    V = B^T d B
 *   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]  U = G g G^T
 *   A^T = [1 1 1 0; 0 1 -1 -1]                        y = A^T M A
 *
 * Each value is a fixed graph of IEEE additions, subtractions and halvings,
 * written out below in the order it is evaluated (left to right, rows of a
 * tile before its columns), the same on every path (paths.h). Negation is
 * written 0 - x, which turns +0 into +0. */
#include "paths.h"

/* The input gradient's column pass runs over the tiles of a tile row in groups
 * of G side by side (8, 4, or 1 when the row is narrower than 4): one vector
 * lane per tile. A
 * row whose width is not a multiple of G ends with a group that overlaps the
 * one before and writes the same values again. Each group is a fixed-size
 * loop, so the compiler widens it to G lanes with no remainder. */
#define TILE_GROUPS(tw, step)                                                          \
    do {                                                                              \
        if ((tw) >= 8)                                                                \
            for (long g_ = 0; g_ < (tw); g_ += 8) step(8, g_ < (tw) - 8 ? g_ : (tw) - 8); \
        else if ((tw) >= 4)                                                           \
            for (long g_ = 0; g_ < (tw); g_ += 4) step(4, g_ < (tw) - 4 ? g_ : (tw) - 4); \
        else                                                                          \
            for (long g_ = 0; g_ < (tw); g_++) step(1, g_);                           \
    } while (0)

/* V [16, cin, T] for samples [s0, s1). Each plane is first split by the
 * parity of its rows and columns into half-size planes [h/2 + 2, w/2] with a
 * zero row above and below: for input row 2ty + a (a = 0, 1), tile k's four
 * padded columns 2k ... 2k+3 are input columns 2k-1, 2k, 2k+1, 2k+2, kept as
 * `left` (0 for k = 0), `even`, `odd` and `right` (0 for k = w/2 - 1). Then
 * d B of every padded row is one flat loop over a half plane (`rows`, for
 * each parity the four values j), and B^T down the four padded rows of every
 * tile (input rows 2ty-1 ... 2ty+2, parities 1, 0, 1, 0) is another: every
 * value goes through the same operations as in a padded plane, and every
 * loop is contiguous. Scratch `split` and `rows` [8, h/2 + 2, w/2] each. */
HW2_INLINE void winograd_input_body(const hw2_winograd_shape *sh, long n, long s0, long s1, const float *restrict x,
                                    float *restrict v, float *restrict split, float *restrict rows) {
    const long h = sh->h, w = sh->w, th = h / 2, tw = w / 2, tiles = th * tw, half = (th + 2) * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cin * t;
    memset(split, 0, (size_t)(8 * half) * sizeof(float));
    for (long c = 0; c < sh->cin; c++)
        for (long s = s0; s < s1; s++) {
            const float *plane = x + (c * n + s) * h * w;
            for (long y = 0; y < h; y++) {
                const float *in = plane + y * w;
                float *left = split + (4 * (y % 2)) * half + (y / 2 + 1) * tw;
                float *even = left + half, *odd = left + 2 * half, *right = left + 3 * half;
                for (long k = 0; k < tw; k++) {
                    even[k] = in[2 * k];
                    odd[k] = in[2 * k + 1];
                }
                memcpy(left + 1, odd, (size_t)(tw - 1) * sizeof(float));
                memcpy(right, even + 1, (size_t)(tw - 1) * sizeof(float));
            }
            for (long a = 0; a < 2; a++) {
                const float *d0 = split + 4 * a * half, *d1 = d0 + half, *d2 = d0 + 2 * half, *d3 = d0 + 3 * half;
                float *q = rows + 4 * a * half;
                for (long i = 0; i < half; i++) {
                    q[i] = d0[i] - d2[i];
                    q[half + i] = d1[i] + d2[i];
                    q[2 * half + i] = d2[i] - d1[i];
                    q[3 * half + i] = d1[i] - d3[i];
                }
            }
            float *base = v + c * t + (s - s0) * tiles;
            for (long j = 0; j < 4; j++) {
                const float *r0 = rows + (4 + j) * half, *r1 = rows + j * half + tw, *r2 = r0 + tw, *r3 = r1 + tw;
                float *out = base + j * stride;
                for (long f = 0; f < tiles; f++) {
                    const float a0 = r0[f], a1 = r1[f], a2 = r2[f], a3 = r3[f];
                    out[f] = a0 - a2;
                    out[4 * stride + f] = a1 + a2;
                    out[8 * stride + f] = a2 - a1;
                    out[12 * stride + f] = a1 - a3;
                }
            }
        }
}
HW2_PATH_VARIANTS(winograd_input,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, const float *x, float *v, float *split,
                   float *rows),
                  (sh, n, s0, s1, x, v, split, rows))

void hw2_winograd_input(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, const float *x,
                        float *v, float *split, float *rows) {
    winograd_input_paths[hw2_path_index(path)](&shape, n, s0, s1, x, v, split, rows);
}

/* B q for tiles tx ... tx+G-1, q's four values `from` apart, into four rows `to` apart:
 * B = [1 0 0 0; 0 1 -1 1; -1 1 1 0; 0 0 0 -1]. */
HW2_INLINE void spread(long G, long tx, long from, long to, const float *restrict at, float *restrict out) {
    for (long l = 0; l < G; l++) {
        const long k = tx + l;
        const float a = at[k], b = at[from + k], c = at[2 * from + k], d = at[3 * from + k];
        out[k] = a;
        out[to + k] = b - c + d;
        out[2 * to + k] = b + c - a;
        out[3 * to + k] = 0.0f - d;
    }
}

/* dx = sum over tiles of B dV B^T (the adjoint of the input transform) for
 * samples [s0, s1), also in two passes. Down the columns: B dV of each tile
 * row is added into `rows` [h + 2, 4, w/2] (tile rows overlap by two padded
 * rows). Along each row: B^T spreads each tile's four values over its four
 * pixels and neighbouring tiles (overlapping by two) are added.
 * `part` [16, w/2]. */
HW2_INLINE void winograd_input_gradient_body(const hw2_winograd_shape *sh, long n, long s0, long s1,
                                             const float *restrict dv, float *restrict dx, float *restrict rows,
                                             float *restrict part) {
    const long h = sh->h, w = sh->w, th = h / 2, tw = w / 2, tiles = th * tw;
    const long t = (s1 - s0) * tiles, stride = sh->cin * t;
    for (long c = 0; c < sh->cin; c++)
        for (long s = s0; s < s1; s++) {
            memset(rows, 0, (size_t)((h + 2) * 4 * tw) * sizeof(float));
            const float *base = dv + c * t + (s - s0) * tiles;
            for (long ty = 0; ty < th; ty++) {
                for (long j = 0; j < 4; j++) {
                    const float *at = base + j * stride + ty * tw;
                    float *out = part + j * tw;
#define STEP(G, tx) spread(G, tx, 4 * stride, 4 * tw, at, out)
                    TILE_GROUPS(tw, STEP);
#undef STEP
                }
                float *into = rows + 2 * ty * 4 * tw;
                for (long i = 0; i < 16 * tw; i++) into[i] = into[i] + part[i];
            }
            for (long r = 1; r <= h; r++) {
                const float *row = rows + r * 4 * tw;
#define STEP(G, tx) spread(G, tx, tw, tw, row, part)
                TILE_GROUPS(tw, STEP);
#undef STEP
                /* Padded column 2k + j gets value j of tile k: pixel 2k (padded 2k + 1) from
                 * tiles k (j = 1) and k - 1 (j = 3); pixel 2k + 1 from tiles k + 1 (j = 0) and k (j = 2). */
                const float *v0 = part, *v1 = part + tw, *v2 = part + 2 * tw, *v3 = part + 3 * tw;
                float *target = dx + (c * n + s) * h * w + (r - 1) * w;
                target[0] = v1[0];
                target[1] = v0[1] + v2[0];
                for (long k = 1; k < tw - 1; k++) {
                    target[2 * k] = v1[k] + v3[k - 1];
                    target[2 * k + 1] = v0[k + 1] + v2[k];
                }
                target[w - 2] = v1[tw - 1] + v3[tw - 2];
                target[w - 1] = v2[tw - 1];
            }
        }
}
HW2_PATH_VARIANTS(winograd_input_gradient,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, const float *dv, float *dx, float *rows,
                   float *part),
                  (sh, n, s0, s1, dv, dx, rows, part))

void hw2_winograd_input_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                 const float *dv, float *dx, float *rows, float *part) {
    winograd_input_gradient_paths[hw2_path_index(path)](&shape, n, s0, s1, dv, dx, rows, part);
}

/* A^T M A + b for the tiles [0, count) of a plane (M's 16 values `stride`
 * apart), then ReLU when asked, into `upper` and `lower` [count, 2]: the
 * output rows 2ty and 2ty + 1 of tile row ty are w contiguous values of each,
 * so one flat loop covers every tile and the rows are copied out after. */
HW2_INLINE void output_plane(long count, long stride, const float *restrict at, float b, int relu,
                             float *restrict upper, float *restrict lower) {
    for (long k = 0; k < count; k++) {
        float left[4], right[4];
        for (long i = 0; i < 4; i++) {
            const float m0 = at[(4 * i) * stride + k], m1 = at[(4 * i + 1) * stride + k],
                        m2 = at[(4 * i + 2) * stride + k], m3 = at[(4 * i + 3) * stride + k];
            left[i] = m0 + m1 + m2;
            right[i] = m1 - m2 - m3;
        }
        float y00 = left[0] + left[1] + left[2] + b, y10 = left[1] - left[2] - left[3] + b;
        float y01 = right[0] + right[1] + right[2] + b, y11 = right[1] - right[2] - right[3] + b;
        if (relu) {
            y00 = y00 < 0.0f ? 0.0f : y00;
            y01 = y01 < 0.0f ? 0.0f : y01;
            y10 = y10 < 0.0f ? 0.0f : y10;
            y11 = y11 < 0.0f ? 0.0f : y11;
        }
        upper[2 * k] = y00;
        upper[2 * k + 1] = y01;
        lower[2 * k] = y10;
        lower[2 * k + 1] = y11;
    }
}

/* y [cout, n, h, w] for samples [s0, s1) = A^T M A + bias, then ReLU as
 * `v < 0 ? 0 : v` when `relu` (it keeps -0 and NaN). M A along each row of a
 * tile first, then A^T down the columns. `rows` [2, h/2, w] is scratch. */
HW2_INLINE void winograd_output_body(const hw2_winograd_shape *sh, long n, long s0, long s1, const float *restrict m,
                                     const float *restrict bias, int relu, float *restrict y, float *restrict rows) {
    const long h = sh->h, w = sh->w, th = h / 2, tiles = th * (w / 2);
    const long t = (s1 - s0) * tiles, stride = sh->cout * t;
    float *upper = rows, *lower = rows + th * w;
    for (long o = 0; o < sh->cout; o++) {
        const float b = bias[o];
        for (long s = s0; s < s1; s++) {
            const float *base = m + o * t + (s - s0) * tiles;
            if (relu)
                output_plane(tiles, stride, base, b, 1, upper, lower);
            else
                output_plane(tiles, stride, base, b, 0, upper, lower);
            float *target = y + (o * n + s) * h * w;
            for (long ty = 0; ty < th; ty++) {
                memcpy(target + 2 * ty * w, upper + ty * w, (size_t)w * sizeof(float));
                memcpy(target + (2 * ty + 1) * w, lower + ty * w, (size_t)w * sizeof(float));
            }
        }
    }
}
HW2_PATH_VARIANTS(winograd_output,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, const float *m, const float *bias, int relu,
                   float *y, float *rows),
                  (sh, n, s0, s1, m, bias, relu, y, rows))

void hw2_winograd_output(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1, const float *m,
                         const float *bias, int relu, float *y, float *rows) {
    winograd_output_paths[hw2_path_index(path)](&shape, n, s0, s1, m, bias, relu, y, rows);
}

/* dM [16, cout, T] = A dy A^T for each 2x2 block of dy (the adjoint of the
 * output transform), A = [1 0; 1 1; 1 -1; 0 -1]: A along each row of the
 * block, then down its two rows. The rows of dy are first gathered into
 * `rows` [2, h/2, w] (upper rows, then lower rows), as the output transform
 * lays them, so one flat loop covers every tile. */
HW2_INLINE void winograd_output_gradient_body(const hw2_winograd_shape *sh, long n, long s0, long s1,
                                              const float *restrict dy, float *restrict dm, float *restrict rows) {
    const long h = sh->h, w = sh->w, th = h / 2, tiles = th * (w / 2);
    const long t = (s1 - s0) * tiles, stride = sh->cout * t;
    float *upper = rows, *lower = rows + th * w;
    for (long o = 0; o < sh->cout; o++)
        for (long s = s0; s < s1; s++) {
            const float *source = dy + (o * n + s) * h * w;
            for (long ty = 0; ty < th; ty++) {
                memcpy(upper + ty * w, source + 2 * ty * w, (size_t)w * sizeof(float));
                memcpy(lower + ty * w, source + (2 * ty + 1) * w, (size_t)w * sizeof(float));
            }
            float *at = dm + o * t + (s - s0) * tiles;
            for (long k = 0; k < tiles; k++) {
                const float u0 = upper[2 * k], u1 = upper[2 * k + 1], l0 = lower[2 * k], l1 = lower[2 * k + 1];
                const float p[4] = {u0, u0 + u1, u0 - u1, 0.0f - u1};
                const float q[4] = {l0, l0 + l1, l0 - l1, 0.0f - l1};
                for (long j = 0; j < 4; j++) {
                    at[j * stride + k] = p[j];
                    at[(4 + j) * stride + k] = p[j] + q[j];
                    at[(8 + j) * stride + k] = p[j] - q[j];
                    at[(12 + j) * stride + k] = 0.0f - q[j];
                }
            }
        }
}
HW2_PATH_VARIANTS(winograd_output_gradient,
                  (const hw2_winograd_shape *sh, long n, long s0, long s1, const float *dy, float *dm, float *rows),
                  (sh, n, s0, s1, dy, dm, rows))

void hw2_winograd_output_gradient(hw2_kernel_path path, hw2_winograd_shape shape, long n, long s0, long s1,
                                  const float *dy, float *dm, float *rows) {
    winograd_output_gradient_paths[hw2_path_index(path)](&shape, n, s0, s1, dy, dm, rows);
}

/* U [16, cout, cin] = G g G^T for each filter g = weight [cout, cin, 3, 3]:
 * g G^T along each row of g, then G down the columns. */
HW2_INLINE void winograd_filters_body(long filters, const float *weight, float *u) {
    for (long f = 0; f < filters; f++) {
        const float *g = weight + f * 9;
        float r[3][4];
        for (long i = 0; i < 3; i++) {
            const float a = g[3 * i], b = g[3 * i + 1], c = g[3 * i + 2];
            r[i][0] = a;
            r[i][1] = 0.5f * (a + b + c);
            r[i][2] = 0.5f * (a - b + c);
            r[i][3] = c;
        }
        for (long j = 0; j < 4; j++) {
            u[j * filters + f] = r[0][j];
            u[(4 + j) * filters + f] = 0.5f * (r[0][j] + r[1][j] + r[2][j]);
            u[(8 + j) * filters + f] = 0.5f * (r[0][j] - r[1][j] + r[2][j]);
            u[(12 + j) * filters + f] = r[2][j];
        }
    }
}
HW2_PATH_VARIANTS(winograd_filters, (long filters, const float *weight, float *u), (filters, weight, u))

void hw2_winograd_filters(hw2_kernel_path path, hw2_winograd_shape shape, const float *weight, float *u) {
    winograd_filters_paths[hw2_path_index(path)](shape.cout * shape.cin, weight, u);
}

/* dweight [cout, cin, 3, 3] += G^T dU G (the adjoint of the filter
 * transform): G^T down the columns of dU first, then along the rows. */
HW2_INLINE void winograd_filter_gradient_body(long filters, const float *du, float *dweight) {
    for (long f = 0; f < filters; f++) {
        float rows[3][4];
        for (long j = 0; j < 4; j++) {
            const float u0 = du[j * filters + f], u1 = du[(4 + j) * filters + f], u2 = du[(8 + j) * filters + f],
                        u3 = du[(12 + j) * filters + f];
            rows[0][j] = u0 + 0.5f * (u1 + u2);
            rows[1][j] = 0.5f * (u1 - u2);
            rows[2][j] = 0.5f * (u1 + u2) + u3;
        }
        float *g = dweight + f * 9;
        for (long i = 0; i < 3; i++) {
            const float a = rows[i][0], b = rows[i][1], c = rows[i][2], d = rows[i][3];
            g[3 * i] = g[3 * i] + (a + 0.5f * (b + c));
            g[3 * i + 1] = g[3 * i + 1] + 0.5f * (b - c);
            g[3 * i + 2] = g[3 * i + 2] + (0.5f * (b + c) + d);
        }
    }
}
HW2_PATH_VARIANTS(winograd_filter_gradient, (long filters, const float *du, float *dweight), (filters, du, dweight))

void hw2_winograd_filter_gradient(hw2_kernel_path path, hw2_winograd_shape shape, const float *du, float *dweight) {
    winograd_filter_gradient_paths[hw2_path_index(path)](shape.cout * shape.cin, du, dweight);
}
