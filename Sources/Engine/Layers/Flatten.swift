/// [C, n, H, W] -> [n, C*H*W]: from the conv stack's channel-major layout to
/// PyTorch's per-sample order, so FC weights match `nn.Linear` after `flatten`.
final class Flatten: Layer {
    let input: Shape
    private let out = Buffer<Float>()     // [n, C*H*W]
    private let dInput = Buffer<Float>()  // [C, n, H, W]

    init(input: Shape) { self.input = input }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let plane = input.height * input.width, c = input.channels
        let y = out.reserve(n * c * plane)
        for s in 0..<n {
            for ch in 0..<c {
                (y + (s * c + ch) * plane).update(from: x + (ch * n + s) * plane, count: plane)
            }
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let plane = input.height * input.width, c = input.channels
        let dx = dInput.reserve(n * c * plane)
        for s in 0..<n {
            for ch in 0..<c {
                (dx + (ch * n + s) * plane).update(from: dy + (s * c + ch) * plane, count: plane)
            }
        }
        return dx
    }
}
