import Kernels

/// 3x3 convolution, stride 1, padding 1, by Winograd's minimal filtering
/// F(4x4, 3x3) (Lavin and Gray 2016): every 4x4 block of output is computed
/// from a 6x6 block of input with 36 multiplies per channel pair instead of
/// 144. Each of the 36 positions of the transformed tile is one SGEMM over
/// the channels, so the work of im2col + one big SGEMM becomes cheap
/// transforms + 36 SGEMMs with 4x fewer multiply-adds (a little less where
/// the plane's side is not a multiple of 4 and the last tiles are padded), in
/// forward and in both gradients.
///
///     forward  U = G g G^T (per filter)   V = B^T d B (per input tile)
///              M[e] = U[e] x V[e]         y = A^T M A + bias
///     backward dM = A dy A^T              dU[e] += dM[e] x V[e]^T    dg = G^T dU G
///              dV[e] = U[e]^T x dM[e]     dd = B dV B^T, added into the input tiles (they overlap by 2)
///
/// Same parameters and layout as Conv2D (weight [cout, cin, 3, 3], bias [cout]);
/// the results agree to float rounding, not to the bit. Like Conv2D it works a
/// chunk of samples at a time, so a chunk's transformed tiles stay in cache, and
/// it transforms the input again in backward rather than keeping it.
/// The weight gradient is summed chunk after chunk in the transformed domain
/// and taken back to 3x3 once per shard. A team splits the transforms by
/// channel and the GEMMs by position, each member with its own scratch.
final class WinogradConv3x3: ConvolutionLayer {
    /// Bytes of transformed input and output tiles per chunk.
    static let chunkBytes = 1024 * 1024
    /// Outputs per side of a tile: F(4x4, 3x3).
    static let tileSize = 4
    /// Transformed values per tile, (4 + 3 - 1)^2: one GEMM each.
    static let positions = 36

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
    private let u = Buffer<Float>()              // [36, cout, cin] transformed filters
    private let v = Buffer<Float>()              // [36, cin, T] transformed input tiles of a chunk (T tiles)
    private let m = Buffer<Float>()              // [36, cout, T] transformed output tiles, then their gradient
    private let dV = Buffer<Float>()             // [36, cin, T]
    private let dU = Buffer<Float>()             // [36, cout, cin]
    private let out = Buffer<Float>()            // [cout, n, H, W] conv(x), or relu(conv(x))
    private let dInput = Buffer<Float>()         // [cin, n, H, W]
    private let scratch: [Buffer<Float>]         // [team.size][hw2_winograd_scratch] a chunk's tiles between the passes of a transform, and one padded plane
    private let shape: hw2_winograd_shape

    init(cin: Int, cout: Int, size: Shape, offset: Int, needsInputGradient: Bool, relu: Bool = false, chunk: Int? = nil,
         path: KernelPath = .fastest, team: Team = .alone) {
        self.cin = cin
        self.cout = cout
        input = Shape(cin, size.height, size.width)
        output = Shape(cout, size.height, size.width)
        self.offset = offset
        self.needsInputGradient = needsInputGradient
        self.relu = relu
        gemm = GEMM(path: path, team: team)
        scratch = (0..<team.size).map { _ in Buffer<Float>() }
        shape = hw2_winograd_shape(cin: cin, cout: cout, h: size.height, w: size.width)
        tilesHigh = (size.height + Self.tileSize - 1) / Self.tileSize
        tilesWide = (size.width + Self.tileSize - 1) / Self.tileSize
        let bytesPerSample = Self.positions * (cin + cout) * tilesHigh * tilesWide * MemoryLayout<Float>.size
        self.chunk = chunk ?? max(1, Self.chunkBytes / bytesPerSample)
    }

    /// Where LayerStack may use this layer instead of Conv2D: the homework's
    /// 3x3 convolutions past the first (with one input channel, the 36 SGEMMs
    /// would be outer products and im2col is faster).
    static func fits(cin: Int, kernel: Int, stride: Int, padding: Int, input: Shape) -> Bool {
        kernel == 3 && stride == 1 && padding == 1 && cin >= 8
    }

    private var tiles: Int { tilesHigh * tilesWide }
    private var path: hw2_kernel_path { gemm.path.cValue }
    private var team: Team { gemm.team }
    private func scratch(_ member: Int) -> UnsafeMutablePointer<Float> { scratch[member].reserve(hw2_winograd_scratch(shape, chunk)) }

    /// Runs a transform over `channels` channels, split across the team; `body(member scratch, c0, c1)`.
    private func transform(_ channels: Int, _ body: (UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        team.split(channels) { member, range in body(scratch(member), range.lowerBound, range.upperBound) }
    }

    /// Runs `body(e)` for the 36 positions, split across the team, each GEMM on its member's thread.
    private func positions(_ body: (Int) -> Void) {
        team.split(Self.positions) { _, range in range.forEach(body) }
    }
    private var plane: Int { input.height * input.width }

    /// The chunks of a shard of n samples, in order.
    private func chunks(_ n: Int) -> [Range<Int>] {
        Swift.stride(from: 0, to: n, by: chunk).map { $0..<min($0 + chunk, n) }
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        self.x = x
        let most = min(chunk, n) * tiles
        let (u, v, m) = (u.reserve(Self.positions * cout * cin), v.reserve(Self.positions * cin * most), m.reserve(Self.positions * cout * most))
        let y = out.reserve(cout * n * plane)
        hw2_winograd_filters(path, shape, params + offset, u)
        let bias = params + offset + cout * cin * 9
        for samples in chunks(n) {
            let t = samples.count * tiles
            let (s0, s1) = (samples.lowerBound, samples.upperBound)
            transform(cin) { scratch, c0, c1 in hw2_winograd_input(path, shape, n, s0, s1, c0, c1, x, v, scratch) }
            positions { e in
                // M[e] [cout, t] = U[e] [cout, cin] x V[e] [cin, t]
                gemm.alone(m: cout, n: t, k: cin, a: u + e * cout * cin, b: v + e * cin * t, accumulate: false, c: m + e * cout * t)
            }
            transform(cout) { scratch, c0, c1 in hw2_winograd_output(path, shape, n, s0, s1, c0, c1, m, bias, relu ? 1 : 0, y, scratch) }
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        guard let x else { preconditionFailure("WinogradConv3x3.backward before forward") }
        let most = min(chunk, n) * tiles
        let (u, v, dM) = (u.pointer, v.reserve(Self.positions * cin * most), m.reserve(Self.positions * cout * most))
        let dU = dU.reserve(Self.positions * cout * cin)
        dU.update(repeating: 0, count: Self.positions * cout * cin)
        let dV = needsInputGradient ? dV.reserve(Self.positions * cin * most) : nil
        let dx = needsInputGradient ? dInput.reserve(cin * n * plane) : nil
        for samples in chunks(n) {
            let t = samples.count * tiles
            let (s0, s1) = (samples.lowerBound, samples.upperBound)
            if relu {
                let at = s0 * plane
                ReLU.mask(dy + at, by: out.pointer + at, rows: cout, stride: n * plane, count: samples.count * plane, path: gemm.path,
                          team: team)
            }
            transform(cin) { scratch, c0, c1 in hw2_winograd_input(path, shape, n, s0, s1, c0, c1, x, v, scratch) }
            transform(cout) { scratch, c0, c1 in hw2_winograd_output_gradient(path, shape, n, s0, s1, c0, c1, dy, dM, scratch) }
            positions { e in
                // dU[e] [cout, cin] += dM[e] [cout, t] x V[e]^T [t, cin]
                gemm.alone(transB: true, m: cout, n: cin, k: t, a: dM + e * cout * t, b: v + e * cin * t, accumulate: true,
                           c: dU + e * cout * cin)
            }
            guard let dV, let dx else { continue }
            positions { e in
                // dV[e] [cin, t] = U[e]^T [cin, cout] x dM[e] [cout, t]
                gemm.alone(transA: true, m: cin, n: t, k: cout, a: u + e * cout * cin, b: dM + e * cout * t, accumulate: false,
                           c: dV + e * cin * t)
            }
            transform(cin) { scratch, c0, c1 in hw2_winograd_input_gradient(path, shape, n, s0, s1, c0, c1, dV, dx, scratch) }
        }
        hw2_winograd_filter_gradient(path, shape, dU, grads + offset)
        BiasGradient.add(rows: cout, columns: n * plane, dy, into: grads + offset + cout * cin * 9, path: gemm.path, team: team)
        return dx
    }
}
