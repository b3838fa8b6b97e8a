/* The machine's multiply-add peak, measured for `report bench` (never used in
 * training): independent FMA chains on the path's widest vectors, more chains
 * than the FMA units' latency times their count, so the loop runs at the rate
 * the units sustain. A measured peak includes the clock the core really runs
 * at, which no CPU description states. */
#include "Kernels.h"
#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* Written by every loop so the compiler keeps the chains. */
static volatile float hw2_peak_sink;

enum { CHAINS = 12 };

/* a = a * x + y stays near y / (1 - x): no overflow, no subnormal. */
static const float X = 0.999f, Y = 0.001f;

static double peak_portable(long iterations) {
    float a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = (float)j;
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < CHAINS; j++) a[j] = fmaf(a[j], X, Y);
    float sum = 0;
    for (int j = 0; j < CHAINS; j++) sum += a[j];
    hw2_peak_sink = sum;
    return 2.0 * CHAINS * (double)iterations;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static double peak_avx2(long iterations) {
    __m256 a[CHAINS];
    const __m256 x = _mm256_set1_ps(X), y = _mm256_set1_ps(Y);
    for (int j = 0; j < CHAINS; j++) a[j] = _mm256_set1_ps((float)j);
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < CHAINS; j++) a[j] = _mm256_fmadd_ps(a[j], x, y);
    __m256 sum = a[0];
    for (int j = 1; j < CHAINS; j++) sum = _mm256_add_ps(sum, a[j]);
    hw2_peak_sink = _mm256_cvtss_f32(sum);
    return 2.0 * 8 * CHAINS * (double)iterations;
}

__attribute__((target("avx512f"))) static double peak_avx512(long iterations) {
    __m512 a[CHAINS];
    const __m512 x = _mm512_set1_ps(X), y = _mm512_set1_ps(Y);
    for (int j = 0; j < CHAINS; j++) a[j] = _mm512_set1_ps((float)j);
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < CHAINS; j++) a[j] = _mm512_fmadd_ps(a[j], x, y);
    __m512 sum = a[0];
    for (int j = 1; j < CHAINS; j++) sum = _mm512_add_ps(sum, a[j]);
    hw2_peak_sink = _mm512_reduce_add_ps(sum);
    return 2.0 * 16 * CHAINS * (double)iterations;
}
#elif defined(__aarch64__)
static double peak_neon(long iterations) {
    float32x4_t a[CHAINS];
    const float32x4_t x = vdupq_n_f32(X), y = vdupq_n_f32(Y);
    for (int j = 0; j < CHAINS; j++) a[j] = vdupq_n_f32((float)j);
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < CHAINS; j++) a[j] = vfmaq_f32(y, a[j], x);
    float32x4_t sum = a[0];
    for (int j = 1; j < CHAINS; j++) sum = vaddq_f32(sum, a[j]);
    hw2_peak_sink = vaddvq_f32(sum);
    return 2.0 * 4 * CHAINS * (double)iterations;
}
#endif

double hw2_fma_peak_loop(hw2_kernel_path path, long iterations) {
    if (!hw2_kernel_supported(path)) path = HW2_KERNEL_PORTABLE;
    switch (path) {
#if defined(__x86_64__)
    case HW2_KERNEL_AVX2: return peak_avx2(iterations);
    case HW2_KERNEL_AVX512: return peak_avx512(iterations);
#elif defined(__aarch64__)
    case HW2_KERNEL_NEON: return peak_neon(iterations);
#endif
    default: return peak_portable(iterations);
    }
}
