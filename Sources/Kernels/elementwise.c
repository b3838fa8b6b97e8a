/* ReLU, its mask, the residual block's adds and the bias gradient's row
 * sums. Each element is one written-out IEEE operation (or comparison), the
 * same on every path (paths.h). ReLU is Swift's max(x, 0), which is
 * `0 >= x ? 0 : x`: it gives +0 for -0 and keeps a NaN. */
#include "paths.h"

HW2_INLINE void relu_body(long rows, long count, long stride, float *x) {
    for (long r = 0; r < rows; r++) {
        float *row = x + r * stride;
        for (long i = 0; i < count; i++) row[i] = 0.0f >= row[i] ? 0.0f : row[i];
    }
}
HW2_PATH_VARIANTS(relu, (long rows, long count, long stride, float *x), (rows, count, stride, x))

void hw2_relu(hw2_kernel_path path, long rows, long count, long stride, float *x) {
    relu_paths[hw2_path_index(path)](rows, count, stride, x);
}

HW2_INLINE void relu_mask_body(long rows, long count, long stride, float *dy, const float *y) {
    for (long r = 0; r < rows; r++) {
        float *d = dy + r * stride;
        const float *o = y + r * stride;
        for (long i = 0; i < count; i++) d[i] = o[i] > 0.0f ? d[i] : 0.0f;
    }
}
HW2_PATH_VARIANTS(relu_mask, (long rows, long count, long stride, float *dy, const float *y), (rows, count, stride, dy, y))

void hw2_relu_mask(hw2_kernel_path path, long rows, long count, long stride, float *dy, const float *y) {
    relu_mask_paths[hw2_path_index(path)](rows, count, stride, dy, y);
}

HW2_INLINE void add_body(long count, const float *a, const float *b, float *y) {
    for (long i = 0; i < count; i++) y[i] = a[i] + b[i];
}
HW2_PATH_VARIANTS(add, (long count, const float *a, const float *b, float *y), (count, a, b, y))

void hw2_add(hw2_kernel_path path, long count, const float *a, const float *b, float *y) {
    add_paths[hw2_path_index(path)](count, a, b, y);
}

HW2_INLINE void add_relu_body(long count, const float *a, const float *b, float *y) {
    for (long i = 0; i < count; i++) {
        const float s = a[i] + b[i];
        y[i] = 0.0f >= s ? 0.0f : s;
    }
}
HW2_PATH_VARIANTS(add_relu, (long count, const float *a, const float *b, float *y), (count, a, b, y))

void hw2_add_relu(hw2_kernel_path path, long count, const float *a, const float *b, float *y) {
    add_relu_paths[hw2_path_index(path)](count, a, b, y);
}

/* Four rows side by side, so four dependency chains overlap; each row is
 * still one chain from +0 in increasing column order. A chain cannot be
 * widened without reordering it, so every path runs this scalar code. */
void hw2_add_row_sums(hw2_kernel_path path, long rows, long columns, const float *m, float *into) {
    (void)path;
    long r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *a = m + r * columns, *b = a + columns, *c = b + columns, *d = c + columns;
        float sa = 0.0f, sb = 0.0f, sc = 0.0f, sd = 0.0f;
        for (long j = 0; j < columns; j++) {
            sa += a[j];
            sb += b[j];
            sc += c[j];
            sd += d[j];
        }
        into[r] += sa;
        into[r + 1] += sb;
        into[r + 2] += sc;
        into[r + 3] += sd;
    }
    for (; r < rows; r++) {
        float sum = 0.0f;
        for (long j = 0; j < columns; j++) sum += m[r * columns + j];
        into[r] += sum;
    }
}
