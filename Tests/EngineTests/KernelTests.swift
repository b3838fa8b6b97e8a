import Foundation
import Kernels
import Testing
@testable import Engine

/// The summation contract of Kernels.h, held path against path: every kernel
/// path this CPU runs must give, bit for bit, what a plain loop of fused
/// multiply-adds in increasing k gives. Paths the CPU lacks are skipped (and
/// named in the test output by `KernelPath.allCases` minus the supported ones).
@Suite("Kernels: one summation contract on every path")
struct KernelTests {
    static let paths = KernelPath.allCases.filter(\.isSupported)

    struct Product: CustomStringConvertible {
        var transA, transB, accumulate: Bool
        var m, n, k: Int
        /// Extra floats at the end of each row of A, B and C (a block inside a wider matrix).
        var padding: Int

        var description: String {
            "\(transA ? "T" : "N")\(transB ? "T" : "N") m\(m) n\(n) k\(k)\(accumulate ? " +=" : "") pad\(padding)"
        }
    }

    /// Shapes with remainders in every dimension for every tile shape (4x16,
    /// 6x16, 4x24, 12x8, 8x32, 16x16), k past one block of 256, all four
    /// transpositions, with and without accumulation, dense and strided.
    static let products: [Product] = {
        var products: [Product] = []
        let shapes = [(1, 1, 1), (5, 7, 3), (13, 33, 9), (17, 9, 257), (25, 64, 70), (64, 196, 32), (33, 17, 600), (7, 100, 25), (32, 48, 40),
                      (70, 40, 30)]
        for (index, (m, n, k)) in shapes.enumerated() {
            for transA in [false, true] {
                for transB in [false, true] {
                    products.append(Product(transA: transA, transB: transB, accumulate: (index + (transA ? 1 : 0)) % 2 == 0,
                                            m: m, n: n, k: k, padding: (index + (transB ? 1 : 0)) % 3))
                }
            }
        }
        return products
    }()

    /// Values with many significant bits, so any change of order changes the result.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = SeededGenerator(seed: seed, stream: "kernel-test")
        return (0..<count).map { _ in 2 * random.nextUnitFloat() - 1 }
    }

    @Test("each path equals a plain fma loop in increasing k, bit for bit", arguments: products)
    func contract(_ p: Product) {
        let lda = (p.transA ? p.m : p.k) + p.padding, ldb = (p.transB ? p.k : p.n) + p.padding, ldc = p.n + p.padding
        let a = Self.values(lda * (p.transA ? p.k : p.m), seed: 1)
        let b = Self.values(ldb * (p.transB ? p.n : p.k), seed: 2)
        let c0 = Self.values(ldc * p.m, seed: 3)
        var expected = c0
        for i in 0..<p.m {
            for j in 0..<p.n {
                var sum: Float = p.accumulate ? c0[i * ldc + j] : 0
                for q in 0..<p.k {
                    let x = p.transA ? a[q * lda + i] : a[i * lda + q], y = p.transB ? b[j * ldb + q] : b[q * ldb + j]
                    sum = sum.addingProduct(x, y)
                }
                expected[i * ldc + j] = sum
            }
        }
        for path in Self.paths {
            // A team of 2 or 3 splits the products past GEMM.splitWork by columns (n >= m) or rows.
            for team in [1, 2, 3] {
                var c = c0
                c.withUnsafeMutableBufferPointer { c in
                    GEMM(path: path, team: Team(size: team))(transA: p.transA, transB: p.transB, m: p.m, n: p.n, k: p.k, a: a, lda: lda,
                                                             b: b, ldb: ldb, accumulate: p.accumulate, c: c.baseAddress!, ldc: ldc)
                }
                #expect(firstBitDifference(c, expected) == nil, "\(path.rawValue), team of \(team): \(p)")
            }
        }
    }

    @Test("one training step of each homework model: the same gradients and parameters on every path and thread count (past four, teams of threads share a shard)",
          arguments: ModelSpec.declared)
    func trainingStep(_ spec: ModelSpec) throws {
        let batch = 6
        var images = Self.values(batch * spec.input.count, seed: 4)
        let labels = (0..<batch).map { UInt8($0 % 10) }
        var results: [(String, [Float], [Float])] = []
        for path in Self.paths {
            for threads in path == .fastest ? [1, 2, 3, 4, 5, 8] : [1, 2] {
                let network = try Network(spec: spec, seed: 5, threads: threads, kernel: path)
                let gradients = images.withUnsafeMutableBufferPointer { x in
                    labels.withUnsafeBufferPointer { y in
                        network.computeGradients(images: x.baseAddress!, labels: y.baseAddress!, batch: batch)
                        network.applyAdam()
                        return network.gradients
                    }
                }
                results.append(("\(path.rawValue), \(threads) thread(s)", gradients, network.parameters))
            }
        }
        let (reference, gradients, parameters) = results[0]
        for (name, g, p) in results.dropFirst() {
            #expect(firstBitDifference(g, gradients) == nil, "gradients of \(spec.id): \(name) differs from \(reference)")
            #expect(firstBitDifference(p, parameters) == nil, "parameters of \(spec.id): \(name) differs from \(reference)")
        }
    }

    @Test("Adam's update: every path gives the bits of the plain formula, subnormal moments included")
    func adamPaths() {
        let count = 1000 + 13
        var random = SeededGenerator(seed: 9, stream: "adam-test")
        func value(_ i: Int) -> Float {
            let x = 2 * random.nextUnitFloat() - 1
            switch i % 5 {
            case 0: return x * Float.leastNormalMagnitude     // subnormal
            case 1: return 0
            default: return x * 1e-3
            }
        }
        let params = (0..<count).map(value), grads = (0..<count).map(value), m0 = (0..<count).map(value)
        let v0 = (0..<count).map { abs(value($0)) }
        let k = Adam(config: AdamConfig()).coefficients(step: 7)
        var (expectedP, expectedM, expectedV) = (params, m0, v0)
        for i in 0..<count {
            let g = grads[i]
            expectedM[i] = expectedM[i] + k.one_minus_beta1 * (g - expectedM[i])
            expectedV[i] = expectedV[i] * k.beta2 + k.one_minus_beta2 * (g * g)
            let denominator = expectedV[i].squareRoot() / k.bias2_sqrt + k.epsilon
            expectedP[i] = expectedP[i] - k.step_size * (expectedM[i] / denominator)
        }
        for path in Self.paths {
            var (p, m, v) = (params, m0, v0)
            p.withUnsafeMutableBufferPointer { p in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        // Two ranges, as two workers would split them.
                        for range in [0..<500, 500..<count] {
                            Adam.update(range, k, path: path, params: p.baseAddress!, grads: grads, m: m.baseAddress!, v: v.baseAddress!)
                        }
                    }
                }
            }
            #expect(firstBitDifference(p, expectedP) == nil, "\(path.rawValue): parameters")
            #expect(firstBitDifference(m, expectedM) == nil, "\(path.rawValue): first moments")
            #expect(firstBitDifference(v, expectedV) == nil, "\(path.rawValue): second moments")
        }
    }

    /// Distance in units in the last place between two finite floats of one sign.
    static func ulps(_ a: Float, _ b: Float) -> Int { abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern))) }

    /// Compares `ours` with the correctly rounded result (from the C library's
    /// double-precision function, whose error is far below a float ulp) on
    /// every 199th float bit pattern of `bits`, several million inputs.
    static func sweep(_ bits: ClosedRange<UInt32>, _ ours: (Float) -> Float, _ reference: (Double) -> Double)
        -> (worstUlps: Int, differing: Int, worstInput: Float) {
        var (worst, differing, worstInput) = (0, 0, Float.nan)
        var pattern = bits.lowerBound
        while pattern <= bits.upperBound {
            let x = Float(bitPattern: pattern)
            let distance = ulps(ours(x), Float(reference(Double(x))))
            if distance > 0 { differing += 1 }
            if distance > worst { (worst, worstInput) = (distance, x) }
            let (next, overflow) = pattern.addingReportingOverflow(199)
            if overflow { break }
            pattern = next
        }
        return (worst, differing, worstInput)
    }

    @Test("exp: within 1 ulp of the correctly rounded value on a dense sweep of [-104, 89], exact at the edges")
    func exponent() {
        // Negative floats order their bit patterns by magnitude: -0 ... -104, then 0 ... 89.
        for range in [(-Float(0)).bitPattern...Float(-104).bitPattern, Float(0).bitPattern...Float(89).bitPattern] {
            let result = Self.sweep(range, exponential, Foundation.exp)
            #expect(result.worstUlps <= 1, "exp(\(result.worstInput)) is \(result.worstUlps) ulps off")
            #expect(result.differing <= 2, "\(result.differing) results are not the correctly rounded one")
        }
        #expect(exponential(0) == 1 && exponential(-200) == 0 && exponential(100) == .infinity && exponential(.nan).isNaN)
        #expect(exponential(-.infinity) == 0 && exponential(.infinity) == .infinity)
    }

    @Test("log: within 1 ulp of the correctly rounded value on a dense sweep of all positive floats")
    func logarithmSweep() {
        let result = Self.sweep(1...(Float.infinity.bitPattern - 1), logarithm, Foundation.log)
        #expect(result.worstUlps <= 1, "log(\(result.worstInput)) is \(result.worstUlps) ulps off")
        #expect(result.differing <= 2, "\(result.differing) results are not the correctly rounded one")
        #expect(logarithm(1) == 0 && logarithm(0) == -.infinity && logarithm(-1).isNaN && logarithm(.infinity) == .infinity)
    }

    /// Each squaring can double the relative error of the one before, so 15
    /// squarings (t up to 32767) stay within 2^15 * 2^-53, below 1e-11.
    @Test("Adam's beta^t by binary exponentiation agrees with pow to 1e-11, relative")
    func adamPower() {
        for t in [1, 2, 3, 10, 600, 18_000] {
            for beta in [0.9, 0.999] {
                let ours = Adam.power(beta, t), reference = Foundation.pow(beta, Double(t))
                #expect(abs(ours - reference) <= 1e-11 * reference, "\(beta)^\(t): \(ours), pow says \(reference)")
            }
        }
        #expect(Adam.power(0.9, 0) == 1)
    }

    @Test("HW2_KERNEL: the fastest path when unset, a clear error for an unknown name")
    func selection() throws {
        #expect(try KernelPath.selected(environment: [:]) == .fastest)
        #expect(try KernelPath.selected(environment: ["HW2_KERNEL": "portable"]) == .portable)
        #expect(throws: KernelError.unknown("sse")) { try KernelPath.selected(environment: ["HW2_KERNEL": "sse"]) }
        #expect("\(KernelError.unknown("sse"))".contains("portable, avx2, avx512, neon"))
        #expect(try KernelPath.selected(environment: ["HW2_KERNEL": KernelPath.fastest.rawValue]) == .fastest)
        for path in KernelPath.allCases where !path.isSupported {
            #expect(throws: KernelError.unsupported(path)) { try KernelPath.selected(environment: ["HW2_KERNEL": path.rawValue]) }
        }
    }

    @Test("the paths of this architecture: neon on every AArch64 CPU and none other, the fastest one chosen")
    func native() {
        #if arch(arm64)
        #expect(KernelPath.native == [.portable, .neon] && KernelPath.fastest == .neon)
        #elseif arch(x86_64)
        #expect(KernelPath.native == [.portable, .avx2, .avx512])
        #expect(KernelPath.fastest == (KernelPath.avx512.isSupported ? .avx512 : KernelPath.avx2.isSupported ? .avx2 : .portable))
        #endif
        for path in KernelPath.allCases where !KernelPath.native.contains(path) {
            #expect(!path.isSupported, "\(path.rawValue) is another architecture's path")
        }
        #expect(KernelPath.portable.isSupported)
    }

    @Test("a path this CPU cannot run is run as the portable one: the same bits")
    func unsupportedPaths() {
        let x = Self.values(300, seed: 11).enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element }
        let a = Self.values(13 * 17, seed: 12), b = Self.values(17 * 9, seed: 13)
        func run(_ path: KernelPath) -> [Float] {
            var relu = x, c = [Float](repeating: 0, count: 13 * 9)
            hw2_relu(path.cValue, 1, relu.count, relu.count, &relu)
            hw2_sgemm(path.cValue, 0, 0, 13, 9, 17, a, 17, b, 9, 0, &c, 9)
            return relu + c
        }
        let portable = run(.portable)
        for path in KernelPath.allCases where !path.isSupported {
            #expect(firstBitDifference(run(path), portable) == nil, "\(path.rawValue)")
        }
    }

    @Test("the peak loop counts the FLOPs of its path's vector width: 12 chains, 2 per lane per FMA")
    func peakLoopCount() {
        let lanes: [KernelPath: Double] = [.portable: 1, .avx2: 8, .avx512: 16, .neon: 4]
        for path in Self.paths {
            #expect(hw2_fma_peak_loop(path.cValue, 1000) == 2 * 12 * (lanes[path] ?? 0) * 1000, "\(path)")
        }
    }
}
