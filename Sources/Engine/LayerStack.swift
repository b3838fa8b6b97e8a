/// The runnable layers of one model for one worker and its team: each worker
/// owns its activations and reuses them step after step; all workers share the parameters.
final class LayerStack {
    let layers: [Layer]
    let loss: LogSoftmaxNLL
    private let dLogits = Buffer<Float>()  // [n, classes]

    /// One layer per step of the compiled plan, as the plan says (algorithm, fusion).
    init(_ plan: ModelPlan, kernel: KernelPath, team: Team = .alone) {
        func conv(_ c: ModelPlan.Convolution) -> ConvolutionLayer {
            switch c.algorithm {
            case .winograd:
                return WinogradConv3x3(cin: c.cin, cout: c.cout, size: c.input, offset: c.parameter.offset,
                                       needsInputGradient: c.needsInputGradient, relu: c.fusedReLU, path: kernel, team: team)
            case .im2col:
                return Conv2D(cin: c.cin, cout: c.cout, kernel: c.kernel, stride: c.stride, padding: c.padding, input: c.input,
                              output: c.output, offset: c.parameter.offset, needsInputGradient: c.needsInputGradient,
                              relu: c.fusedReLU, path: kernel, team: team)
            }
        }
        layers = plan.steps.map { step -> Layer in
            switch step.operation {
            case let .conv(c): return conv(c)
            case .relu: return ReLU(size: step.input.count, path: kernel, team: team)
            case let .maxPool(size): return MaxPool2D(size: size, input: step.input, output: step.output, path: kernel, team: team)
            case let .residual(_, c1, c2): return Residual(conv1: conv(c1), conv2: conv(c2), path: kernel, team: team)
            case .flatten: return Flatten(input: step.input)
            case let .linear(p, needsInputGradient):
                return Linear(inFeatures: p.weightShape[1], outFeatures: p.weightShape[0], offset: p.offset,
                              needsInputGradient: needsInputGradient, path: kernel, team: team)
            }
        }
        loss = LogSoftmaxNLL(classes: plan.classes)
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
