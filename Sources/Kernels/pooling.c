/* size x size max pooling, stride size, over planes [h, w] -> [h/size, w/size].
 * The winner of a window is found by strict comparisons in row-major order,
 * so ties go to the first (PyTorch's rule); its offset inside the input
 * plane is kept for backward. Comparisons and copies only: no rounding. */
#include <string.h>
#include "paths.h"

/* The homework's 2x2 windows, unrolled: the scan order (a, b, c, d) is the
 * tie rule. Each step is a select, not a branch, so the loop runs in vectors
 * (random data would mispredict half of the branches). */
HW2_INLINE void max_pool2_row(long wo, long w, long oy, const float *restrict row, float *restrict y,
                              int32_t *restrict arg) {
    const float *below = row + w;
    const int32_t first = (int32_t)(oy * 2 * w), down = (int32_t)w;
    for (long ox = 0; ox < wo; ox++) {
        const long at = 2 * ox;
        const float a = row[at], b = row[at + 1], c = below[at], d = below[at + 1];
        const int32_t origin = first + (int32_t)at;
        float value = a;
        int32_t best = origin;
        best = b > value ? origin + 1 : best;
        value = b > value ? b : value;
        best = c > value ? origin + down : best;
        value = c > value ? c : value;
        best = d > value ? origin + down + 1 : best;
        value = d > value ? d : value;
        y[ox] = value;
        arg[ox] = best;
    }
}

HW2_INLINE void max_pool_body(long planes, long size, long h, long w, const float *x, float *y, int32_t *arg) {
    const long ho = h / size, wo = w / size;
    for (long p = 0; p < planes; p++) {
        const float *source = x + p * h * w;
        for (long oy = 0; oy < ho; oy++) {
            const float *row = source + oy * size * w;
            const long o = (p * ho + oy) * wo;
            if (size == 2) {
                max_pool2_row(wo, w, oy, row, y + o, arg + o);
                continue;
            }
            for (long ox = 0; ox < wo; ox++) {
                long best = ox * size;
                float value = row[best];
                for (long dy = 0; dy < size; dy++)
                    for (long dx = 0; dx < size; dx++) {
                        const long at = dy * w + ox * size + dx;
                        if (row[at] > value) { best = at; value = row[at]; }
                    }
                y[o + ox] = value;
                arg[o + ox] = (int32_t)(oy * size * w + best);
            }
        }
    }
}
HW2_PATH_VARIANTS(max_pool, (long planes, long size, long h, long w, const float *x, float *y, int32_t *arg),
                  (planes, size, h, w, x, y, arg))

void hw2_max_pool(hw2_kernel_path path, long planes, long size, long h, long w, const float *x, float *y, int32_t *arg) {
    max_pool_paths[hw2_path_index(path)](planes, size, h, w, x, y, arg);
}

/* dx = 0, then each output's gradient is added to its winner (0 + g, so a -0
 * gradient lands as +0, as the plain loop has it). A scatter: scalar on every path. */
void hw2_max_pool_backward(hw2_kernel_path path, long planes, long size, long h, long w, const int32_t *arg,
                           const float *dy, float *dx) {
    (void)path;
    const long outputs = (h / size) * (w / size);
    memset(dx, 0, (size_t)(planes * h * w) * sizeof(float));
    for (long p = 0; p < planes; p++) {
        float *plane = dx + p * h * w;
        for (long o = p * outputs; o < (p + 1) * outputs; o++) plane[arg[o]] += dy[o];
    }
}
