/// max(0, x), in place: the output overwrites the input, and backward masks the
/// incoming gradient where the output was zero (PyTorch's convention at 0).
final class ReLU: Layer {
    let size: Int                                // features per sample
    private var y: UnsafeMutablePointer<Float>?  // [n * size] the output, owned by the previous layer

    init(size: Int) { self.size = size }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        Self.apply(x, count: n * size)
        y = x
        return x
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        Self.mask(dy, by: y!, count: n * size)
        return dy
    }

    static func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = max(x[i], 0) }
    }

    static func mask(_ dy: UnsafeMutablePointer<Float>, by y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { dy[i] = y[i] > 0 ? dy[i] : 0 }
    }
}
