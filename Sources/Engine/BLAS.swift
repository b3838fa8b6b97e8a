import CBLAS

/// The one door to OpenBLAS. The engine parallelises over batch shards itself,
/// so BLAS always runs single-threaded inside each worker: that keeps every
/// sum in a fixed order whatever the number of workers.
public enum BLAS {
    public static let threads = 1

    public static func pinThreads() {
        openblas_set_num_threads(Int32(threads))
    }

    /// The kernel family OpenBLAS picked for this CPU (e.g. "SkylakeX"); part of
    /// a run's environment, because another core may round differently.
    public static var coreName: String {
        String(cString: openblas_get_corename())
    }

    /// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) [m, k], op(B) [k, n].
    /// Leading dimensions default to a dense matrix; pass them to work on a
    /// block of columns inside a wider matrix.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>, ldb: Int? = nil,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha,
                    a, blasint(lda ?? (transA ? m : k)), b, blasint(ldb ?? (transB ? k : n)), beta, c, blasint(ldc ?? n))
    }
}
