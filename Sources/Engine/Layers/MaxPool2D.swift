import Kernels

/// size x size max pooling with stride = size. Backward sends each gradient to
/// the input that won; ties go to the first in row-major order, as in PyTorch
/// (NaN inputs are not propagated: training stops being meaningful before that).
final class MaxPool2D: Layer {
    let size: Int
    let input: Shape, output: Shape
    let path: KernelPath
    let team: Team

    private let out = Buffer<Float>()     // [C, n, Ho, Wo]
    private let argmax = Buffer<Int32>()  // [C, n, Ho, Wo] offset of the winner inside its input plane
    private let dInput = Buffer<Float>()  // [C, n, H, W]

    init(size: Int, input: Shape, output: Shape, path: KernelPath = .fastest, team: Team = .alone) {
        self.size = size
        self.input = input
        self.output = output
        self.path = path
        self.team = team
    }

    private var inPlane: Int { input.height * input.width }
    private var outPlane: Int { output.height * output.width }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let planes = input.channels * n, outputs = planes * output.height * output.width
        let y = out.reserve(outputs), arg = argmax.reserve(outputs)
        team.elements(planes) { part in
            let (i, o) = (part.lowerBound * inPlane, part.lowerBound * outPlane)
            hw2_max_pool(path.cValue, part.count, size, input.height, input.width, x + i, y + o, arg + o)
        }
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let planes = input.channels * n
        let dx = dInput.reserve(planes * input.height * input.width)
        let arg = argmax.pointer
        team.elements(planes) { part in
            let (i, o) = (part.lowerBound * inPlane, part.lowerBound * outPlane)
            hw2_max_pool_backward(path.cValue, part.count, size, input.height, input.width, arg + o, dy + o, dx + i)
        }
        return dx
    }
}
