import Kernels
import Testing
@testable import Engine

/// Winograd F(4x4, 3x3)'s transforms (winograd.c) against a plain Swift
/// evaluation of the same written-out graphs, bit for bit on every path, and
/// each adjoint against its forward transform.
@Suite("Kernels: Winograd F(4x4,3x3) transforms, path against a plain loop")
struct WinogradKernelTests {
    // The 1-D graphs, operation for operation as winograd.c writes them.
    static func input1D(_ d: [Float]) -> [Float] {
        [(d[4] - d[2]) + 4 * (d[0] - d[2]), (d[3] + d[4]) - 4 * (d[1] + d[2]), (d[4] - d[3]) + 4 * (d[1] - d[2]),
         (d[4] - d[2]) + 2 * (d[3] - d[1]), (d[4] - d[2]) - 2 * (d[3] - d[1]), (d[5] - d[3]) + 4 * (d[1] - d[3])]
    }
    static func inputGradient1D(_ w: [Float]) -> [Float] {
        [4 * w[0], 4 * ((w[2] - w[1]) + w[5]) + 2 * (w[4] - w[3]),
         ((0 - 4 * w[0]) - 4 * (w[1] + w[2])) - ((w[3] + w[4]) + w[0]),
         ((w[1] - w[2]) + 2 * (w[3] - w[4])) - (4 * w[5] + w[5]), (w[0] + (w[1] + w[2])) + (w[3] + w[4]), w[5]]
    }
    static func output1D(_ m: [Float]) -> [Float] {
        let (a, b, c, d) = (m[1] + m[2], m[1] - m[2], m[3] + m[4], m[3] - m[4])
        return [(m[0] + a) + c, b + 2 * d, a + 4 * c, (b + 8 * d) + m[5]]
    }
    static func outputGradient1D(_ z: [Float]) -> [Float] {
        let (even, odd) = (z[0] + z[2], z[1] + z[3])
        let (even4, odd4) = (z[0] + 4 * z[2], 2 * z[1] + 8 * z[3])
        return [z[0], even + odd, even - odd, even4 + odd4, even4 - odd4, z[3]]
    }
    static let sixth: Float = 1.0 / 6.0
    static func filter1D(_ g: [Float]) -> [Float] {
        let (outer, quarter, half) = (g[0] + g[2], 0.25 * g[0] + g[2], 0.5 * g[1])
        return [0.25 * g[0], (0 - (outer + g[1])) * sixth, (g[1] - outer) * sixth, (quarter + half) * sixth,
                (quarter - half) * sixth, g[2]]
    }
    static func filterGradient1D(_ u: [Float]) -> [Float] {
        let (p, q, dp, dq) = (u[1] + u[2], u[3] + u[4], u[1] - u[2], u[3] - u[4])
        return [0.25 * u[0] + (0.25 * q - p) * sixth, (0.5 * dq - dp) * sixth, (q - p) * sixth + u[5]]
    }

    /// A rows x columns matrix through `f` along each row, then down each column.
    static func twoPass(_ x: [[Float]], _ f: ([Float]) -> [Float]) -> [[Float]] {
        let rows = x.map(f)
        let columns = (0..<rows[0].count).map { j in f(rows.map { $0[j] }) }
        return (0..<columns[0].count).map { i in columns.map { $0[i] } }
    }

    /// Planes from one tile to 21, sides that are and are not multiples of 4
    /// (the last tiles padded), tile counts with remainders for 4, 8 and 16 lanes.
    static let shapes: [(h: Int, w: Int)] = [(4, 4), (5, 7), (8, 12), (14, 14), (3, 28), (28, 9)]

    /// Scratch for chunks of up to 2 samples, NaN so that a value read before it is written shows.
    static func scratch(_ shape: hw2_winograd_shape) -> [Float] {
        [Float](repeating: .nan, count: hw2_winograd_scratch(shape, 2))
    }

    @Test("input and output transforms and the output gradient: each value the written-out graph, rows before columns",
          arguments: shapes)
    func transforms(h: Int, w: Int) {
        let (cin, cout, n, s0, s1) = (3, 5, 4, 1, 3)
        let shape = hw2_winograd_shape(cin: cin, cout: cout, h: h, w: w)
        let (th, tw) = ((h + 3) / 4, (w + 3) / 4)
        let tiles = th * tw, t = (s1 - s0) * tiles
        var scratch = Self.scratch(shape)
        func at(_ e: Int, _ channels: Int, _ c: Int, _ s: Int, _ f: Int) -> Int { (e * channels + c) * t + (s - s0) * tiles + f }

        // V[6i + j][c][tile] = (B^T d B)[i][j], zero outside the image.
        let x = ElementwiseKernelTests.values(cin * n * h * w, seed: 11, specials: true).map { $0.isNaN ? 0.5 : $0 }
        var v = [Float](repeating: 0, count: 36 * cin * t)
        for c in 0..<cin {
            for s in s0..<s1 {
                for ty in 0..<th {
                    for tx in 0..<tw {
                        let d = (0..<6).map { i in
                            (0..<6).map { k -> Float in
                                let (iy, ix) = (4 * ty - 1 + i, 4 * tx - 1 + k)
                                return iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((c * n + s) * h + iy) * w + ix] : 0
                            }
                        }
                        let transformed = Self.twoPass(d, Self.input1D)
                        for i in 0..<6 { for j in 0..<6 { v[at(6 * i + j, cin, c, s, ty * tw + tx)] = transformed[i][j] } }
                    }
                }
            }
        }
        ElementwiseKernelTests.expectEachPath([Float](repeating: 7, count: v.count), v, "input transform") { path, p in
            hw2_winograd_input(path.cValue, shape, n, s0, s1, 0, shape.cin, x, p, &scratch)
        }

        // y = A^T M A + bias, then ReLU as `v < 0 ? 0 : v`; outputs past h or w dropped.
        let m = ElementwiseKernelTests.values(36 * cout * t, seed: 12, specials: true).map { $0.isNaN ? -0.5 : $0 }
        let bias = ElementwiseKernelTests.values(cout, seed: 13)
        let before = ElementwiseKernelTests.values(cout * n * h * w, seed: 14)
        for relu in [false, true] {
            var y = before
            for o in 0..<cout {
                for s in s0..<s1 {
                    for ty in 0..<th {
                        for tx in 0..<tw {
                            let tile = (0..<6).map { i in (0..<6).map { j in m[at(6 * i + j, cout, o, s, ty * tw + tx)] } }
                            let block = Self.twoPass(tile, Self.output1D)
                            for l in 0..<4 where 4 * ty + l < h {
                                for k in 0..<4 where 4 * tx + k < w {
                                    let sum = block[l][k] + bias[o]
                                    y[((o * n + s) * h + 4 * ty + l) * w + 4 * tx + k] = relu && sum < 0 ? 0 : sum
                                }
                            }
                        }
                    }
                }
            }
            ElementwiseKernelTests.expectEachPath(before, y, "output transform, relu \(relu)") { path, p in
                hw2_winograd_output(path.cValue, shape, n, s0, s1, 0, shape.cout, m, bias, relu ? 1 : 0, p, &scratch)
            }
        }

        // dM = A dy A^T, A along each row of the 4x4 block first; dy past h or w is 0.
        let dy = ElementwiseKernelTests.values(cout * n * h * w, seed: 15, specials: true).map { $0.isNaN ? 2 : $0 }
        var dM = [Float](repeating: 0, count: 36 * cout * t)
        for o in 0..<cout {
            for s in s0..<s1 {
                for ty in 0..<th {
                    for tx in 0..<tw {
                        let block = (0..<4).map { l in
                            (0..<4).map { k -> Float in
                                let (r, column) = (4 * ty + l, 4 * tx + k)
                                return r < h && column < w ? dy[((o * n + s) * h + r) * w + column] : 0
                            }
                        }
                        let transformed = Self.twoPass(block, Self.outputGradient1D)
                        for i in 0..<6 { for j in 0..<6 { dM[at(6 * i + j, cout, o, s, ty * tw + tx)] = transformed[i][j] } }
                    }
                }
            }
        }
        ElementwiseKernelTests.expectEachPath([Float](repeating: 7, count: dM.count), dM, "output gradient transform") { path, p in
            hw2_winograd_output_gradient(path.cValue, shape, n, s0, s1, 0, shape.cout, dy, p, &scratch)
        }
    }

    @Test("the input gradient: the written-out graph on every path, tiles added in (ty, tx) order, and the input transform's adjoint",
          arguments: shapes)
    func inputGradient(h: Int, w: Int) {
        let (cin, n, s0, s1) = (3, 4, 1, 3)
        let shape = hw2_winograd_shape(cin: cin, cout: 1, h: h, w: w)
        let (th, tw) = ((h + 3) / 4, (w + 3) / 4)
        let tiles = th * tw, t = (s1 - s0) * tiles
        let x = ElementwiseKernelTests.values(cin * n * h * w, seed: 16)
        let dV = ElementwiseKernelTests.values(36 * cin * t, seed: 17, specials: true).map { $0.isNaN ? 1 : $0 }
        let start = ElementwiseKernelTests.values(x.count, seed: 18)
        var expected = start  // samples outside [s0, s1) keep these
        for c in 0..<cin {
            for s in s0..<s1 {
                // A zeroed padded plane; each tile's B dV B^T added in, tile after tile.
                var sum = [[Float]](repeating: [Float](repeating: 0, count: 4 * tw + 2), count: 4 * th + 2)
                for ty in 0..<th {
                    for tx in 0..<tw {
                        let tile = (0..<6).map { i in (0..<6).map { j in dV[((6 * i + j) * cin + c) * t + (s - s0) * tiles + ty * tw + tx] } }
                        let patch = Self.twoPass(tile, Self.inputGradient1D)
                        for i in 0..<6 { for k in 0..<6 { sum[4 * ty + i][4 * tx + k] += patch[i][k] } }
                    }
                }
                for r in 0..<h { for column in 0..<w { expected[((c * n + s) * h + r) * w + column] = sum[r + 1][column + 1] } }
            }
        }
        var scratch = Self.scratch(shape)
        ElementwiseKernelTests.expectEachPath(start, expected, "input gradient transform") { path, p in
            hw2_winograd_input_gradient(path.cValue, shape, n, s0, s1, 0, shape.cin, dV, p, &scratch)
        }

        // <V(x), dV> = <x, V^T(dV)> over the chunk's samples, in Double: the graph is the adjoint.
        var v = [Float](repeating: 0, count: dV.count)
        hw2_winograd_input(KernelPath.portable.cValue, shape, n, s0, s1, 0, shape.cin, x, &v, &scratch)
        var left = 0.0, right = 0.0
        for i in 0..<dV.count { left += Double(v[i]) * Double(dV[i]) }
        for c in 0..<cin {
            for s in s0..<s1 {
                for i in 0..<(h * w) { right += Double(x[(c * n + s) * h * w + i]) * Double(expected[(c * n + s) * h * w + i]) }
            }
        }
        #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "adjoint: \(left) vs \(right)")
    }

    @Test("the output transform and its gradient are adjoint: <A^T M A, dy> = <M, A dy A^T>", arguments: shapes)
    func outputAdjoint(h: Int, w: Int) {
        let shape = hw2_winograd_shape(cin: 1, cout: 2, h: h, w: w)
        let t = ((h + 3) / 4) * ((w + 3) / 4)
        let m = ElementwiseKernelTests.values(36 * 2 * t, seed: 22), dy = ElementwiseKernelTests.values(2 * h * w, seed: 23)
        var y = [Float](repeating: 0, count: dy.count), dM = [Float](repeating: 0, count: m.count), scratch = Self.scratch(shape)
        hw2_winograd_output(KernelPath.portable.cValue, shape, 1, 0, 1, 0, shape.cout, m, [0, 0], 0, &y, &scratch)
        hw2_winograd_output_gradient(KernelPath.portable.cValue, shape, 1, 0, 1, 0, shape.cout, dy, &dM, &scratch)
        let left = zip(y, dy).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(m, dM).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "adjoint: \(left) vs \(right)")
    }

    @Test("each activation transform works on its channel range only: [0, 1) then [1, C) give the bits of [0, C), and channels outside a range are left as they were",
          arguments: shapes)
    func channelRanges(h: Int, w: Int) {
        let (cin, cout, n, s0, s1) = (3, 5, 4, 1, 3)
        let shape = hw2_winograd_shape(cin: cin, cout: cout, h: h, w: w)
        let t = (s1 - s0) * ((h + 3) / 4) * ((w + 3) / 4)
        let x = ElementwiseKernelTests.values(cin * n * h * w, seed: 31), m = ElementwiseKernelTests.values(36 * cout * t, seed: 32)
        let dy = ElementwiseKernelTests.values(cout * n * h * w, seed: 33), dV = ElementwiseKernelTests.values(36 * cin * t, seed: 34)
        let bias = ElementwiseKernelTests.values(cout, seed: 35)
        typealias Transform = (KernelPath, Int, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
        // Each transform, its channels, its output's size and the channel of an output index
        // ([36, C, T] for transformed tiles, [C, n, h, w] for planes).
        let tiled = { (channels: Int) in { (i: Int) in (i / t) % channels } }, planes = { (i: Int) in i / (n * h * w) }
        let transforms: [(String, Int, Int, (Int) -> Int, Transform)] = [
            ("input", cin, 36 * cin * t, tiled(cin), { hw2_winograd_input($0.cValue, shape, n, s0, s1, $1, $2, x, $3, $4) }),
            ("output", cout, cout * n * h * w, planes, { hw2_winograd_output($0.cValue, shape, n, s0, s1, $1, $2, m, bias, 1, $3, $4) }),
            ("output gradient", cout, 36 * cout * t, tiled(cout),
             { hw2_winograd_output_gradient($0.cValue, shape, n, s0, s1, $1, $2, dy, $3, $4) }),
            ("input gradient", cin, cin * n * h * w, planes,
             { hw2_winograd_input_gradient($0.cValue, shape, n, s0, s1, $1, $2, dV, $3, $4) }),
        ]
        for path in KernelTests.paths {
            for (name, channels, count, channel, transform) in transforms {
                var whole = [Float](repeating: .nan, count: count), upper = whole
                var scratch = Self.scratch(shape), other = Self.scratch(shape)
                transform(path, 0, channels, &whole, &scratch)
                transform(path, 1, channels, &upper, &other)
                #expect((0..<count).allSatisfy { channel($0) > 0 || upper[$0].isNaN }, "\(name), \(path.rawValue): [1, \(channels)) wrote channel 0")
                var parts = upper
                transform(path, 0, 1, &parts, &scratch)
                #expect(firstBitDifference(parts, whole) == nil, "\(name), \(path.rawValue): [0, 1) then [1, \(channels)) differ from [0, \(channels))")
            }
        }
    }

    @Test("the two ReLU rules stay apart at -0: max(x, 0) gives +0, Winograd's fused `v < 0 ? 0 : v` keeps -0")
    func reluAtNegativeZero() {
        let minusZero: [Float] = Array(repeating: -0.0, count: 40)
        ElementwiseKernelTests.expectEachPath(minusZero, Array(repeating: 0, count: 40), "add + relu of -0 and -0") { path, p in
            hw2_add_relu(path.cValue, 40, minusZero, minusZero, p)
        }
        // Two tiles across (one by one) and four (side by side).
        for w in [8, 16] {
            let shape = hw2_winograd_shape(cin: 1, cout: 1, h: 4, w: w)
            let m = [Float](repeating: -0.0, count: 36 * w / 4), bias: [Float] = [-0.0]
            var scratch = Self.scratch(shape)
            // From M = -0 the even rows and columns of a block sum to -0 ((-0) - (-0) is +0 elsewhere).
            let blocks = (0..<(4 * w)).map { ($0 / w) % 2 == 0 && $0 % 2 == 0 ? Float(-0.0) : 0 }
            ElementwiseKernelTests.expectEachPath(Array(repeating: 1, count: 4 * w), blocks, "Winograd output of -0 with ReLU, \(w) wide") { path, p in
                hw2_winograd_output(path.cValue, shape, 1, 0, 1, 0, shape.cout, m, bias, 1, p, &scratch)
            }
        }
    }

    @Test("the filter transform and its adjoint: the written-out graph on every path")
    func filters() {
        let shape = hw2_winograd_shape(cin: 3, cout: 7, h: 4, w: 4)
        let filters = 21
        let g = ElementwiseKernelTests.values(filters * 9, seed: 19, specials: true).map { $0.isNaN ? 0.75 : $0 }
        var u = [Float](repeating: 0, count: 36 * filters)
        for f in 0..<filters {
            let taps = (0..<3).map { i in (0..<3).map { g[f * 9 + 3 * i + $0] } }
            let transformed = Self.twoPass(taps, Self.filter1D)
            for i in 0..<6 { for j in 0..<6 { u[(6 * i + j) * filters + f] = transformed[i][j] } }
        }
        ElementwiseKernelTests.expectEachPath([Float](repeating: 7, count: u.count), u, "filter transform") { path, p in
            hw2_winograd_filters(path.cValue, shape, g, p)
        }

        // G^T dU G: down the columns first, then along the rows, added to what was there.
        let dU = ElementwiseKernelTests.values(36 * filters, seed: 20)
        let start = ElementwiseKernelTests.values(filters * 9, seed: 21)
        var dWeight = start
        for f in 0..<filters {
            let tile = (0..<6).map { i in (0..<6).map { j in dU[(6 * i + j) * filters + f] } }
            let columns = (0..<6).map { j in Self.filterGradient1D(tile.map { $0[j] }) }
            for i in 0..<3 {
                let row = Self.filterGradient1D(columns.map { $0[i] })
                for k in 0..<3 { dWeight[f * 9 + 3 * i + k] += row[k] }
            }
        }
        ElementwiseKernelTests.expectEachPath(start, dWeight, "filter gradient") { path, p in
            hw2_winograd_filter_gradient(path.cValue, shape, dU, p)
        }
    }
}
