import Foundation
import Kernels

/// Which implementation of the kernels (Sources/Kernels) runs the matrix
/// products. Every path keeps the one summation contract of Kernels.h, so the
/// path decides the speed and never a bit of a result.
public enum KernelPath: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case portable, avx2, avx512, neon

    /// Forces a path: `HW2_KERNEL=portable|avx2|avx512|neon`.
    public static let environmentVariable = "HW2_KERNEL"

    /// The version of the summation contract. It is part of every run id, so a
    /// run made under another contract is never reused as if it were this one's.
    public static let contractVersion = Int(HW2_KERNEL_CONTRACT)

    /// Whether this CPU can run the path.
    public var isSupported: Bool { hw2_kernel_supported(cValue) != 0 }

    /// The paths built for this architecture, slowest first; the CPU may lack
    /// some of them (AVX-512 on most x86-64 CPUs). Advanced SIMD is part of
    /// every AArch64 CPU, so there neon always runs.
    public static let native: [KernelPath] = {
        #if arch(x86_64)
        [.portable, .avx2, .avx512]
        #elseif arch(arm64)
        [.portable, .neon]
        #else
        [.portable]
        #endif
    }()

    /// The fastest path this CPU runs.
    public static let fastest: KernelPath = native.last { $0.isSupported } ?? .portable

    /// The path `HW2_KERNEL` names, or the fastest one when it is unset or empty.
    public static func selected(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelPath {
        guard let name = environment[environmentVariable], !name.isEmpty else { return fastest }
        guard let path = KernelPath(rawValue: name) else { throw KernelError.unknown(name) }
        guard path.isSupported else { throw KernelError.unsupported(path) }
        return path
    }

    public var description: String {
        switch self {
        case .portable: "portable (scalar fmaf)"
        case .avx2: "avx2 (AVX2 and FMA)"
        case .avx512: "avx512 (AVX-512F)"
        case .neon: "neon (AArch64 Advanced SIMD)"
        }
    }

    var cValue: hw2_kernel_path {
        switch self {
        case .portable: HW2_KERNEL_PORTABLE
        case .avx2: HW2_KERNEL_AVX2
        case .avx512: HW2_KERNEL_AVX512
        case .neon: HW2_KERNEL_NEON
        }
    }
}

public enum KernelError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case unsupported(KernelPath)

    public var description: String {
        let names = KernelPath.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case let .unknown(name):
            return "\(KernelPath.environmentVariable)=\(name) names no kernel path; expected one of \(names) (or unset for the fastest this CPU runs)"
        case let .unsupported(path):
            let usable = KernelPath.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")
            return "\(KernelPath.environmentVariable)=\(path.rawValue): this CPU cannot run that path; it runs \(usable)"
        }
    }
}

/// The engine's one door to the matrix products:
/// C [m, n] = or += op(A) [m, k] x op(B) [k, n], row-major, each element one
/// fma chain over k in increasing order (Kernels.h). Leading dimensions
/// default to dense matrices; pass them to work on a block inside a wider one.
/// With a team of more than one thread, a product large enough to pay for it
/// is split into blocks of C's columns (or rows, when it has more rows), one
/// per member: a block is a product of its own with the same k, so every
/// element is the same chain.
struct GEMM: Sendable {
    let path: KernelPath
    var team: Team = .alone

    /// The same products on the calling thread only, for work a team already splits.
    var alone: GEMM { GEMM(path: path) }

    /// Multiply-adds below which a product runs on one thread (a split costs a few microseconds).
    static let splitWork = 1 << 16
    /// Columns (rows) per block of a split, so that most blocks are whole register tiles of the common shapes (16 or
    /// 32 wide, 6 or 12 high); any block gives the same bits.
    static let columnBlock = 32, rowBlock = 12

    func callAsFunction(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                        a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>, ldb: Int? = nil,
                        accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
        guard team.size > 1, m * n * k >= Self.splitWork else {
            hw2_sgemm(path.cValue, transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc)
            return
        }
        let path = path.cValue
        if n >= m {
            // C[:, j0..<j1] = op(A) x op(B)[:, j0..<j1]
            let block = Self.columnBlock
            team.split((n + block - 1) / block) { _, blocks in
                let j0 = blocks.lowerBound * block, j1 = min(n, blocks.upperBound * block)
                hw2_sgemm(path, transA ? 1 : 0, transB ? 1 : 0, m, j1 - j0, k, a, lda, b + (transB ? j0 * ldb : j0), ldb,
                          accumulate ? 1 : 0, c + j0, ldc)
            }
        } else {
            // C[i0..<i1, :] = op(A)[i0..<i1, :] x op(B)
            let block = Self.rowBlock
            team.split((m + block - 1) / block) { _, blocks in
                let i0 = blocks.lowerBound * block, i1 = min(m, blocks.upperBound * block)
                hw2_sgemm(path, transA ? 1 : 0, transB ? 1 : 0, i1 - i0, n, k, a + (transA ? i0 : i0 * lda), lda, b, ldb,
                          accumulate ? 1 : 0, c + i0 * ldc, ldc)
            }
        }
    }
}

/// e^x and ln x of Kernels.h: IEEE arithmetic only, the same bits everywhere.
@inline(__always) func exponential(_ x: Float) -> Float { hw2_expf(x) }
@inline(__always) func logarithm(_ x: Float) -> Float { hw2_logf(x) }
