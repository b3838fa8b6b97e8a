/* e^x and ln x for the loss, from IEEE double operations only (+, -, *, /,
 * exact conversions and bit manipulation), so they give the same bits on every
 * CPU and C library. The float argument is widened to double, the result is
 * computed with a relative error below 1e-12 and rounded once to float: the
 * result is within 0.5 ulp + 1e-12 relative of the true value (correctly
 * rounded except when the true value lies within 1e-12 of a midpoint). */
#include <stdint.h>
#include <string.h>
#include "Kernels.h"

static double bits_to_double(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
static uint64_t double_to_bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

static const double LN2_HI = 0x1.62e42fefa3800p-1; /* ln 2, first 43 bits: k * LN2_HI is exact */
static const double LN2_LO = 0x1.ef35793c76730p-45; /* ln 2 - LN2_HI */

/* e^x = 2^k e^r with k = round(x / ln 2), |r| <= ln2 / 2 (plus rounding);
 * e^r by its Taylor series to r^11/11! (remainder below 1e-13 relative),
 * evaluated by Horner's rule. */
float hw2_expf(float x) {
    if (x != x) return x;
    if (x > 88.8f) return (float)bits_to_double(0x7ff0000000000000ull); /* overflows float */
    if (x < -104.0f) return 0.0f;                                         /* below half the least subnormal */
    const double xd = x;
    const double t = xd * 1.4426950408889634; /* x / ln 2 */
    const long k = (long)(t < 0 ? t - 0.5 : t + 0.5);
    const double r = (xd - (double)k * LN2_HI) - (double)k * LN2_LO;
    double p = 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* 2^k for k in [-150, 128] is a normal double. */
    return (float)(p * bits_to_double((uint64_t)(k + 1023) << 52));
}

/* ln x = e ln 2 + ln m with x = m 2^e, m in [sqrt(1/2), sqrt(2)); ln m =
 * 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1), |s| <= 0.172,
 * summed to s^21/21 (remainder below 1e-17 relative). */
float hw2_logf(float x) {
    if (x != x || x < 0.0f) return (float)bits_to_double(0x7ff8000000000000ull);
    if (x == 0.0f) return -(float)bits_to_double(0x7ff0000000000000ull);
    if (x == (float)bits_to_double(0x7ff0000000000000ull)) return x;
    const uint64_t u = double_to_bits((double)x); /* subnormal floats are normal doubles */
    long e = (long)((u >> 52) & 0x7ff) - 1023;
    double m = bits_to_double((u & 0x000fffffffffffffull) | 0x3ff0000000000000ull); /* [1, 2) */
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e += 1;
    }
    const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double q = 1.0 / 21.0;
    q = q * s2 + 1.0 / 19.0;
    q = q * s2 + 1.0 / 17.0;
    q = q * s2 + 1.0 / 15.0;
    q = q * s2 + 1.0 / 13.0;
    q = q * s2 + 1.0 / 11.0;
    q = q * s2 + 1.0 / 9.0;
    q = q * s2 + 1.0 / 7.0;
    q = q * s2 + 1.0 / 5.0;
    q = q * s2 + 1.0 / 3.0;
    q = q * s2 + 1.0;
    return (float)(((double)e * LN2_HI + 2.0 * s * q) + (double)e * LN2_LO);
}
