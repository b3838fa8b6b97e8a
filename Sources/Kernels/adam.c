/* Adam's update, element by element, as torch.optim.Adam's single-tensor path
 * computes it (see Sources/Engine/Adam.swift):
 *   m += c1 (g - m);   v = v b2 + c2 (g g);   p -= s (m / (sqrt(v) / r + eps))
 * Every step is one IEEE operation (no fused multiply-add), written once and
 * compiled per path (paths.h), so the vector paths give the bits of the
 * scalar loop. They are faster mostly because a subnormal moment costs a slow
 * microcode assist per instruction on x86, and one vector instruction covers
 * 4, 8 or 16 elements. */
#include "paths.h"

HW2_INLINE void adam_body(long count, const hw2_adam_step *k, float *restrict p, const float *restrict g,
                          float *restrict m, float *restrict v) {
    const float c1 = k->one_minus_beta1, b2 = k->beta2, c2 = k->one_minus_beta2, r = k->bias2_sqrt,
                eps = k->epsilon, s = k->step_size;
    for (long i = 0; i < count; i++) {
        const float gi = g[i];
        const float mi = m[i] + c1 * (gi - m[i]);
        const float vi = v[i] * b2 + c2 * (gi * gi);
        const float denominator = __builtin_sqrtf(vi) / r + eps;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - s * (mi / denominator);
    }
}
HW2_PATH_VARIANTS(adam, (long count, const hw2_adam_step *k, float *p, const float *g, float *m, float *v),
                  (count, k, p, g, m, v))

void hw2_adam(hw2_kernel_path path, long count, const hw2_adam_step *step,
              float *params, const float *grads, float *m, float *v) {
    adam_paths[hw2_path_index(path)](count, step, params, grads, m, v);
}
