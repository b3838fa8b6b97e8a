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

    /// `apply` on `count` values of each of `rows` rows, `stride` apart: one
    /// chunk of a [C, n, H, W] activation.
    static func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, count: Int) {
        for r in 0..<rows { apply(x + r * stride, count: count) }
    }

    /// `mask` on one chunk, laid out as for `apply(_:rows:stride:count:)`.
    static func mask(_ dy: UnsafeMutablePointer<Float>, by y: UnsafePointer<Float>, rows: Int, stride: Int, count: Int) {
        for r in 0..<rows { mask(dy + r * stride, by: y + r * stride, count: count) }
    }
}
