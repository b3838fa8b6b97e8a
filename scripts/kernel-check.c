/* Runs every kernel of Sources/Kernels on seeded inputs, on every path this
 * CPU runs, and prints one digest a kernel and path: `kernel path digest`.
 * scripts/check-kernels-aarch64.sh builds it for x86-64 and AArch64 and
 * requires every digest of a kernel to be the same, which the contracts of
 * Kernels.h promise. The inputs come from our own generator and are the same
 * on every machine; a digest is FNV-1a over the bits of everything a kernel
 * wrote (and the padding it must leave alone). GEMM inputs hold no NaN or
 * infinity: which NaN payload a product gives is not promised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Kernels.h"

/* SplitMix64: the inputs, reseeded by each check so every path sees the same. */
static uint64_t state;
static uint64_t next_random(void) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }

/* In [-1, 1) with 24 significant bits, so any change of order shows. */
static float uniform(void) { return (float)(next_random() >> 40) * 0x1p-23f - 1.0f; }

/* Mostly uniform, with +0, -0 and subnormals among them: finite, for sums and products. */
static float finite_value(void) {
    switch (next_random() % 8) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return uniform() * 0x1p-126f;
    default: return uniform();
    }
}

/* finite_value, plus infinities and a NaN, for kernels that only compare and move values. */
static float any_value(void) {
    switch (next_random() % 10) {
    case 0: return from_bits(0x7fc01234u);
    case 1: return from_bits(0xff800000u);
    case 2: return from_bits(0x7f800000u);
    default: return finite_value();
    }
}

static float *floats(long count, float (*value)(void)) {
    float *x = malloc((size_t)count * sizeof(float));
    for (long i = 0; i < count; i++) x[i] = value();
    return x;
}

static uint64_t fnv1a(uint64_t h, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < count; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}
static const uint64_t FNV_BASIS = 0xcbf29ce484222325ull;

/* C = or += op(A) op(B) for shapes that leave remainders for every tile of
 * every path (4x16; 6x16, 4x24, 12x8; 8x32, 16x16; 8x12, 12x8), and full
 * tiles of each; k past the driver's block of 256; every transposition;
 * rows padded so strided blocks are covered and the padding must stay. */
static uint64_t check_gemm(hw2_kernel_path path) {
    static const long shapes[][3] = {{1, 1, 1},    {5, 7, 3},     {13, 33, 9},    {17, 9, 257}, {25, 64, 70},
                                     {64, 196, 32}, {33, 17, 600}, {7, 100, 25},  {32, 48, 40}, {17, 25, 257},
                                     {24, 36, 260}, {36, 16, 31},  {8, 12, 5},    {12, 8, 3},   {100, 10, 128},
                                     {10, 128, 100}, {3, 4, 0}};
    uint64_t h = FNV_BASIS;
    state = 1;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int variant = 0; variant < 8; variant++) {
            const long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], pad = (long)(s + variant) % 3;
            const int transA = variant & 1, transB = (variant >> 1) & 1, accumulate = variant >> 2;
            const long lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
            float *a = floats(lda * (transA ? k : m), finite_value), *b = floats(ldb * (transB ? n : k), finite_value),
                  *c = floats(ldc * m, finite_value);
            hw2_sgemm(path, transA, transB, m, n, k, a, lda, b, ldb, accumulate, c, ldc);
            h = fnv1a(h, c, (size_t)(ldc * m) * sizeof(float));
            free(a);
            free(b);
            free(c);
        }
    return h;
}

/* Rows of 37 values 41 apart: remainders for 4, 8 and 16 lanes, and gaps that must stay. */
enum { ROWS = 3, COUNT = 37, STRIDE = 41, SPAN = ROWS * STRIDE };

static uint64_t check_relu(hw2_kernel_path path) {
    state = 2;
    float *x = floats(SPAN, any_value);
    hw2_relu(path, ROWS, COUNT, STRIDE, x);
    const uint64_t h = fnv1a(FNV_BASIS, x, SPAN * sizeof(float));
    free(x);
    return h;
}

static uint64_t check_relu_mask(hw2_kernel_path path) {
    state = 3;
    float *dy = floats(SPAN, any_value), *y = floats(SPAN, any_value);
    hw2_relu_mask(path, ROWS, COUNT, STRIDE, dy, y);
    const uint64_t h = fnv1a(FNV_BASIS, dy, SPAN * sizeof(float));
    free(dy);
    free(y);
    return h;
}

/* The residual adds, into a third array and in place (y = a). */
static uint64_t check_adds(hw2_kernel_path path) {
    state = 4;
    float *a = floats(SPAN, finite_value), *b = floats(SPAN, finite_value), *y = floats(SPAN, finite_value);
    hw2_add(path, SPAN - 2, a, b, y);
    uint64_t h = fnv1a(FNV_BASIS, y, SPAN * sizeof(float));
    hw2_add_relu(path, SPAN - 5, a, b, y);
    h = fnv1a(h, y, SPAN * sizeof(float));
    hw2_add(path, SPAN, a, b, a);
    h = fnv1a(h, a, SPAN * sizeof(float));
    hw2_add_relu(path, SPAN, b, a, b);
    h = fnv1a(h, b, SPAN * sizeof(float));
    free(a);
    free(b);
    free(y);
    return h;
}

static uint64_t check_row_sums(hw2_kernel_path path) {
    state = 5;
    const long rows = 7, columns = 301;
    float *m = floats(rows * columns, finite_value), *into = floats(rows, finite_value);
    hw2_add_row_sums(path, rows, columns, m, into);
    const uint64_t h = fnv1a(FNV_BASIS, into, (size_t)rows * sizeof(float));
    free(m);
    free(into);
    return h;
}

/* Few distinct values (and -0 beside +0, a NaN, infinities), so windows tie
 * often; sizes 2 and 3, and planes whose last rows and columns no window covers. */
static float pooling_value(void) {
    static const float levels[] = {-1.0f, 0.0f, -0.0f, 0.5f, 2.0f};
    return next_random() % 6 == 0 ? any_value() : levels[next_random() % 5];
}

static uint64_t check_max_pool(hw2_kernel_path path) {
    static const long shapes[][3] = {{2, 8, 8}, {2, 9, 7}, {3, 9, 9}, {3, 7, 8}, {2, 28, 28}};
    uint64_t h = FNV_BASIS;
    state = 6;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const long planes = 3, size = shapes[s][0], height = shapes[s][1], width = shapes[s][2];
        const long outputs = planes * (height / size) * (width / size);
        float *x = floats(planes * height * width, pooling_value), *y = malloc((size_t)outputs * sizeof(float));
        int32_t *arg = malloc((size_t)outputs * sizeof(int32_t));
        hw2_max_pool(path, planes, size, height, width, x, y, arg);
        h = fnv1a(h, y, (size_t)outputs * sizeof(float));
        h = fnv1a(h, arg, (size_t)outputs * sizeof(int32_t));
        float *dy = floats(outputs, finite_value);
        hw2_max_pool_backward(path, planes, size, height, width, arg, dy, x);
        h = fnv1a(h, x, (size_t)(planes * height * width) * sizeof(float));
        free(x);
        free(y);
        free(arg);
        free(dy);
    }
    return h;
}

/* im2col, then col2im of another column matrix, for samples [1, 3) of 3:
 * kernels 3 and 5, strides 1 and 2, paddings 0 to 2. */
static uint64_t check_im2col_col2im(hw2_kernel_path path) {
    static const long shapes[][6] = {{2, 7, 6, 3, 1, 1}, {3, 9, 8, 5, 2, 2}, {1, 28, 28, 5, 1, 0}, {2, 8, 8, 3, 2, 0}};
    const long n = 3, s0 = 1, s1 = 3;
    uint64_t h = FNV_BASIS;
    state = 7;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const long *d = shapes[s];
        const long ho = (d[1] + 2 * d[5] - d[3]) / d[4] + 1, wo = (d[2] + 2 * d[5] - d[3]) / d[4] + 1;
        const hw2_conv_shape shape = {d[0], d[1], d[2], d[3], d[4], d[5], ho, wo};
        const long pixels = d[0] * n * d[1] * d[2], entries = d[0] * d[3] * d[3] * (s1 - s0) * ho * wo;
        float *x = floats(pixels, finite_value), *col = floats(entries, finite_value);
        float *padded = malloc((size_t)((d[1] + 2 * d[5]) * (d[2] + 2 * d[5])) * sizeof(float));
        hw2_col2im(path, shape, n, s0, s1, col, x, padded);
        h = fnv1a(h, x, (size_t)pixels * sizeof(float));
        hw2_im2col(path, shape, n, s0, s1, x, col, padded);
        h = fnv1a(h, col, (size_t)entries * sizeof(float));
        free(x);
        free(col);
        free(padded);
    }
    return h;
}

/* Moments and parameters at the scale Adam sees, a fifth of them subnormal
 * and a fifth zero; the coefficients of steps 1, 2 and 7 with torch's
 * defaults, over counts with remainders for 4, 8 and 16 lanes. */
static float adam_value(void) {
    switch (next_random() % 5) {
    case 0: return uniform() * 0x1p-126f;
    case 1: return 0.0f;
    default: return uniform() * 1e-3f;
    }
}

static uint64_t check_adam(hw2_kernel_path path) {
    static const hw2_adam_step steps[] = {
        {0.1f, 0.999f, 0.001f, 0.01f, 0.0316227766f, 1e-8f},
        {0.1f, 0.999f, 0.001f, 0.0052631579f, 0.0447101778f, 1e-8f},
        {0.1f, 0.999f, 0.001f, 0.0019167990f, 0.0835406187f, 1e-8f},
    };
    const long count = 1013;
    state = 8;
    float *p = floats(count, adam_value), *g = floats(count, adam_value), *m = floats(count, adam_value),
          *v = floats(count, adam_value);
    for (long i = 0; i < count; i++) v[i] = v[i] < 0 ? -v[i] : v[i];
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) hw2_adam(path, count - (long)s, &steps[s], p, g, m, v);
    uint64_t h = fnv1a(FNV_BASIS, p, (size_t)count * sizeof(float));
    h = fnv1a(h, m, (size_t)count * sizeof(float));
    h = fnv1a(h, v, (size_t)count * sizeof(float));
    free(p);
    free(g);
    free(m);
    free(v);
    return h;
}

/* exp and log of every 1021st float bit pattern (about 4.2 million, every
 * sign, exponent and class), and of every float in (-1, 1) whose pattern
 * ends in 8 zero bits. They take no path: computed once, printed under each. */
static uint64_t sweep(float (*f)(float)) {
    uint64_t h = FNV_BASIS;
    for (uint64_t u = 0; u <= 0xffffffffull; u += 1021) {
        const float y = f(from_bits((uint32_t)u));
        h = fnv1a(h, &y, sizeof y);
    }
    for (uint32_t u = 0; u < 0x3f800000u; u += 256) {
        const float y = f(from_bits(u)), z = f(-from_bits(u));
        h = fnv1a(fnv1a(h, &y, sizeof y), &z, sizeof z);
    }
    return h;
}
static uint64_t check_exp(hw2_kernel_path path) { (void)path; return sweep(hw2_expf); }
static uint64_t check_log(hw2_kernel_path path) { (void)path; return sweep(hw2_logf); }

/* The Winograd transforms of winograd.c (F(4x4, 3x3)): the filter transform
 * and its adjoint (21 filters: a block of 16 and a partial one), the input
 * transform and its adjoint, the output transform (with and without ReLU)
 * and its adjoint, for samples [1, 3) of 3, on planes whose sides are and are
 * not multiples of 4. */
static uint64_t check_winograd(hw2_kernel_path path) {
    static const long planes[][2] = {{4, 4}, {5, 7}, {8, 12}, {14, 14}, {3, 28}, {28, 9}};
    const long n = 3, s0 = 1, s1 = 3, cin = 3, cout = 7, filters = cin * cout;
    uint64_t h = FNV_BASIS;
    state = 9;
    for (size_t s = 0; s < sizeof planes / sizeof planes[0]; s++) {
        const long height = planes[s][0], width = planes[s][1];
        const long t = (s1 - s0) * ((height + 3) / 4) * ((width + 3) / 4);
        const hw2_winograd_shape shape = {cin, cout, height, width};
        float *scratch = malloc((size_t)hw2_winograd_scratch(shape, s1 - s0) * sizeof(float));

        float *weight = floats(filters * 9, finite_value), *u = malloc((size_t)(36 * filters) * sizeof(float));
        hw2_winograd_filters(path, shape, weight, u);
        h = fnv1a(h, u, (size_t)(36 * filters) * sizeof(float));
        float *du = floats(36 * filters, finite_value);
        hw2_winograd_filter_gradient(path, shape, du, weight);
        h = fnv1a(h, weight, (size_t)(filters * 9) * sizeof(float));

        const long pixels = cin * n * height * width;
        float *x = floats(pixels, finite_value), *v = malloc((size_t)(36 * cin * t) * sizeof(float));
        hw2_winograd_input(path, shape, n, s0, s1, 0, shape.cin, x, v, scratch);
        h = fnv1a(h, v, (size_t)(36 * cin * t) * sizeof(float));
        float *dv = floats(36 * cin * t, finite_value);
        hw2_winograd_input_gradient(path, shape, n, s0, s1, 0, shape.cin, dv, x, scratch);
        h = fnv1a(h, x, (size_t)pixels * sizeof(float));

        const long outputs = cout * n * height * width;
        float *m = floats(36 * cout * t, finite_value), *bias = floats(cout, finite_value),
              *y = floats(outputs, finite_value), *dm = malloc((size_t)(36 * cout * t) * sizeof(float));
        for (int relu = 0; relu <= 1; relu++) {
            hw2_winograd_output(path, shape, n, s0, s1, 0, shape.cout, m, bias, relu, y, scratch);
            h = fnv1a(h, y, (size_t)outputs * sizeof(float));
        }
        hw2_winograd_output_gradient(path, shape, n, s0, s1, 0, shape.cout, y, dm, scratch);
        h = fnv1a(h, dm, (size_t)(36 * cout * t) * sizeof(float));

        free(scratch);
        free(weight);
        free(u);
        free(du);
        free(x);
        free(v);
        free(dv);
        free(m);
        free(bias);
        free(y);
        free(dm);
    }
    return h;
}

static const struct {
    const char *name;
    uint64_t (*check)(hw2_kernel_path);
    int per_path;
} kernels[] = {
    {"sgemm", check_gemm, 1},
    {"relu", check_relu, 1},
    {"relu_mask", check_relu_mask, 1},
    {"add,add_relu", check_adds, 1},
    {"add_row_sums", check_row_sums, 1},
    {"max_pool(+backward)", check_max_pool, 1},
    {"im2col,col2im", check_im2col_col2im, 1},
    {"adam", check_adam, 1},
    {"winograd_transforms", check_winograd, 1},
    {"expf", check_exp, 0},
    {"logf", check_log, 0},
};

static const struct {
    hw2_kernel_path path;
    const char *name;
} paths[] = {{HW2_KERNEL_PORTABLE, "portable"}, {HW2_KERNEL_AVX2, "avx2"}, {HW2_KERNEL_AVX512, "avx512"}, {HW2_KERNEL_NEON, "neon"}};

int main(void) {
    for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
        uint64_t once = 0;
        if (!kernels[k].per_path) once = kernels[k].check(HW2_KERNEL_PORTABLE);
        for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++)
            if (hw2_kernel_supported(paths[p].path))
                printf("%s %s %016llx\n", kernels[k].name, paths[p].name,
                       (unsigned long long)(kernels[k].per_path ? kernels[k].check(paths[p].path) : once));
    }
    return 0;
}
