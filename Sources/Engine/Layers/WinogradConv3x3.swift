/// 3x3 convolution, stride 1, padding 1, by Winograd's minimal filtering
/// F(2x2, 3x3) (Lavin and Gray 2016): every 2x2 block of output is computed
/// from a 4x4 block of input with 16 multiplies per channel pair instead of 36.
/// Each of the 16 positions of the transformed tile is one SGEMM over the
/// channels, so the work of im2col + one big SGEMM becomes cheap transforms +
/// 16 SGEMMs with 2.25x fewer multiply-adds, in forward and in both gradients.
///
///     forward  U = G g G^T (per filter)   V = B^T d B (per input tile)
///              M[e] = U[e] x V[e]         y = A^T M A + bias
///     backward dM = A dy A^T              dU[e] += dM[e] x V[e]^T    dg = G^T dU G
///              dV[e] = U[e]^T x dM[e]     dd = B dV B^T, added into the input tiles (they overlap by 2)
///
/// Same parameters and layout as Conv2D (weight [cout, cin, 3, 3], bias [cout]);
/// the results agree to float rounding, not to the bit. Like Conv2D it works a
/// chunk of samples at a time, so a chunk's transformed tiles stay in L2, and
/// it transforms the input again in backward rather than keeping it.
/// The weight gradient is summed chunk after chunk in the transformed domain
/// and taken back to 3x3 once per shard. Needs an even H and an even W of at
/// least 8 (see `fits`).
final class WinogradConv3x3: ConvolutionLayer {
    /// Bytes of transformed input and output tiles per chunk.
    static let chunkBytes = 1024 * 1024

    let cin, cout: Int
    let input: Shape, output: Shape
    let offset: Int
    let needsInputGradient: Bool
    let relu: Bool
    let gemm: GEMM
    /// Samples per chunk (from `chunkBytes`; tests pass small ones to cover partial chunks).
    let chunk: Int
    let tilesHigh, tilesWide: Int

    private var x: UnsafeMutablePointer<Float>?  // [cin, n, H, W] the input, owned by the previous layer
    private let u = Buffer<Float>()              // [16, cout, cin] transformed filters
    private let v = Buffer<Float>()              // [16, cin, T] transformed input tiles of a chunk (T tiles)
    private let m = Buffer<Float>()              // [16, cout, T] transformed output tiles, then their gradient
    private let dV = Buffer<Float>()             // [16, cin, T]
    private let dU = Buffer<Float>()             // [16, cout, cin]
    private let out = Buffer<Float>()            // [cout, n, H, W] conv(x), or relu(conv(x))
    private let dInput = Buffer<Float>()         // [cin, n, H, W]
    private let padded = Buffer<Float>()         // [H + 2, W + 2] one input plane
    private let rowScratch = Buffer<Float>()     // [H + 2, 4, W/2] each padded row times B, see the input transforms
    private let part = Buffer<Float>()           // [4, 4, W/2] one tile row of B dV, or [4, W/2] one row spread

    init(cin: Int, cout: Int, size: Shape, offset: Int, needsInputGradient: Bool, relu: Bool = false, chunk: Int? = nil,
         path: KernelPath = .fastest) {
        precondition(size.height % 2 == 0 && size.width % 2 == 0 && size.width >= 8,
                     "F(2x2, 3x3) here needs an even height and an even width of at least 8")
        self.cin = cin
        self.cout = cout
        input = Shape(cin, size.height, size.width)
        output = Shape(cout, size.height, size.width)
        self.offset = offset
        self.needsInputGradient = needsInputGradient
        self.relu = relu
        gemm = GEMM(path: path)
        tilesHigh = size.height / 2
        tilesWide = size.width / 2
        let bytesPerSample = 16 * (cin + cout) * tilesHigh * tilesWide * MemoryLayout<Float>.size
        self.chunk = chunk ?? max(1, Self.chunkBytes / bytesPerSample)
    }

    /// Where LayerStack may use this layer instead of Conv2D: the homework's
    /// 3x3 convolutions past the first (with one input channel, the 16 SGEMMs
    /// would be outer products and im2col is faster).
    static func fits(cin: Int, kernel: Int, stride: Int, padding: Int, input: Shape) -> Bool {
        kernel == 3 && stride == 1 && padding == 1 && cin >= 8 && input.height % 2 == 0 && input.width % 2 == 0
            && input.width >= 8
    }

    private var tiles: Int { tilesHigh * tilesWide }
    private var plane: Int { input.height * input.width }

    /// The chunks of a shard of n samples, in order.
    private func chunks(_ n: Int) -> [Range<Int>] {
        Swift.stride(from: 0, to: n, by: chunk).map { $0..<min($0 + chunk, n) }
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        self.x = x
        let most = min(chunk, n) * tiles
        let (u, v, m) = (u.reserve(16 * cout * cin), v.reserve(16 * cin * most), m.reserve(16 * cout * most))
        let y = out.reserve(cout * n * plane)
        transformFilters(params + offset, into: u)
        let bias = params + offset + cout * cin * 9
        for samples in chunks(n) {
            let t = samples.count * tiles
            transformInput(x, n: n, samples: samples, into: v)
            for e in 0..<16 {
                // M[e] [cout, t] = U[e] [cout, cin] x V[e] [cin, t]
                gemm(m: cout, n: t, k: cin, a: u + e * cout * cin, b: v + e * cin * t, accumulate: false, c: m + e * cout * t)
            }
            transformOutput(m, bias: bias, n: n, samples: samples, into: y)
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let most = min(chunk, n) * tiles
        let (u, v, dM) = (u.pointer, v.reserve(16 * cin * most), m.reserve(16 * cout * most))
        let dU = dU.reserve(16 * cout * cin)
        dU.update(repeating: 0, count: 16 * cout * cin)
        let dV = needsInputGradient ? dV.reserve(16 * cin * most) : nil
        let dx = needsInputGradient ? dInput.reserve(cin * n * plane) : nil
        for samples in chunks(n) {
            let t = samples.count * tiles
            if relu {
                let at = samples.lowerBound * plane
                ReLU.mask(dy + at, by: out.pointer + at, rows: cout, stride: n * plane, count: samples.count * plane)
            }
            transformInput(x!, n: n, samples: samples, into: v)
            transformOutputGradient(dy, n: n, samples: samples, into: dM)
            for e in 0..<16 {
                // dU[e] [cout, cin] += dM[e] [cout, t] x V[e]^T [t, cin]
                gemm(transB: true, m: cout, n: cin, k: t, a: dM + e * cout * t, b: v + e * cin * t, accumulate: true, c: dU + e * cout * cin)
            }
            guard let dV, let dx else { continue }
            for e in 0..<16 {
                // dV[e] [cin, t] = U[e]^T [cin, cout] x dM[e] [cout, t]
                gemm(transA: true, m: cin, n: t, k: cout, a: u + e * cout * cin, b: dM + e * cout * t, accumulate: false, c: dV + e * cin * t)
            }
            transformInputGradient(dV, n: n, samples: samples, into: dx)
        }
        addFilterGradient(dU, into: grads + offset)
        Conv2D.addRowSums(dy, rows: cout, columns: n * plane, into: grads + offset + cout * cin * 9)
        return dx
    }

    // MARK: The transforms
    //
    // Each transform works on four neighbouring tiles of a tile row at once,
    // one tile per SIMD lane, so the 16 values of a transformed tile are 16
    // contiguous four-float stores. A row whose tile count is not a multiple of
    // four ends with a group that overlaps the one before; it rewrites the same
    // values. (This is why `fits` asks for at least four tiles across.)

    /// Where each group of four tiles of a row starts.
    private var groups: [Int] { Swift.stride(from: 0, to: tilesWide, by: 4).map { min($0, tilesWide - 4) } }

    @inline(__always)
    private static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store<V: SIMD>(_ value: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: V.self)
    }

    /// The 16 values (i, j) of four tiles, at at[(4i + j) * stride ..< +4].
    @inline(__always)
    private static func loadTiles(_ at: UnsafePointer<Float>, stride: Int) -> Quad<Quad<SIMD4<Float>>> {
        func row(_ i: Int) -> Quad<SIMD4<Float>> {
            Quad(load4(at + (4 * i) * stride), load4(at + (4 * i + 1) * stride),
                 load4(at + (4 * i + 2) * stride), load4(at + (4 * i + 3) * stride))
        }
        return Quad(row(0), row(1), row(2), row(3))
    }

    @inline(__always)
    private static func storeTiles(_ t: Quad<Quad<SIMD4<Float>>>, _ at: UnsafeMutablePointer<Float>, stride: Int) {
        func put(_ row: Quad<SIMD4<Float>>, _ i: Int) {
            store(row.a, at + (4 * i) * stride)
            store(row.b, at + (4 * i + 1) * stride)
            store(row.c, at + (4 * i + 2) * stride)
            store(row.d, at + (4 * i + 3) * stride)
        }
        put(t.a, 0)
        put(t.b, 1)
        put(t.c, 2)
        put(t.d, 3)
    }

    /// U[e, o, c] = (G g G^T)[e] for each 3x3 filter g = weight[o, c],
    /// G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
    private func transformFilters(_ weight: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let filters = cout * cin
        for f in 0..<filters {
            let g = weight + f * 9
            func gRow(_ a: Float, _ b: Float, _ c: Float) -> Quad<Float> { Quad(a, 0.5 * (a + b + c), 0.5 * (a - b + c), c) }
            let (r0, r1, r2) = (gRow(g[0], g[1], g[2]), gRow(g[3], g[4], g[5]), gRow(g[6], g[7], g[8]))  // g G^T
            let u4 = Quad(r0, 0.5 * (r0 + r1 + r2), 0.5 * (r0 - r1 + r2), r2)                             // G g G^T
            func put(_ row: Quad<Float>, _ i: Int) {
                u[(4 * i) * filters + f] = row.a
                u[(4 * i + 1) * filters + f] = row.b
                u[(4 * i + 2) * filters + f] = row.c
                u[(4 * i + 3) * filters + f] = row.d
            }
            put(u4.a, 0)
            put(u4.b, 1)
            put(u4.c, 2)
            put(u4.d, 3)
        }
    }

    /// dweight[o, c] += G^T dU[:, o, c] G, the adjoint of `transformFilters`.
    private func addFilterGradient(_ dU: UnsafePointer<Float>, into dWeight: UnsafeMutablePointer<Float>) {
        let filters = cout * cin
        for f in 0..<filters {
            func row(_ i: Int) -> Quad<Float> {
                Quad(dU[(4 * i) * filters + f], dU[(4 * i + 1) * filters + f], dU[(4 * i + 2) * filters + f], dU[(4 * i + 3) * filters + f])
            }
            let (u0, u1, u2, u3) = (row(0), row(1), row(2), row(3))
            func add(_ r: Quad<Float>, _ g: UnsafeMutablePointer<Float>) {  // row r of G^T dU, times G
                g[0] += r.a + 0.5 * (r.b + r.c)
                g[1] += 0.5 * (r.b - r.c)
                g[2] += 0.5 * (r.b + r.c) + r.d
            }
            let g = dWeight + f * 9
            add(u0 + 0.5 * (u1 + u2), g)
            add(0.5 * (u1 - u2), g + 3)
            add(0.5 * (u1 + u2) + u3, g + 6)
        }
    }

    /// V[e, c, tile] = (B^T d B)[e] for each 4x4 input tile d (rows 2ty-1...2ty+2
    /// and columns 2tx-1...2tx+2 of the input, zero outside). The transform is
    /// separable: d B is computed once per padded row (each row serves two tile
    /// rows) into `rowScratch`, then B^T combines four of those rows.
    private func transformInput(_ x: UnsafePointer<Float>, n: Int, samples: Range<Int>, into v: UnsafeMutablePointer<Float>) {
        let (h, w, wp, tw) = (input.height, input.width, input.width + 2, tilesWide)
        let t = samples.count * tiles, stride = cin * t
        let padded = self.padded.reserve((h + 2) * wp)
        let rowsB = rowScratch.reserve((h + 2) * 4 * tw)  // [H + 2, 4, W/2]: (padded row r) B for each tile column
        padded.update(repeating: 0, count: (h + 2) * wp)
        let groups = groups
        for c in 0..<cin {
            for s in samples {
                let source = x + (c * n + s) * plane
                Conv2D.pad(source, height: h, width: w, padding: 1, into: padded)
                for r in 0..<(h + 2) {
                    for tx in groups {
                        // Columns j = 0...3 of tile k are at 2k + j.
                        let p = padded + r * wp + 2 * tx
                        let (left, right) = (Self.load8(p), Self.load8(p + 2))
                        let q = Self.bt(Quad(left.evenHalf, left.oddHalf, right.evenHalf, right.oddHalf))
                        let at = rowsB + r * 4 * tw + tx
                        Self.store(q.a, at)
                        Self.store(q.b, at + tw)
                        Self.store(q.c, at + 2 * tw)
                        Self.store(q.d, at + 3 * tw)
                    }
                }
                let base = v + c * t + (s - samples.lowerBound) * tiles
                for ty in 0..<tilesHigh {
                    for j in 0..<4 {
                        let column = rowsB + 2 * ty * 4 * tw + j * tw
                        for tx in groups {
                            let q = Self.bt(Quad(Self.load4(column + tx), Self.load4(column + 4 * tw + tx),
                                                 Self.load4(column + 8 * tw + tx), Self.load4(column + 12 * tw + tx)))
                            let at = base + j * stride + ty * tw + tx
                            Self.store(q.a, at)
                            Self.store(q.b, at + 4 * stride)
                            Self.store(q.c, at + 8 * stride)
                            Self.store(q.d, at + 12 * stride)
                        }
                    }
                }
            }
        }
    }

    /// dx = sum over tiles of B dV B^T, the adjoint of `transformInput`, also
    /// in two separable passes. Down the columns: B dV for each tile row goes
    /// into `rowScratch` (rows of neighbouring tile rows overlap by two and are
    /// added). Along each row: B^T spreads the four values of each tile over
    /// its four pixels, and neighbouring tiles (overlapping by two) are added.
    private func transformInputGradient(_ dV: UnsafePointer<Float>, n: Int, samples: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let (h, w, tw) = (input.height, input.width, tilesWide)
        let t = samples.count * tiles, stride = cin * t
        let rowsB = rowScratch.reserve((h + 2) * 4 * tw)  // [H + 2, 4, W/2]: B dV per padded row r and tile column
        let part = part.reserve(16 * tw)
        let groups = groups
        for c in 0..<cin {
            for s in samples {
                rowsB.update(repeating: 0, count: (h + 2) * 4 * tw)
                let base = dV + c * t + (s - samples.lowerBound) * tiles
                for ty in 0..<tilesHigh {
                    for j in 0..<4 {
                        for tx in groups {
                            let at = base + j * stride + ty * tw + tx
                            let q = Self.b(Quad(Self.load4(at), Self.load4(at + 4 * stride), Self.load4(at + 8 * stride), Self.load4(at + 12 * stride)))
                            let out = part + j * tw + tx
                            Self.store(q.a, out)
                            Self.store(q.b, out + 4 * tw)
                            Self.store(q.c, out + 8 * tw)
                            Self.store(q.d, out + 12 * tw)
                        }
                    }
                    Conv2D.add(part, to: rowsB + 2 * ty * 4 * tw, count: 16 * tw)
                }
                for r in 1...h {
                    let row = rowsB + r * 4 * tw
                    for tx in groups {
                        let q = Self.b(Quad(Self.load4(row + tx), Self.load4(row + tw + tx), Self.load4(row + 2 * tw + tx), Self.load4(row + 3 * tw + tx)))
                        Self.store(q.a, part + tx)
                        Self.store(q.b, part + tw + tx)
                        Self.store(q.c, part + 2 * tw + tx)
                        Self.store(q.d, part + 3 * tw + tx)
                    }
                    // Padded column 2k + j gets value j of tile k: pixel 2k (padded 2k + 1) from
                    // tiles k (j = 1) and k - 1 (j = 3); pixel 2k + 1 from tiles k + 1 (j = 0) and k (j = 2).
                    let (v0, v1, v2, v3) = (part, part + tw, part + 2 * tw, part + 3 * tw)
                    let target = dx + (c * n + s) * plane + (r - 1) * w
                    target[0] = v1[0]
                    target[1] = v0[1] + v2[0]
                    for k in 1..<(tw - 1) {
                        target[2 * k] = v1[k] + v3[k - 1]
                        target[2 * k + 1] = v0[k + 1] + v2[k]
                    }
                    target[w - 2] = v1[tw - 1] + v3[tw - 2]
                    target[w - 1] = v2[tw - 1]
                }
            }
        }
    }

    /// y[o, s, 2ty...2ty+1, 2tx...2tx+1] = A^T M A + bias (then ReLU if fused),
    /// A^T = [1 1 1 0; 0 1 -1 -1].
    private func transformOutput(_ m: UnsafePointer<Float>, bias: UnsafePointer<Float>, n: Int, samples: Range<Int>,
                                 into y: UnsafeMutablePointer<Float>) {
        let (w, t) = (output.width, samples.count * tiles)
        let stride = cout * t
        let groups = groups
        for o in 0..<cout {
            let b = SIMD8<Float>(repeating: bias[o])
            for s in samples {
                let base = m + o * t + (s - samples.lowerBound) * tiles
                let target = y + (o * n + s) * plane
                for ty in 0..<tilesHigh {
                    for tx in groups {
                        let m4 = Self.loadTiles(base + ty * tilesWide + tx, stride: stride)
                        let (r0, r1, r2, r3) = (Self.at(m4.a), Self.at(m4.b), Self.at(m4.c), Self.at(m4.d))  // M A
                        let (y00, y10) = Self.at(Quad(r0.0, r1.0, r2.0, r3.0))                                // A^T M A, left column
                        let (y01, y11) = Self.at(Quad(r0.1, r1.1, r2.1, r3.1))                                // right column
                        // Output row 2ty of the four tiles is y00 and y01 interleaved: 8 contiguous pixels.
                        var (upper, lower) = (SIMD8<Float>(), SIMD8<Float>())
                        upper.evenHalf = y00
                        upper.oddHalf = y01
                        lower.evenHalf = y10
                        lower.oddHalf = y11
                        upper += b
                        lower += b
                        if relu {
                            upper.replace(with: 0, where: upper .< 0)
                            lower.replace(with: 0, where: lower .< 0)
                        }
                        let p = target + 2 * ty * w + 2 * tx
                        Self.store(upper, p)
                        Self.store(lower, p + w)
                    }
                }
            }
        }
    }

    /// dM = A dy A^T for each 2x2 block of dy, the adjoint of `transformOutput`'s
    /// A^T M A, with A = [1 0; 1 1; 1 -1; 0 -1].
    private func transformOutputGradient(_ dy: UnsafePointer<Float>, n: Int, samples: Range<Int>, into dM: UnsafeMutablePointer<Float>) {
        let (w, t) = (output.width, samples.count * tiles)
        let stride = cout * t
        let groups = groups
        for o in 0..<cout {
            for s in samples {
                let source = dy + (o * n + s) * plane
                let base = dM + o * t + (s - samples.lowerBound) * tiles
                for ty in 0..<tilesHigh {
                    for tx in groups {
                        let p = source + 2 * ty * w + 2 * tx
                        let (upper, lower) = (Self.load8(p), Self.load8(p + w))
                        let rows = Self.a((Self.a((upper.evenHalf, upper.oddHalf)), Self.a((lower.evenHalf, lower.oddHalf))))
                        Self.storeTiles(rows, base + ty * tilesWide + tx, stride: stride)
                    }
                }
            }
        }
    }

    /// B^T q, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
    @inline(__always)
    private static func bt<T: TileValue>(_ q: Quad<T>) -> Quad<T> {
        Quad(q.a - q.c, q.b + q.c, q.c - q.b, q.b - q.d)
    }

    /// B q, B = [1 0 0 0; 0 1 -1 1; -1 1 1 0; 0 0 0 -1].
    @inline(__always)
    private static func b<T: TileValue>(_ q: Quad<T>) -> Quad<T> {
        Quad(q.a, q.b - q.c + q.d, q.b + q.c - q.a, .zero - q.d)
    }

    /// A^T q, A^T = [1 1 1 0; 0 1 -1 -1].
    @inline(__always)
    private static func at<T: TileValue>(_ q: Quad<T>) -> (T, T) {
        (q.a + q.b + q.c, q.b - q.c - q.d)
    }

    /// A p, A = [1 0; 1 1; 1 -1; 0 -1].
    @inline(__always)
    private static func a<T: TileValue>(_ p: (T, T)) -> Quad<T> {
        Quad(p.0, p.0 + p.1, p.0 - p.1, .zero - p.1)
    }
}

/// Four values: a row or column of a 4x4 tile. Nested (`Quad<Quad<...>>`) it is
/// a whole tile, so the 1-D transforms above apply along either axis.
struct Quad<T: TileValue>: TileValue {
    var a, b, c, d: T

    init(_ a: T, _ b: T, _ c: T, _ d: T) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    static var zero: Quad { Quad(.zero, .zero, .zero, .zero) }

    static func + (l: Quad, r: Quad) -> Quad { Quad(l.a + r.a, l.b + r.b, l.c + r.c, l.d + r.d) }
    static func - (l: Quad, r: Quad) -> Quad { Quad(l.a - r.a, l.b - r.b, l.c - r.c, l.d - r.d) }
}

extension Quad where T == Float {
    static func * (k: Float, q: Quad) -> Quad { Quad(k * q.a, k * q.b, k * q.c, k * q.d) }
}

/// What the transforms need of a value: a float, four floats (four tiles), or a Quad of them.
protocol TileValue {
    static var zero: Self { get }
    static func + (l: Self, r: Self) -> Self
    static func - (l: Self, r: Self) -> Self
}

extension Float: TileValue {}
extension SIMD4: TileValue where Scalar == Float {}
