import Kernels
import Testing
@testable import Engine

/// The second contract of Kernels.h: every element-wise and fixed-graph kernel
/// gives, on every path this CPU runs, the bits of a plain scalar loop that
/// performs the same IEEE operations in the same order. The shapes leave
/// remainders for every group width the kernels use (8, 4 and 1 tiles; vectors
/// of 4, 8 and 16), and the values include -0, ties and (where a value only
/// passes through a comparison) NaN.
@Suite("Kernels: element-wise and Winograd kernels, path against a plain loop")
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

    /// Rows of 3 to 14 tiles: the input gradient's groups of 1, 4 and 8 tiles, with and without remainders.
    static let winogradShapes: [(h: Int, w: Int)] = [(4, 6), (6, 8), (4, 12), (4, 18), (8, 16), (2, 28)]

    @Test("Winograd F(2x2,3x3) transforms: each value the written-out graph, rows before columns",
          arguments: winogradShapes)
    func winograd(h: Int, w: Int) {
        let (cin, cout, n, s0, s1) = (3, 5, 4, 1, 3)
        let shape = hw2_winograd_shape(cin: cin, cout: cout, h: h, w: w)
        let (th, tw) = (h / 2, w / 2)
        let tiles = th * tw, t = (s1 - s0) * tiles
        func bt(_ d: [Float]) -> [Float] { [d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3]] }

        // Input: V[4i + j][c][tile] = (B^T (d B))[i][j], d B along each row first.
        let x = Self.values(cin * n * h * w, seed: 11, specials: true).map { $0.isNaN ? 0.5 : $0 }
        var v = [Float](repeating: 0, count: 16 * cin * t)
        for c in 0..<cin {
            for s in s0..<s1 {
                for ty in 0..<th {
                    for tx in 0..<tw {
                        let rows = (0..<4).map { i in
                            bt((0..<4).map { j in
                                let (iy, ix) = (2 * ty - 1 + i, 2 * tx - 1 + j)
                                return iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((c * n + s) * h + iy) * w + ix] : 0
                            })
                        }
                        for j in 0..<4 {
                            let column = bt((0..<4).map { rows[$0][j] })
                            for i in 0..<4 { v[((4 * i + j) * cin + c) * t + (s - s0) * tiles + ty * tw + tx] = column[i] }
                        }
                    }
                }
            }
        }
        var split = [Float](repeating: 0, count: 8 * (th + 2) * tw), rows = split
        Self.expectEachPath([Float](repeating: 7, count: v.count), v, "input transform") { path, p in
            hw2_winograd_input(path.cValue, shape, n, s0, s1, x, p, &split, &rows)
        }

        var planeRows = [Float](repeating: 0, count: h * w)

        // Output: y = A^T M A + bias, M A along each row first, then ReLU as `v < 0 ? 0 : v`.
        let m = Self.values(16 * cout * t, seed: 12, specials: true).map { $0.isNaN ? -0.5 : $0 }
        let bias = Self.values(cout, seed: 13)
        for relu in [false, true] {
            var y = Self.values(cout * n * h * w, seed: 14)
            for o in 0..<cout {
                for s in s0..<s1 {
                    for ty in 0..<th {
                        for tx in 0..<tw {
                            let value = { (i: Int, j: Int) in m[((4 * i + j) * cout + o) * t + (s - s0) * tiles + ty * tw + tx] }
                            let left = (0..<4).map { value($0, 0) + value($0, 1) + value($0, 2) }
                            let right = (0..<4).map { value($0, 1) - value($0, 2) - value($0, 3) }
                            let block = [[left[0] + left[1] + left[2], right[0] + right[1] + right[2]],
                                         [left[1] - left[2] - left[3], right[1] - right[2] - right[3]]]
                            for a in 0..<2 {
                                for b in 0..<2 {
                                    let sum = block[a][b] + bias[o]
                                    y[((o * n + s) * h + 2 * ty + a) * w + 2 * tx + b] = relu && sum < 0 ? 0 : sum
                                }
                            }
                        }
                    }
                }
            }
            Self.expectEachPath(Self.values(cout * n * h * w, seed: 14), y, "output transform, relu \(relu)") { path, p in
                hw2_winograd_output(path.cValue, shape, n, s0, s1, m, bias, relu ? 1 : 0, p, &planeRows)
            }
        }

        // Output gradient: dM = A dy A^T, A along each row of the 2x2 block first.
        let dy = Self.values(cout * n * h * w, seed: 15, specials: true).map { $0.isNaN ? 2 : $0 }
        var dM = [Float](repeating: 0, count: 16 * cout * t)
        for o in 0..<cout {
            for s in s0..<s1 {
                for ty in 0..<th {
                    for tx in 0..<tw {
                        let g = { (a: Int, b: Int) in dy[((o * n + s) * h + 2 * ty + a) * w + 2 * tx + b] }
                        let p = [g(0, 0), g(0, 0) + g(0, 1), g(0, 0) - g(0, 1), 0 - g(0, 1)]
                        let q = [g(1, 0), g(1, 0) + g(1, 1), g(1, 0) - g(1, 1), 0 - g(1, 1)]
                        for j in 0..<4 {
                            let column = [p[j], p[j] + q[j], p[j] - q[j], 0 - q[j]]
                            for i in 0..<4 { dM[((4 * i + j) * cout + o) * t + (s - s0) * tiles + ty * tw + tx] = column[i] }
                        }
                    }
                }
            }
        }
        Self.expectEachPath([Float](repeating: 7, count: dM.count), dM, "output gradient transform") { path, p in
            hw2_winograd_output_gradient(path.cValue, shape, n, s0, s1, dy, p, &planeRows)
        }
    }

    @Test("Winograd's input gradient: the written-out graph on every path, and the input transform's adjoint",
          arguments: winogradShapes)
    func winogradInputGradient(h: Int, w: Int) {
        let (cin, n, s0, s1) = (3, 4, 1, 3)
        let shape = hw2_winograd_shape(cin: cin, cout: 1, h: h, w: w)
        let (th, tw) = (h / 2, w / 2)
        let tiles = th * tw, t = (s1 - s0) * tiles
        let x = Self.values(cin * n * h * w, seed: 16), dV = Self.values(16 * cin * t, seed: 17, specials: true).map { $0.isNaN ? 1 : $0 }
        // B q, B = [1 0 0 0; 0 1 -1 1; -1 1 1 0; 0 0 0 -1].
        func spread(_ q: [Float]) -> [Float] { [q[0], q[1] - q[2] + q[3], q[1] + q[2] - q[0], 0 - q[3]] }
        let start = Self.values(x.count, seed: 18)
        var expected = start  // samples outside [s0, s1) keep these
        for c in 0..<cin {
            for s in s0..<s1 {
                // B dV down each tile's columns, added into the padded rows from +0, tile row after tile row.
                var rows = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: 0, count: tw), count: 4), count: h + 2)
                for ty in 0..<th {
                    for j in 0..<4 {
                        for k in 0..<tw {
                            let q = spread((0..<4).map { dV[((4 * $0 + j) * cin + c) * t + (s - s0) * tiles + ty * tw + k] })
                            for i in 0..<4 { rows[2 * ty + i][j][k] += q[i] }
                        }
                    }
                }
                // Then B along each padded row: padded column 2k + j gets value j of tile k; a pixel
                // is the sum of its (one or two) values in increasing j, the first taken as it is.
                for r in 1...h {
                    let spreadRow = (0..<tw).map { k in spread((0..<4).map { rows[r][$0][k] }) }
                    for column in 0..<w {
                        let terms = (0..<4).compactMap { j -> Float? in
                            let twice = column + 1 - j
                            return twice % 2 == 0 && twice >= 0 && twice / 2 < tw ? spreadRow[twice / 2][j] : nil
                        }
                        expected[((c * n + s) * h + r - 1) * w + column] = terms.dropFirst().reduce(terms[0], +)
                    }
                }
            }
        }
        var rows = [Float](repeating: 0, count: 8 * (th + 2) * tw), part = [Float](repeating: 0, count: 16 * tw)
        Self.expectEachPath(start, expected, "input gradient transform") { path, p in
            hw2_winograd_input_gradient(path.cValue, shape, n, s0, s1, dV, p, &rows, &part)
        }

        // <V(x), dV> = <x, V^T(dV)> over the chunk's samples, in Double: the graph is the adjoint.
        var split = rows, v = [Float](repeating: 0, count: dV.count)
        hw2_winograd_input(KernelPath.portable.cValue, shape, n, s0, s1, x, &v, &split, &rows)
        var left = 0.0, right = 0.0
        for i in 0..<dV.count { left += Double(v[i]) * Double(dV[i]) }
        for c in 0..<cin {
            for s in s0..<s1 {
                for i in 0..<(h * w) { right += Double(x[(c * n + s) * h * w + i]) * Double(expected[(c * n + s) * h * w + i]) }
            }
        }
        #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "adjoint: \(left) vs \(right)")
    }

    @Test("the two ReLU rules stay apart at -0: max(x, 0) gives +0, Winograd's fused `v < 0 ? 0 : v` keeps -0")
    func reluAtNegativeZero() {
        let minusZero: [Float] = Array(repeating: -0.0, count: 40)
        Self.expectEachPath(minusZero, Array(repeating: 0, count: 40), "add + relu of -0 and -0") { path, p in
            hw2_add_relu(path.cValue, 40, minusZero, minusZero, p)
        }
        let shape = hw2_winograd_shape(cin: 1, cout: 1, h: 2, w: 10)
        let m = [Float](repeating: -0.0, count: 16 * 5), bias: [Float] = [-0.0]
        var planeRows = [Float](repeating: 0, count: 20)
        // From M = -0 only the top-left value of a block sums to -0 ((-0) - (-0) is +0 elsewhere).
        let blocks = (0..<20).map { $0 < 10 && $0 % 2 == 0 ? Float(-0.0) : 0 }
        Self.expectEachPath(Array(repeating: 1, count: 20), blocks, "Winograd output of -0 with ReLU") { path, p in
            hw2_winograd_output(path.cValue, shape, 1, 0, 1, m, bias, 1, p, &planeRows)
        }
    }

    @Test("Winograd's filter transform and its adjoint: the written-out graph on every path")
    func winogradFilters() {
        let shape = hw2_winograd_shape(cin: 3, cout: 7, h: 4, w: 4)
        let filters = 21
        let g = Self.values(filters * 9, seed: 19, specials: true).map { $0.isNaN ? 0.75 : $0 }
        var u = [Float](repeating: 0, count: 16 * filters)
        func gRow(_ a: Float, _ b: Float, _ c: Float) -> [Float] { [a, 0.5 * (a + b + c), 0.5 * (a - b + c), c] }
        for f in 0..<filters {
            let r = (0..<3).map { gRow(g[f * 9 + 3 * $0], g[f * 9 + 3 * $0 + 1], g[f * 9 + 3 * $0 + 2]) }
            for j in 0..<4 {
                u[j * filters + f] = r[0][j]
                u[(4 + j) * filters + f] = 0.5 * (r[0][j] + r[1][j] + r[2][j])
                u[(8 + j) * filters + f] = 0.5 * (r[0][j] - r[1][j] + r[2][j])
                u[(12 + j) * filters + f] = r[2][j]
            }
        }
        Self.expectEachPath([Float](repeating: 7, count: u.count), u, "filter transform") { path, p in
            hw2_winograd_filters(path.cValue, shape, g, p)
        }

        let dU = Self.values(16 * filters, seed: 20)
        var dWeight = Self.values(filters * 9, seed: 21)
        for f in 0..<filters {
            let value = { (i: Int, j: Int) in dU[(4 * i + j) * filters + f] }
            let rows = [(0..<4).map { value(0, $0) + 0.5 * (value(1, $0) + value(2, $0)) },
                        (0..<4).map { 0.5 * (value(1, $0) - value(2, $0)) },
                        (0..<4).map { 0.5 * (value(1, $0) + value(2, $0)) + value(3, $0) }]
            for (i, r) in rows.enumerated() {
                dWeight[f * 9 + 3 * i] += r[0] + 0.5 * (r[1] + r[2])
                dWeight[f * 9 + 3 * i + 1] += 0.5 * (r[1] - r[2])
                dWeight[f * 9 + 3 * i + 2] += 0.5 * (r[1] + r[2]) + r[3]
            }
        }
        Self.expectEachPath(Self.values(filters * 9, seed: 21), dWeight, "filter gradient") { path, p in
            hw2_winograd_filter_gradient(path.cValue, shape, dU, p)
        }
    }
}
