/* The machine's OpenBLAS SGEMM speed on a large square product, the yardstick
 * for the engine's GFLOP/s (bench/README.md); needs libopenblas-dev, which
 * nothing else needs. Build and run:
 *   cc -O2 bench/sgemm_peak.c $(pkg-config --cflags --libs openblas) -o /tmp/sgemm_peak
 *   /tmp/sgemm_peak 1 && /tmp/sgemm_peak 2
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1) {
        fprintf(stderr, "usage: %s [threads >= 1]\n", argv[0]);
        return 2;
    }
    openblas_set_num_threads(threads);
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) return 1;
    for (long i = 0; i < (long)n * n; i++) a[i] = b[i] = (float)(i % 1000) / 1000.0f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);  /* warm-up */
    double best = 1e9;
    for (int r = 0; r < 10; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("sgemm %dx%d, %d thread(s), core %s: best of 10 %.1f ms, %.1f GFLOP/s\n",
           n, n, threads, openblas_get_corename(), best * 1e3, 2.0 * n * n * n / best / 1e9);
    free(a); free(b); free(c);
    return 0;
}
