/// The runnable layers of one model for one worker: each worker owns its
/// activations and reuses them step after step; all workers share the parameters.
final class LayerStack {
    let layers: [Layer]
    let loss: LogSoftmaxNLL
    private let dLogits = Buffer<Float>()  // [n, classes]

    /// Builds the layers of the declaration in order. A 3x3 conv that
    /// `WinogradConv3x3.fits` runs as one, any other as Conv2D (im2col); a conv
    /// directly followed by ReLU becomes one fused layer (the result is the same).
    init(_ summary: ModelSummary, kernel: KernelPath) {
        var shape = summary.spec.input
        var parameters = summary.parameters.makeIterator()
        var layers: [Layer] = []
        func conv(_ cin: Int, _ cout: Int, _ k: Int, _ s: Int, _ p: Int, needsInputGradient: Bool, relu: Bool) -> ConvolutionLayer {
            let offset = parameters.next()!.offset
            if WinogradConv3x3.fits(cin: cin, kernel: k, stride: s, padding: p, input: shape) {
                return WinogradConv3x3(cin: cin, cout: cout, size: shape, offset: offset,
                                       needsInputGradient: needsInputGradient, relu: relu, path: kernel)
            }
            let output = Shape(cout, (shape.height + 2 * p - k) / s + 1, (shape.width + 2 * p - k) / s + 1)
            return Conv2D(cin: cin, cout: cout, kernel: k, stride: s, padding: p, input: shape, output: output,
                          offset: offset, needsInputGradient: needsInputGradient, relu: relu, path: kernel)
        }
        let specs = summary.spec.layers
        var index = 0
        while index < specs.count {
            switch specs[index] {
            case let .conv(_, cin, cout, k, s, p):
                let fused = index + 1 < specs.count && specs[index + 1] == .relu
                let layer = conv(cin, cout, k, s, p, needsInputGradient: index > 0, relu: fused)
                layers.append(layer)
                shape = layer.output
                if fused { index += 1 }
            case .relu:
                layers.append(ReLU(size: shape.count))
            case let .maxPool(size):
                let output = Shape(shape.channels, shape.height / size, shape.width / size)
                layers.append(MaxPool2D(size: size, input: shape, output: output))
                shape = output
            case let .residual(_, channels):
                let first = conv(channels, channels, 3, 1, 1, needsInputGradient: true, relu: true)
                let second = conv(channels, channels, 3, 1, 1, needsInputGradient: true, relu: false)
                layers.append(Residual(conv1: first, conv2: second))
            case .flatten:
                layers.append(Flatten(input: shape))
                shape = Shape(shape.count)
            case let .linear(_, fin, fout):
                layers.append(Linear(inFeatures: fin, outFeatures: fout, offset: parameters.next()!.offset,
                                     needsInputGradient: index > 0, path: kernel))
                shape = Shape(fout)
            }
            index += 1
        }
        self.layers = layers
        loss = LogSoftmaxNLL(classes: shape.count)
    }

    /// images [n, 1, H, W] (for one input channel this is already [C, n, H, W]) -> logits [n, classes].
    func forward(_ images: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        layers.reduce(images) { x, layer in layer.forward(x, n: n, params: params) }
    }

    /// Forward, loss, and (when `grads` is given) backward, adding into `grads`.
    /// Writes per-sample losses (and predicted classes when asked); returns the number of correct predictions.
    func step(_ images: UnsafeMutablePointer<Float>, labels: UnsafePointer<UInt8>, n: Int, params: UnsafePointer<Float>,
              gradientScale: Float, losses: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>?,
              predictions: UnsafeMutablePointer<UInt8>? = nil) -> Int {
        let logits = forward(images, n: n, params: params)
        let d = grads == nil ? nil : dLogits.reserve(n * loss.classes)
        let correct = loss(logits: logits, labels: labels, n: n, gradientScale: gradientScale, losses: losses, dLogits: d,
                           predictions: predictions)
        if let grads, var dy = d {
            for layer in layers.reversed() {
                guard let dx = layer.backward(dy, n: n, params: params, grads: grads) else { break }
                dy = dx
            }
        }
        return correct
    }
}
