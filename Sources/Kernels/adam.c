/* Adam's update, element by element, as torch.optim.Adam's single-tensor path
 * computes it (see Sources/Engine/Adam.swift):
 *   m += c1 (g - m);   v = v b2 + c2 (g g);   p -= s (m / (sqrt(v) / r + eps))
 * Every step is one IEEE operation (no fused multiply-add), so the vector
 * paths give the bits of the scalar loop. They are faster mostly because a
 * subnormal moment costs a slow microcode assist per instruction, and one
 * vector instruction covers 8 or 16 elements. */
#include "Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void adam_scalar(long count, const hw2_adam_step *k, float *p, const float *g, float *m, float *v) {
    for (long i = 0; i < count; i++) {
        const float gi = g[i];
        m[i] = m[i] + k->one_minus_beta1 * (gi - m[i]);
        v[i] = v[i] * k->beta2 + k->one_minus_beta2 * (gi * gi);
        const float denominator = __builtin_sqrtf(v[i]) / k->bias2_sqrt + k->epsilon;
        p[i] = p[i] - k->step_size * (m[i] / denominator);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void adam_avx2(long count, const hw2_adam_step *k, float *p, const float *g, float *m, float *v) {
    const __m256 c1 = _mm256_set1_ps(k->one_minus_beta1), b2 = _mm256_set1_ps(k->beta2),
                 c2 = _mm256_set1_ps(k->one_minus_beta2), r = _mm256_set1_ps(k->bias2_sqrt),
                 eps = _mm256_set1_ps(k->epsilon), s = _mm256_set1_ps(k->step_size);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
        mi = _mm256_add_ps(mi, _mm256_mul_ps(c1, _mm256_sub_ps(gi, mi)));
        vi = _mm256_add_ps(_mm256_mul_ps(vi, b2), _mm256_mul_ps(c2, _mm256_mul_ps(gi, gi)));
        const __m256 denominator = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), r), eps);
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(s, _mm256_div_ps(mi, denominator))));
    }
    adam_scalar(count - i, k, p + i, g + i, m + i, v + i);
}

__attribute__((target("avx512f")))
static void adam_avx512(long count, const hw2_adam_step *k, float *p, const float *g, float *m, float *v) {
    const __m512 c1 = _mm512_set1_ps(k->one_minus_beta1), b2 = _mm512_set1_ps(k->beta2),
                 c2 = _mm512_set1_ps(k->one_minus_beta2), r = _mm512_set1_ps(k->bias2_sqrt),
                 eps = _mm512_set1_ps(k->epsilon), s = _mm512_set1_ps(k->step_size);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512 gi = _mm512_loadu_ps(g + i);
        __m512 mi = _mm512_loadu_ps(m + i), vi = _mm512_loadu_ps(v + i);
        mi = _mm512_add_ps(mi, _mm512_mul_ps(c1, _mm512_sub_ps(gi, mi)));
        vi = _mm512_add_ps(_mm512_mul_ps(vi, b2), _mm512_mul_ps(c2, _mm512_mul_ps(gi, gi)));
        const __m512 denominator = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), r), eps);
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        _mm512_storeu_ps(p + i, _mm512_sub_ps(_mm512_loadu_ps(p + i), _mm512_mul_ps(s, _mm512_div_ps(mi, denominator))));
    }
    adam_scalar(count - i, k, p + i, g + i, m + i, v + i);
}
#endif

void hw2_adam(hw2_kernel_path path, long count, const hw2_adam_step *step,
              float *params, const float *grads, float *m, float *v) {
#if defined(__x86_64__)
    if (path == HW2_KERNEL_AVX512 && hw2_kernel_supported(path)) {
        adam_avx512(count, step, params, grads, m, v);
        return;
    }
    if (path == HW2_KERNEL_AVX2 && hw2_kernel_supported(path)) {
        adam_avx2(count, step, params, grads, m, v);
        return;
    }
#endif
    adam_scalar(count, step, params, grads, m, v);
}
