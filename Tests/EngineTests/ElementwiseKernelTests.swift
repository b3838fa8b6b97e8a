import Kernels
import Testing
@testable import Engine

/// The second contract of Kernels.h: every element-wise and fixed-graph kernel
/// gives, on every path this CPU runs, the bits of a plain scalar loop that
/// performs the same IEEE operations in the same order. The shapes leave
/// remainders for every vector width (4, 8 and 16), and the values include
/// -0, ties and (where a value only passes through a comparison) NaN.
@Suite("Kernels: element-wise kernels, path against a plain loop")
struct ElementwiseKernelTests {
    static let paths = KernelPath.allCases.filter(\.isSupported)

    /// Values of many magnitudes (so sums round, and any change of order shows),
    /// with some -0, +0, repeats (ties for pooling) and NaN when asked.
    static func values(_ count: Int, seed: UInt64, specials: Bool = false) -> [Float] {
        var random = SeededGenerator(seed: seed, stream: "elementwise-test")
        return (0..<count).map { i in
            let x = (2 * random.nextUnitFloat() - 1) * Float(sign: .plus, exponent: random.nextBelow(13) - 6, significand: 1)
            guard specials else { return x }
            switch i % 7 {
            case 0: return -0.0
            case 1: return 0
            case 2: return 0.25  // ties
            case 3: return i % 3 == 0 ? .nan : x
            default: return x
            }
        }
    }

    /// Runs `body` on a copy of `start` for each path and expects `expected`'s bits.
    static func expectEachPath(_ start: [Float], _ expected: [Float], _ what: String,
                               sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: (KernelPath, UnsafeMutablePointer<Float>) -> Void) {
        for path in paths {
            var out = start
            out.withUnsafeMutableBufferPointer { body(path, $0.baseAddress!) }
            #expect(firstBitDifference(out, expected) == nil, "\(what) on \(path.rawValue)", sourceLocation: sourceLocation)
        }
    }

    @Test("ReLU, its mask, the residual adds: the plain formulas, -0 and NaN included")
    func elementwise() {
        let count = 3 * 37
        let x = Self.values(count, seed: 1, specials: true), y = Self.values(count, seed: 2, specials: true)
        // Two rows of 37 values, 37 + 18 apart: the rest of each row stays as it was.
        var relu = x, mask = x
        for r in 0..<2 {
            for i in 0..<37 {
                let at = r * 55 + i
                relu[at] = max(x[at], 0)
                mask[at] = y[at] > 0 ? x[at] : 0
            }
        }
        Self.expectEachPath(x, relu, "relu") { path, p in hw2_relu(path.cValue, 2, 37, 55, p) }
        Self.expectEachPath(x, mask, "relu mask") { path, p in hw2_relu_mask(path.cValue, 2, 37, 55, p, y) }

        let a = Self.values(count, seed: 3), b = Self.values(count, seed: 4)
        Self.expectEachPath(a, zip(a, b).map { $0 + $1 }, "add") { path, p in hw2_add(path.cValue, count, p, b, p) }
        Self.expectEachPath(a, zip(a, b).map { max($0 + $1, 0) }, "add + relu") { path, p in hw2_add_relu(path.cValue, count, a, b, p) }
    }

    @Test("row sums: each row one chain from +0, left to right, added to what was there")
    func rowSums() {
        let rows = 7, columns = 1001
        let m = Self.values(rows * columns, seed: 5).map { $0 * 100 }
        var expected = [Float](repeating: 0.5, count: rows)
        for r in 0..<rows {
            var sum: Float = 0
            for j in 0..<columns { sum += m[r * columns + j] }
            expected[r] += sum
        }
        Self.expectEachPath([Float](repeating: 0.5, count: rows), expected, "row sums") { path, p in
            hw2_add_row_sums(path.cValue, rows, columns, m, p)
        }
    }

    @Test("max pooling: the first of equal values wins, and backward sends each gradient to it", arguments: [2, 3])
    func maxPool(size: Int) {
        let (planes, h, w) = (5, 4 * size, 7 * size)
        let (ho, wo) = (h / size, w / size)
        // Few distinct values, so most windows hold ties.
        let x = Self.values(planes * h * w, seed: 6).map { ($0 * 3).rounded() }
        var expected = [Float](repeating: 0, count: planes * ho * wo), winners = [Int32](repeating: 0, count: expected.count)
        for p in 0..<planes {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var best = (oy * size) * w + ox * size
                    for dy in 0..<size {
                        for dx in 0..<size where x[p * h * w + (oy * size + dy) * w + ox * size + dx] > x[p * h * w + best] {
                            best = (oy * size + dy) * w + ox * size + dx
                        }
                    }
                    expected[(p * ho + oy) * wo + ox] = x[p * h * w + best]
                    winners[(p * ho + oy) * wo + ox] = Int32(best)
                }
            }
        }
        let dy = Self.values(expected.count, seed: 7, specials: true).map { $0.isNaN ? 1 : $0 }
        var dx = [Float](repeating: 0, count: x.count)
        for o in 0..<dy.count { dx[(o / (ho * wo)) * h * w + Int(winners[o])] += dy[o] }
        for path in Self.paths {
            var y = [Float](repeating: 9, count: expected.count), arg = [Int32](repeating: -1, count: expected.count)
            hw2_max_pool(path.cValue, planes, size, h, w, x, &y, &arg)
            #expect(firstBitDifference(y, expected) == nil && arg == winners, "forward on \(path.rawValue)")
            var gradient = [Float](repeating: 9, count: x.count)
            hw2_max_pool_backward(path.cValue, planes, size, h, w, arg, dy, &gradient)
            #expect(firstBitDifference(gradient, dx) == nil, "backward on \(path.rawValue)")
        }
    }

    @Test("im2col moves values; col2im adds them back in (ki, kj, oy, ox) order from +0",
          arguments: [(3, 1, 1, 9, 10), (3, 2, 1, 9, 10), (5, 1, 2, 7, 12), (1, 1, 0, 6, 5)])
    func im2col(kernel k: Int, stride: Int, padding: Int, h: Int, w: Int) {
        let (cin, n, s0, s1) = (3, 4, 1, 3)
        let ho = (h + 2 * padding - k) / stride + 1, wo = (w + 2 * padding - k) / stride + 1
        let shape = hw2_conv_shape(cin: cin, h: h, w: w, kernel: k, stride: stride, padding: padding, ho: ho, wo: wo)
        let x = Self.values(cin * n * h * w, seed: 8)
        let columns = (s1 - s0) * ho * wo
        var col = [Float](repeating: 0, count: cin * k * k * columns)
        func pixel(_ c: Int, _ s: Int, _ oy: Int, _ ox: Int, _ ki: Int, _ kj: Int) -> Int? {
            let (iy, ix) = (oy * stride - padding + ki, ox * stride - padding + kj)
            return iy >= 0 && iy < h && ix >= 0 && ix < w ? ((c * n + s) * h + iy) * w + ix : nil
        }
        let dCol = Self.values(col.count, seed: 9)
        var dx = Self.values(x.count, seed: 10)  // samples outside [s0, s1) keep these
        for c in 0..<cin {
            for s in s0..<s1 {
                for i in 0..<(h * w) { dx[(c * n + s) * h * w + i] = 0 }
            }
        }
        for c in 0..<cin {
            for ki in 0..<k {
                for kj in 0..<k {
                    for s in s0..<s1 {
                        for oy in 0..<ho {
                            for ox in 0..<wo {
                                let at = ((c * k + ki) * k + kj) * columns + ((s - s0) * ho + oy) * wo + ox
                                col[at] = pixel(c, s, oy, ox, ki, kj).map { x[$0] } ?? 0
                            }
                        }
                    }
                }
            }
        }
        // The adjoint, in the order the contract names: per pixel, (ki, kj, oy, ox).
        for c in 0..<cin {
            for s in s0..<s1 {
                for ki in 0..<k {
                    for kj in 0..<k {
                        for oy in 0..<ho {
                            for ox in 0..<wo {
                                guard let p = pixel(c, s, oy, ox, ki, kj) else { continue }
                                dx[p] += dCol[((c * k + ki) * k + kj) * columns + ((s - s0) * ho + oy) * wo + ox]
                            }
                        }
                    }
                }
            }
        }
        var padded = [Float](repeating: 0, count: (h + 2 * padding) * (w + 2 * padding))
        Self.expectEachPath([Float](repeating: 7, count: col.count), col, "im2col") { path, p in
            hw2_im2col(path.cValue, shape, n, s0, s1, x, p, &padded)
        }
        Self.expectEachPath(Self.values(x.count, seed: 10), dx, "col2im") { path, p in
            hw2_col2im(path.cValue, shape, n, s0, s1, dCol, p, &padded)
        }
    }
}
