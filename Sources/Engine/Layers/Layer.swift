/// One step of a network, written the way llm.c and Caffe write them:
/// `forward` keeps what `backward` needs; `backward` adds this layer's parameter
/// gradients into `grads` (never overwrites them) and returns the gradient with
/// respect to its input, or nil when nothing upstream needs it.
///
/// Layout: inside the convolutional stack activations are [C, n, H, W]
/// (channel-major across the batch), so a conv's GEMMs cover many samples at
/// once. `Flatten` turns them into [n, C*H*W], PyTorch's order, so every weight
/// has the layout of the equivalent PyTorch module.
protocol Layer: AnyObject {
    /// x: the previous layer's output (layers may overwrite it in place).
    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float>
    /// dy: the gradient of the loss w.r.t. this layer's output (may be overwritten).
    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>?
}

/// A convolution layer as Residual needs to know it: Conv2D or WinogradConv3x3.
protocol ConvolutionLayer: Layer {
    var input: Shape { get }
    var output: Shape { get }
    /// Whether a following ReLU is fused in.
    var relu: Bool { get }
}
