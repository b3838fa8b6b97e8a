import Kernels

/// max(x, 0) (Swift's: +0 for -0, NaN kept), in place: the output overwrites the input, and backward masks the
/// incoming gradient where the output was zero (PyTorch's convention at 0).
final class ReLU: Layer {
    let size: Int                                // features per sample
    let path: KernelPath
    let team: Team
    private var y: UnsafeMutablePointer<Float>?  // [n * size] the output, owned by the previous layer

    init(size: Int, path: KernelPath = .fastest, team: Team = .alone) {
        self.size = size
        self.path = path
        self.team = team
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        Self.apply(x, rows: 1, stride: 0, count: n * size, path: path, team: team)
        y = x
        return x
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        guard let y else { preconditionFailure("ReLU.backward before forward") }
        Self.mask(dy, by: y, rows: 1, stride: 0, count: n * size, path: path, team: team)
        return dy
    }

    /// x = max(x, 0) on `count` values of each of `rows` rows, `stride` apart:
    /// one chunk of a [C, n, H, W] activation, or (one row) a whole one.
    static func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, count: Int, path: KernelPath, team: Team) {
        team.rows(rows, stride: stride, count: count) { at, rows, count in hw2_relu(path.cValue, rows, count, stride, x + at) }
    }

    /// dy = y > 0 ? dy : 0, laid out as for `apply`.
    static func mask(_ dy: UnsafeMutablePointer<Float>, by y: UnsafePointer<Float>, rows: Int, stride: Int, count: Int,
                     path: KernelPath, team: Team) {
        team.rows(rows, stride: stride, count: count) { at, rows, count in
            hw2_relu_mask(path.cValue, rows, count, stride, dy + at, y + at)
        }
    }
}
