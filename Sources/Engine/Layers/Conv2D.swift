/// 2-D convolution as im2col + one SGEMM per shard; backward is two SGEMMs and
/// col2im. Weight [cout, cin, k, k] then bias [cout], as PyTorch's Conv2d.
final class Conv2D: Layer {
    let cin, cout, kernel, stride, padding: Int
    let input: Shape, output: Shape
    let offset: Int
    let needsInputGradient: Bool

    private let col = Buffer<Float>()     // [cin*k*k, n*Ho*Wo] the unfolded input
    private let out = Buffer<Float>()     // [cout, n, Ho, Wo]
    private let dCol = Buffer<Float>()    // [cin*k*k, n*Ho*Wo]
    private let dInput = Buffer<Float>()  // [cin, n, H, W]

    init(cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, input: Shape, output: Shape,
         offset: Int, needsInputGradient: Bool) {
        self.cin = cin
        self.cout = cout
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.input = input
        self.output = output
        self.offset = offset
        self.needsInputGradient = needsInputGradient
    }

    private var rows: Int { cin * kernel * kernel }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let columns = n * output.height * output.width
        let col = col.reserve(rows * columns)
        let y = out.reserve(cout * columns)
        im2col(x, n: n, into: col)
        let weight = params + offset, bias = weight + cout * rows
        for c in 0..<cout {
            let row = y + c * columns, b = bias[c]
            for j in 0..<columns { row[j] = b }
        }
        BLAS.gemm(m: cout, n: columns, k: rows, a: weight, b: col, beta: 1, c: y)
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let columns = n * output.height * output.width
        let dWeight = grads + offset, dBias = dWeight + cout * rows
        Self.addRowSums(dy, rows: cout, columns: columns, into: dBias)
        // dW [cout, rows] += dy [cout, columns] x col^T [columns, rows]
        BLAS.gemm(transB: true, m: cout, n: rows, k: columns, a: dy, b: col.pointer, beta: 1, c: dWeight)
        guard needsInputGradient else { return nil }
        // dCol [rows, columns] = W^T [rows, cout] x dy [cout, columns]
        let dCol = dCol.reserve(rows * columns)
        BLAS.gemm(transA: true, m: rows, n: columns, k: cout, a: params + offset, b: dy, beta: 0, c: dCol)
        let dx = dInput.reserve(cin * n * input.height * input.width)
        col2im(dCol, n: n, into: dx)
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

    /// For output column ox the valid input column is ox*stride - padding + kj;
    /// this is the range of ox for which it lies inside [0, W).
    @inline(__always)
    private func validRange(_ offset: Int, size: Int, outSize: Int) -> Range<Int> {
        let lower = max(0, (padding - offset + stride - 1) / stride)
        let upper = min(outSize, (size - 1 + padding - offset) / stride + 1)
        return lower..<max(lower, upper)
    }

    /// col[(c*k + ki)*k + kj, (s*Ho + oy)*Wo + ox] = x[c, s, oy*stride - pad + ki, ox*stride - pad + kj], 0 outside.
    private func im2col(_ x: UnsafePointer<Float>, n: Int, into col: UnsafeMutablePointer<Float>) {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let columns = n * ho * wo
        for c in 0..<cin {
            for ki in 0..<kernel {
                let ys = validRange(ki, size: h, outSize: ho)
                for kj in 0..<kernel {
                    let xs = validRange(kj, size: w, outSize: wo)
                    let row = col + ((c * kernel + ki) * kernel + kj) * columns
                    for s in 0..<n {
                        let plane = x + (c * n + s) * h * w
                        // Rows are short (28 or 14 floats): plain loops beat memcpy/memset calls.
                        for oy in 0..<ho {
                            let dst = row + (s * ho + oy) * wo
                            guard ys.contains(oy) else {
                                for ox in 0..<wo { dst[ox] = 0 }
                                continue
                            }
                            let src = plane + (oy * stride - padding + ki) * w - padding + kj
                            for ox in 0..<xs.lowerBound { dst[ox] = 0 }
                            if stride == 1 {
                                for ox in xs { dst[ox] = src[ox] }
                            } else {
                                for ox in xs { dst[ox] = src[ox * stride] }
                            }
                            for ox in xs.upperBound..<wo { dst[ox] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: every column entry is added back to the pixel it came from.
    private func col2im(_ col: UnsafePointer<Float>, n: Int, into x: UnsafeMutablePointer<Float>) {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let columns = n * ho * wo
        x.update(repeating: 0, count: cin * n * h * w)
        for c in 0..<cin {
            for ki in 0..<kernel {
                let ys = validRange(ki, size: h, outSize: ho)
                for kj in 0..<kernel {
                    let xs = validRange(kj, size: w, outSize: wo)
                    let row = col + ((c * kernel + ki) * kernel + kj) * columns
                    for s in 0..<n {
                        let plane = x + (c * n + s) * h * w
                        for oy in ys {
                            let src = row + (s * ho + oy) * wo
                            let dst = plane + (oy * stride - padding + ki) * w - padding + kj
                            if stride == 1 {
                                for ox in xs { dst[ox] += src[ox] }
                            } else {
                                for ox in xs { dst[ox * stride] += src[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
