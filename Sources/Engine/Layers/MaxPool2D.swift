/// size x size max pooling with stride = size. Backward sends each gradient to
/// the input that won; ties go to the first in row-major order, as in PyTorch
/// (NaN inputs are not propagated: training stops being meaningful before that).
final class MaxPool2D: Layer {
    let size: Int
    let input: Shape, output: Shape

    private let out = Buffer<Float>()     // [C, n, Ho, Wo]
    private let argmax = Buffer<Int32>()  // [C, n, Ho, Wo] offset of the winner inside its input plane
    private let dInput = Buffer<Float>()  // [C, n, H, W]

    init(size: Int, input: Shape, output: Shape) {
        self.size = size
        self.input = input
        self.output = output
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let planes = input.channels * n
        let y = out.reserve(planes * ho * wo), arg = argmax.reserve(planes * ho * wo)
        for p in 0..<planes {
            let src = x + p * h * w
            for oy in 0..<ho {
                let row = src + oy * size * w
                let o = (p * ho + oy) * wo
                if size == 2 {
                    // The homework's case, unrolled: the scan order (a, b, c, d) is the tie rule.
                    for ox in 0..<wo {
                        let at = 2 * ox
                        var value = row[at], best = at
                        if row[at + 1] > value { value = row[at + 1]; best = at + 1 }
                        if row[at + w] > value { value = row[at + w]; best = at + w }
                        if row[at + w + 1] > value { value = row[at + w + 1]; best = at + w + 1 }
                        y[o + ox] = value
                        arg[o + ox] = Int32(oy * size * w + best)
                    }
                    continue
                }
                for ox in 0..<wo {
                    var best = ox * size, value = row[best]
                    for dy in 0..<size {
                        for dx in 0..<size where row[dy * w + ox * size + dx] > value {
                            best = dy * w + ox * size + dx
                            value = row[best]
                        }
                    }
                    y[o + ox] = value
                    arg[o + ox] = Int32(oy * size * w + best)
                }
            }
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let (h, w, ho, wo) = (input.height, input.width, output.height, output.width)
        let planes = input.channels * n
        let dx = dInput.reserve(planes * h * w)
        dx.update(repeating: 0, count: planes * h * w)
        let arg = argmax.pointer
        for p in 0..<planes {
            let plane = dx + p * h * w
            for o in (p * ho * wo)..<((p + 1) * ho * wo) { plane[Int(arg[o])] += dy[o] }
        }
        return dx
    }
}
