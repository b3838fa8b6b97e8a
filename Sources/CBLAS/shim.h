// OpenBLAS's cblas.h also declares openblas_set_num_threads and
// openblas_get_corename, which the engine uses to pin and record the BLAS setup.
#include <cblas.h>
