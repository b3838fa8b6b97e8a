import Kernels

/// 2-D convolution as im2col + SGEMM; backward is two SGEMMs and col2im.
/// Weight [cout, cin, k, k] then bias [cout], as PyTorch's Conv2d.
///
/// A shard is processed a few samples at a time (`chunk`), so the unfolded
/// input of a chunk stays in the core's L2 cache between im2col and the GEMM
/// that reads it. Backward unfolds each chunk again instead of keeping the
/// whole unfolded shard (tens of MB) from the forward pass. The weight
/// gradient is summed chunk after chunk, so `chunk` is part of the reduction
/// order: it depends on the layer's shape only, never on the thread count.
///
/// With `relu`, the layer is a conv followed by ReLU, as LayerStack fuses
/// them: max(., 0) is applied to each chunk of output, and backward masks each
/// chunk of gradient, while it is in cache, instead of in two more passes over
/// the whole activation.
final class Conv2D: ConvolutionLayer {
    /// Bytes of unfolded input per chunk: half of a 1 MiB L2, leaving room for
    /// the weights and the kernels' packed panels.
    static let chunkBytes = 512 * 1024

    let cin, cout, kernel, stride, padding: Int
    let input: Shape, output: Shape
    let offset: Int
    let needsInputGradient: Bool
    let relu: Bool
    let gemm: GEMM
    /// Samples per chunk (from `chunkBytes`; tests pass small ones to cover partial chunks).
    let chunk: Int

    private var x: UnsafeMutablePointer<Float>?  // [cin, n, H, W] the input, owned by the previous layer
    private let col = Buffer<Float>()            // [cin*k*k, chunk*Ho*Wo] one chunk unfolded
    private let out = Buffer<Float>()            // [cout, n, Ho, Wo] conv(x), or relu(conv(x))
    private let dCol = Buffer<Float>()           // [cin*k*k, chunk*Ho*Wo]
    private let dInput = Buffer<Float>()         // [cin, n, H, W]
    private let padded = Buffer<Float>()         // [H + 2p, W + 2p] one input plane, for im2col and col2im
    private let shape: hw2_conv_shape

    init(cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, input: Shape, output: Shape,
         offset: Int, needsInputGradient: Bool, relu: Bool = false, chunk: Int? = nil, path: KernelPath = .fastest,
         team: Team = .alone) {
        self.cin = cin
        self.cout = cout
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.input = input
        self.output = output
        self.offset = offset
        self.needsInputGradient = needsInputGradient
        self.relu = relu
        gemm = GEMM(path: path, team: team)
        shape = hw2_conv_shape(cin: cin, h: input.height, w: input.width, kernel: kernel, stride: stride, padding: padding,
                               ho: output.height, wo: output.width)
        let bytesPerSample = cin * kernel * kernel * output.height * output.width * MemoryLayout<Float>.size
        self.chunk = chunk ?? max(1, Self.chunkBytes / bytesPerSample)
    }

    private var rows: Int { cin * kernel * kernel }
    private var paddedPlane: UnsafeMutablePointer<Float> {
        padded.reserve((input.height + 2 * padding) * (input.width + 2 * padding))
    }
    private var plane: Int { output.height * output.width }

    /// The chunks of a shard of n samples, in order.
    private func chunks(_ n: Int) -> StrideTo<Int> { Swift.stride(from: 0, to: n, by: chunk) }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        self.x = x
        let columns = n * plane
        let col = col.reserve(rows * min(chunk, n) * plane)
        let y = out.reserve(cout * columns)
        let weight = params + offset, bias = weight + cout * rows
        for first in chunks(n) {
            let samples = first..<min(first + chunk, n)
            let width = samples.count * plane
            hw2_im2col(gemm.path.cValue, shape, n, samples.lowerBound, samples.upperBound, x, col, paddedPlane)
            gemm.team.elements(cout) { part in
                for c in part { (y + c * columns + first * plane).update(repeating: bias[c], count: width) }
            }
            // y[:, chunk] [cout, width] += W [cout, rows] x col [rows, width]
            gemm(m: cout, n: width, k: rows, a: weight, b: col, accumulate: true, c: y + first * plane, ldc: columns)
            if relu { ReLU.apply(y + first * plane, rows: cout, stride: columns, count: width, path: gemm.path, team: gemm.team) }
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        guard let x else { preconditionFailure("Conv2D.backward before forward") }
        let columns = n * plane
        let weight = params + offset
        let dWeight = grads + offset, dBias = dWeight + cout * rows
        let col = col.reserve(rows * min(chunk, n) * plane)
        let dCol = needsInputGradient ? dCol.reserve(rows * min(chunk, n) * plane) : nil
        let dx = needsInputGradient ? dInput.reserve(cin * n * input.height * input.width) : nil
        for first in chunks(n) {
            let samples = first..<min(first + chunk, n)
            let width = samples.count * plane
            if relu {
                ReLU.mask(dy + first * plane, by: out.pointer + first * plane, rows: cout, stride: columns, count: width, path: gemm.path,
                          team: gemm.team)
            }
            hw2_im2col(gemm.path.cValue, shape, n, samples.lowerBound, samples.upperBound, x, col, paddedPlane)
            // dW [cout, rows] += dy[:, chunk] [cout, width] x col^T [width, rows]
            gemm(transB: true, m: cout, n: rows, k: width, a: dy + first * plane, lda: columns, b: col, accumulate: true, c: dWeight)
            guard let dCol, let dx else { continue }
            // dCol [rows, width] = W^T [rows, cout] x dy[:, chunk] [cout, width]
            gemm(transA: true, m: rows, n: width, k: cout, a: weight, b: dy + first * plane, ldb: columns, accumulate: false, c: dCol)
            hw2_col2im(gemm.path.cValue, shape, n, samples.lowerBound, samples.upperBound, dCol, dx, paddedPlane)
        }
        BiasGradient.add(rows: cout, columns: columns, dy, into: dBias, path: gemm.path, team: gemm.team)
        return dx
    }
}
