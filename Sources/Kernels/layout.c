/* im2col and its adjoint col2im for a k x k convolution over activations
 * [cin, n, h, w], one chunk of samples [s0, s1) at a time. im2col only moves
 * values; col2im adds each column entry back to its pixel, in (ki, kj, oy,
 * ox) order, starting from +0 for every pixel, the same on every path. */
#include "paths.h"

/* Copies plane [h, w] into the inside of padded [h + 2p, w + 2p]; the border
 * is left alone (zeroed once by the caller, never written here). */
HW2_INLINE void pad_plane(const float *plane, long h, long w, long p, float *padded) {
    const long wp = w + 2 * p;
    for (long y = 0; y < h; y++) memcpy(padded + (y + p) * wp + p, plane + y * w, (size_t)w * sizeof(float));
}

HW2_INLINE void im2col_body(const hw2_conv_shape *c, long n, long s0, long s1, const float *x, float *col, float *padded) {
    const long wp = c->w + 2 * c->padding, hp = c->h + 2 * c->padding, k = c->kernel, stride = c->stride;
    const long per = c->ho * c->wo, columns = (s1 - s0) * per;
    memset(padded, 0, (size_t)(hp * wp) * sizeof(float));
    for (long ch = 0; ch < c->cin; ch++)
        for (long s = s0; s < s1; s++) {
            pad_plane(x + (ch * n + s) * c->h * c->w, c->h, c->w, c->padding, padded);
            for (long ki = 0; ki < k; ki++)
                for (long kj = 0; kj < k; kj++) {
                    float *block = col + ((ch * k + ki) * k + kj) * columns + (s - s0) * per;
                    for (long oy = 0; oy < c->ho; oy++) {
                        const float *src = padded + (oy * stride + ki) * wp + kj;
                        float *dst = block + oy * c->wo;
                        if (stride == 1)
                            memcpy(dst, src, (size_t)c->wo * sizeof(float));
                        else
                            for (long ox = 0; ox < c->wo; ox++) dst[ox] = src[ox * stride];
                    }
                }
        }
}
HW2_PATH_VARIANTS(im2col, (const hw2_conv_shape *c, long n, long s0, long s1, const float *x, float *col, float *padded),
                  (c, n, s0, s1, x, col, padded))

void hw2_im2col(hw2_kernel_path path, hw2_conv_shape shape, long n, long s0, long s1, const float *x, float *col,
                float *padded) {
    im2col_paths[hw2_path_index(path)](&shape, n, s0, s1, x, col, padded);
}

HW2_INLINE void col2im_body(const hw2_conv_shape *c, long n, long s0, long s1, const float *col, float *x, float *padded) {
    const long wp = c->w + 2 * c->padding, hp = c->h + 2 * c->padding, k = c->kernel, stride = c->stride;
    const long per = c->ho * c->wo, columns = (s1 - s0) * per;
    for (long ch = 0; ch < c->cin; ch++)
        for (long s = s0; s < s1; s++) {
            memset(padded, 0, (size_t)(hp * wp) * sizeof(float));
            for (long ki = 0; ki < k; ki++)
                for (long kj = 0; kj < k; kj++) {
                    const float *block = col + ((ch * k + ki) * k + kj) * columns + (s - s0) * per;
                    for (long oy = 0; oy < c->ho; oy++) {
                        const float *src = block + oy * c->wo;
                        float *dst = padded + (oy * stride + ki) * wp + kj;
                        if (stride == 1)
                            for (long ox = 0; ox < c->wo; ox++) dst[ox] = dst[ox] + src[ox];
                        else
                            for (long ox = 0; ox < c->wo; ox++) dst[ox * stride] = dst[ox * stride] + src[ox];
                    }
                }
            float *plane = x + (ch * n + s) * c->h * c->w;
            for (long y = 0; y < c->h; y++)
                memcpy(plane + y * c->w, padded + (y + c->padding) * wp + c->padding, (size_t)c->w * sizeof(float));
        }
}
HW2_PATH_VARIANTS(col2im, (const hw2_conv_shape *c, long n, long s0, long s1, const float *col, float *x, float *padded),
                  (c, n, s0, s1, col, x, padded))

void hw2_col2im(hw2_kernel_path path, hw2_conv_shape shape, long n, long s0, long s1, const float *col, float *x,
                float *padded) {
    col2im_paths[hw2_path_index(path)](&shape, n, s0, s1, col, x, padded);
}
