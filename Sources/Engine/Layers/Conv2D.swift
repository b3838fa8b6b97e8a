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
/// them: max(0, .) is applied to each chunk of output, and backward masks each
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

    init(cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, input: Shape, output: Shape,
         offset: Int, needsInputGradient: Bool, relu: Bool = false, chunk: Int? = nil, path: KernelPath = .fastest) {
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
        gemm = GEMM(path: path)
        let bytesPerSample = cin * kernel * kernel * output.height * output.width * MemoryLayout<Float>.size
        self.chunk = chunk ?? max(1, Self.chunkBytes / bytesPerSample)
    }

    private var rows: Int { cin * kernel * kernel }
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
            im2col(x, n: n, samples: samples, into: col)
            for c in 0..<cout {
                let row = y + c * columns + first * plane, b = bias[c]
                for j in 0..<width { row[j] = b }
            }
            // y[:, chunk] [cout, width] += W [cout, rows] x col [rows, width]
            gemm(m: cout, n: width, k: rows, a: weight, b: col, accumulate: true, c: y + first * plane, ldc: columns)
            if relu { ReLU.apply(y + first * plane, rows: cout, stride: columns, count: width) }
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let columns = n * plane
        let weight = params + offset
        let dWeight = grads + offset, dBias = dWeight + cout * rows
        let col = col.reserve(rows * min(chunk, n) * plane)
        let dCol = needsInputGradient ? dCol.reserve(rows * min(chunk, n) * plane) : nil
        let dx = needsInputGradient ? dInput.reserve(cin * n * input.height * input.width) : nil
        for first in chunks(n) {
            let samples = first..<min(first + chunk, n)
            let width = samples.count * plane
            if relu { ReLU.mask(dy + first * plane, by: out.pointer + first * plane, rows: cout, stride: columns, count: width) }
            im2col(x!, n: n, samples: samples, into: col)
            // dW [cout, rows] += dy[:, chunk] [cout, width] x col^T [width, rows]
            gemm(transB: true, m: cout, n: rows, k: width, a: dy + first * plane, lda: columns, b: col, accumulate: true, c: dWeight)
            guard let dCol, let dx else { continue }
            // dCol [rows, width] = W^T [rows, cout] x dy[:, chunk] [cout, width]
            gemm(transA: true, m: rows, n: width, k: cout, a: weight, b: dy + first * plane, ldb: columns, accumulate: false, c: dCol)
            col2im(dCol, n: n, samples: samples, into: dx)
        }
        Self.addRowSums(dy, rows: cout, columns: columns, into: dBias)
        return dx
    }

    /// into[r] += sum of row r, each row summed left to right. Four rows go
    /// side by side so the four dependency chains overlap; each row's order,
    /// and so its bits, is that of a plain loop.
    static func addRowSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into: UnsafeMutablePointer<Float>) {
        var r = 0
        while r + 4 <= rows {
            let (a, b, c, d) = (m + r * columns, m + (r + 1) * columns, m + (r + 2) * columns, m + (r + 3) * columns)
            var (sa, sb, sc, sd): (Float, Float, Float, Float) = (0, 0, 0, 0)
            for j in 0..<columns {
                sa += a[j]
                sb += b[j]
                sc += c[j]
                sd += d[j]
            }
            into[r] += sa
            into[r + 1] += sb
            into[r + 2] += sc
            into[r + 3] += sd
            r += 4
        }
        for row in r..<rows {
            var sum: Float = 0
            for j in 0..<columns { sum += m[row * columns + j] }
            into[row] += sum
        }
    }

    /// Copies plane [h, w] into the inside of padded [h + 2p, w + 2p]. The
    /// border is left as it is: callers zero the scratch once, and no copy writes there.
    @inline(__always)
    static func pad(_ plane: UnsafePointer<Float>, height h: Int, width w: Int, padding p: Int, into padded: UnsafeMutablePointer<Float>) {
        for y in 0..<h { copy(plane + y * w, to: padded + (y + p) * (w + 2 * p) + p, count: w) }
    }

    /// For the samples s of a chunk starting at s0:
    /// col[(c*k + ki)*k + kj, ((s-s0)*Ho + oy)*Wo + ox] = x[c, s, oy*stride - pad + ki, ox*stride - pad + kj], 0 outside.
    /// Each input plane is padded once into a small scratch, so the copies have no bounds tests.
    private func im2col(_ x: UnsafePointer<Float>, n: Int, samples: Range<Int>, into col: UnsafeMutablePointer<Float>) {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let wp = w + 2 * padding
        let columns = samples.count * ho * wo
        let padded = self.padded.reserve((h + 2 * padding) * wp)
        padded.update(repeating: 0, count: (h + 2 * padding) * wp)
        for c in 0..<cin {
            for s in samples {
                Self.pad(x + (c * n + s) * h * w, height: h, width: w, padding: padding, into: padded)
                for ki in 0..<kernel {
                    for kj in 0..<kernel {
                        let block = col + ((c * kernel + ki) * kernel + kj) * columns + (s - samples.lowerBound) * ho * wo
                        for oy in 0..<ho {
                            let src = padded + (oy * stride + ki) * wp + kj, dst = block + oy * wo
                            if stride == 1 {
                                Self.copy(src, to: dst, count: wo)
                            } else {
                                for ox in 0..<wo { dst[ox] = src[ox * stride] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: every column entry is added back to the pixel it
    /// came from, in (ki, kj) order. Sets the chunk's samples of x and leaves the others alone.
    private func col2im(_ col: UnsafePointer<Float>, n: Int, samples: Range<Int>, into x: UnsafeMutablePointer<Float>) {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let wp = w + 2 * padding
        let columns = samples.count * ho * wo
        let padded = self.padded.reserve((h + 2 * padding) * wp)
        for c in 0..<cin {
            for s in samples {
                padded.update(repeating: 0, count: (h + 2 * padding) * wp)
                for ki in 0..<kernel {
                    for kj in 0..<kernel {
                        let block = col + ((c * kernel + ki) * kernel + kj) * columns + (s - samples.lowerBound) * ho * wo
                        for oy in 0..<ho {
                            let src = block + oy * wo, dst = padded + (oy * stride + ki) * wp + kj
                            if stride == 1 {
                                Self.add(src, to: dst, count: wo)
                            } else {
                                for ox in 0..<wo { dst[ox * stride] += src[ox] }
                            }
                        }
                    }
                }
                let plane = x + (c * n + s) * h * w
                for y in 0..<h {
                    let src = padded + (y + padding) * wp + padding, dst = plane + y * w
                    for x in 0..<w { dst[x] = src[x] }
                }
            }
        }
    }

    /// dst[0..<count] = src[0..<count] for the short rows of im2col: eight
    /// floats at a time, the last eight overlapping the previous ones, so a row
    /// of 14 or 28 takes two or four moves and no scalar tail.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 8 else {
            for i in 0..<count { dst[i] = src[i] }
            return
        }
        let (from, to) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        var i = 0
        while i < count {
            let at = min(i, count - 8) * MemoryLayout<Float>.size
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self), toByteOffset: at, as: SIMD8<Float>.self)
            i += 8
        }
    }

    /// dst[0..<count] += src[0..<count], eight floats at a time (each element
    /// gets exactly one add, so the result is that of a plain loop).
    @inline(__always)
    static func add(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        let (from, to) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        var i = 0
        while i + 8 <= count {
            let at = i * MemoryLayout<Float>.size
            let sum = to.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self) + from.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: at, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            dst[i] += src[i]
            i += 1
        }
    }
}
