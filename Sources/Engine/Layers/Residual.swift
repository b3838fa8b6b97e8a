import Kernels

/// y = relu(x + conv2(relu(conv1(x)))), the block of Model 3 (He et al. 2016,
/// without batch norm). Both convs keep the shape, so the skip is a plain add.
final class Residual: Layer {
    let conv1: ConvolutionLayer, conv2: ConvolutionLayer
    let size: Int                                    // C*H*W per sample
    let path: KernelPath
    let team: Team
    private let out = Buffer<Float>()                // [C, n, H, W] relu(x + conv2(...))
    private let dInput = Buffer<Float>()             // [C, n, H, W]

    /// conv1 must carry the inner ReLU (`relu: true`), conv2 must not.
    init(conv1: ConvolutionLayer, conv2: ConvolutionLayer, path: KernelPath = .fastest, team: Team = .alone) {
        precondition(conv1.relu && !conv2.relu, "Residual: the inner ReLU belongs to conv1")
        self.conv1 = conv1
        self.conv2 = conv2
        self.path = path
        self.team = team
        size = conv1.input.count
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let a = conv1.forward(x, n: n, params: params)
        let b = conv2.forward(a, n: n, params: params)
        let y = out.reserve(n * size)
        team.elements(n * size) { part in hw2_add_relu(path.cValue, part.count, x + part.lowerBound, b + part.lowerBound, y + part.lowerBound) }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        ReLU.mask(dy, by: out.pointer, rows: 1, stride: 0, count: n * size, path: path, team: team)
        guard let dInner = conv2.backward(dy, n: n, params: params, grads: grads),
              let dBranch = conv1.backward(dInner, n: n, params: params, grads: grads) else {
            preconditionFailure("a residual block's convs compute their input gradient (ModelPlan sets it)")
        }
        let dx = dInput.reserve(n * size)
        team.elements(n * size) { part in hw2_add(path.cValue, part.count, dy + part.lowerBound, dBranch + part.lowerBound, dx + part.lowerBound) }
        return dx
    }
}
