/// size x size max pooling with stride = size. Backward sends each gradient to
/// the input that won; ties go to the first in row-major order, as in PyTorch.
final class MaxPool2D: Layer {
    let size: Int
    let input: Shape, output: Shape

    private let out = Buffer()          // [C, n, Ho, Wo]
    private let argmax = IndexBuffer()  // [C, n, Ho, Wo] offset of the winner inside its input plane
    private let dInput = Buffer()       // [C, n, H, W]

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
                for ox in 0..<wo {
                    var best = (oy * size) * w + ox * size
                    var value = src[best]
                    for dy in 0..<size {
                        for dx in 0..<size {
                            let at = (oy * size + dy) * w + ox * size + dx
                            if src[at] > value || src[at].isNaN {
                                value = src[at]
                                best = at
                            }
                        }
                    }
                    let o = (p * ho + oy) * wo + ox
                    y[o] = value
                    arg[o] = Int32(best)
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
