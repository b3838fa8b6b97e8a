#ifndef HW2_PATHS_H
#define HW2_PATHS_H

/* The element-wise and fixed-graph kernels are written once, as plain C loops
 * over independent elements (a `static inline` body), and compiled once per
 * path: on x86-64 for the baseline ISA, for AVX2 and for AVX-512; on AArch64
 * once, since Advanced SIMD is part of its baseline and that one compilation
 * is both the portable and the neon path. The compiler widens the loops to
 * the path's vectors (a few passes use four-float vectors of their own,
 * winograd.c); it may not contract a * b + c (-ffp-contract=off) or
 * reassociate (no fast-math), so every element goes through the same IEEE
 * operations on every path and only the number of elements side by side
 * changes. */
#include <string.h>
#include "Kernels.h"

#define HW2_INLINE static inline __attribute__((always_inline))

/* The path to run: the one asked for when this CPU runs it, else portable
 * (the same bits, slower). */
static inline int hw2_path_index(hw2_kernel_path path) {
    return hw2_kernel_supported(path) ? (int)path : (int)HW2_KERNEL_PORTABLE;
}

#if defined(__x86_64__)
/* name##_body(args) compiled three times; name##_paths[path] runs it (the
 * neon entry, which no x86 CPU runs, is the portable one). */
#define HW2_PATH_VARIANTS(name, params, args)                                                  \
    static void name##_portable params { name##_body args; }                                  \
    __attribute__((target("avx2,fma"))) static void name##_avx2 params { name##_body args; } \
    __attribute__((target("avx512f,avx2,fma"), min_vector_width(512))) static void name##_avx512 params { \
        name##_body args;                                                                      \
    }                                                                                          \
    static void (*const name##_paths[HW2_PATH_COUNT]) params = {name##_portable, name##_avx2, name##_avx512, \
                                                                 name##_portable};
#else
/* name##_body(args) compiled once, for the baseline ISA (with Advanced SIMD on
 * AArch64); every path runs it. */
#define HW2_PATH_VARIANTS(name, params, args)                 \
    static void name##_portable params { name##_body args; } \
    static void (*const name##_paths[HW2_PATH_COUNT]) params = {name##_portable, name##_portable, name##_portable, \
                                                                 name##_portable};
#endif

#endif
