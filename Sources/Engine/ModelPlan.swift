import Foundation
import Support

/// What the declaration implies for one parameter tensor pair (weight + bias).
public struct ParameterInfo: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case conv, residualConv, linear
    }

    /// `state_dict` prefix, e.g. `res1.conv2`.
    public let name: String
    public let kind: Kind
    public let weightShape: [Int]
    /// The shape each output unit reads: [cin, k, k] for a conv, the flattened
    /// feature map [c, h, w] for the linear layer after a flatten, [in] otherwise.
    public let fanInShape: [Int]
    public let weights: Int
    public let biases: Int
    /// Multiply-accumulates of this tensor's layer in one sample's forward pass.
    public let forwardMACs: Int
    /// Float offset of the weight in the flat parameter vector; the bias follows it.
    public let offset: Int
}

public enum EngineError: Error, CustomStringConvertible, Equatable {
    case invalidModel(model: ModelID, layer: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalidModel(model, layer, reason): return "model \(model), layer \(layer + 1): \(reason)"
        }
    }
}

/// A model compiled once from its declaration: the shapes checked layer by
/// layer, the parameter layout, and the steps that actually execute, with
/// the algorithm of each convolution and which ReLUs are fused into it.
/// `LayerStack` instantiates the steps; `description` prints them.
public struct ModelPlan: Sendable, CustomStringConvertible {
    public enum Algorithm: String, Sendable {
        case im2col = "im2col + GEMM"
        case winograd = "Winograd F(4x4,3x3), 36 GEMMs"
    }

    public struct Convolution: Sendable {
        public let parameter: ParameterInfo
        public let cin, cout, kernel, stride, padding: Int
        public let input, output: Shape
        public let algorithm: Algorithm
        /// max(0, .) applied to each chunk of output in cache, instead of a separate ReLU pass.
        public let fusedReLU: Bool
        /// False for the first layer: nothing needs the gradient of the images.
        public let needsInputGradient: Bool
    }

    public enum Operation: Sendable {
        case conv(Convolution)
        case relu
        case maxPool(size: Int)
        /// `y = relu(x + conv2(relu(conv1(x))))`: conv1 carries the inner ReLU.
        case residual(name: String, conv1: Convolution, conv2: Convolution)
        case flatten
        case linear(ParameterInfo, needsInputGradient: Bool)
    }

    public struct Step: Sendable {
        public let operation: Operation
        public let input, output: Shape
        /// The declared layers (0-based) this step executes; a conv with its ReLU covers two.
        public let declared: ClosedRange<Int>
    }

    public let spec: ModelSpec
    public let steps: [Step]
    public let parameters: [ParameterInfo]

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.weights + $1.biases } }
    public var weightCount: Int { parameters.reduce(0) { $0 + $1.weights } }
    public var biasCount: Int { parameters.reduce(0) { $0 + $1.biases } }
    public var forwardMACs: Int { parameters.reduce(0) { $0 + $1.forwardMACs } }
    /// A training step: forward, plus backward for activations and for weights,
    /// each about one forward's worth of MACs (the first layer's input gradient
    /// is skipped, so this slightly overstates).
    public var trainingMACs: Int { 3 * forwardMACs }
    public var classes: Int { steps.last?.output.count ?? 0 }

    /// The most elements any tensor, feature map or the whole parameter
    /// vector may hold (16 GiB of floats, far beyond the homework's models):
    /// sizes read from an archive are checked against it before any
    /// arithmetic, so a forged layer is refused instead of overflowing (the
    /// engine builds with -Ounchecked, where an overflow would wrap silently).
    public static let maximumElements = 1 << 32

    public init(_ spec: ModelSpec) throws {
        self.spec = spec
        var shape = spec.input
        var parameters: [ParameterInfo] = []
        var steps: [Step] = []
        var offset = 0
        var totalMACs = 0
        var flattenedFrom: Shape?
        let layers = spec.layers

        func fail(_ index: Int, _ reason: String) -> EngineError {
            .invalidModel(model: spec.id, layer: index, reason: reason)
        }
        /// The product of `factors`, refused past `limit` (or Int) before it can wrap.
        func product(_ index: Int, _ what: String, _ factors: [Int], limit: Int = ModelPlan.maximumElements) throws -> Int {
            var result = 1
            for factor in factors {
                guard factor >= 0 else { throw fail(index, "\(what): a negative size \(factor)") }
                let (next, overflow) = result.multipliedReportingOverflow(by: factor)
                guard !overflow, next <= limit else {
                    throw fail(index, "\(what) (\(factors.map(String.init).joined(separator: " x "))) exceeds \(limit), the most this engine accepts")
                }
                result = next
            }
            return result
        }
        /// Adds to a running total (parameters, multiply-adds) under the same bound.
        func add(_ total: inout Int, _ amount: Int, _ index: Int, _ what: String, limit: Int = ModelPlan.maximumElements) throws {
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow, sum <= limit else { throw fail(index, "\(what) exceed \(limit), the most this engine accepts") }
            total = sum
        }
        _ = try product(0, "the input \(spec.input)", [spec.input.channels, spec.input.height, spec.input.width])
        func conv(_ name: String, _ kind: ParameterInfo.Kind, _ cin: Int, _ cout: Int, _ k: Int, _ s: Int, _ p: Int,
                  input: Shape, relu: Bool, needsInputGradient: Bool, index: Int) throws -> Convolution {
            guard cin == input.channels, input.height > 1 || input.width > 1 else {
                throw fail(index, "conv \(name) expects \(cin) input channels, the previous layer gives \(input)")
            }
            guard cout > 0, k > 0, s > 0, p >= 0 else { throw fail(index, "conv \(name) needs positive sizes") }
            guard [cout, k, s, p].allSatisfy({ $0 <= ModelPlan.maximumElements }) else {
                throw fail(index, "conv \(name): a size past \(ModelPlan.maximumElements), the most this engine accepts (\(cout) channels, kernel \(k), stride \(s), padding \(p))")
            }
            // Swift's division rounds toward zero: a kernel larger than the padded input would still give one output with stride 2.
            guard input.height + 2 * p >= k, input.width + 2 * p >= k else {
                throw fail(index, "conv \(name): kernel \(k) is larger than the input \(input) padded by \(p)")
            }
            let out = Shape(cout, (input.height + 2 * p - k) / s + 1, (input.width + 2 * p - k) / s + 1)
            guard out.height > 0, out.width > 0 else { throw fail(index, "conv \(name) leaves no output for input \(input)") }
            _ = try product(index, "conv \(name)'s output", [out.channels, out.height, out.width])
            let weights = try product(index, "conv \(name)'s weights", [cout, cin, k, k])
            let macs = try product(index, "conv \(name)'s multiply-adds", [weights, out.height, out.width], limit: .max)
            let info = ParameterInfo(name: name, kind: kind, weightShape: [cout, cin, k, k], fanInShape: [cin, k, k],
                                     weights: weights, biases: cout, forwardMACs: macs, offset: offset)
            parameters.append(info)
            try add(&offset, weights + cout, index, "the parameters")
            try add(&totalMACs, macs, index, "the multiply-adds per sample", limit: .max)
            let winograd = WinogradConv3x3.fits(cin: cin, kernel: k, stride: s, padding: p, input: input)
            return Convolution(parameter: info, cin: cin, cout: cout, kernel: k, stride: s, padding: p, input: input, output: out,
                               algorithm: winograd ? .winograd : .im2col, fusedReLU: relu, needsInputGradient: needsInputGradient)
        }

        var index = 0
        while index < layers.count {
            let input = shape
            var last = index
            let operation: Operation
            switch layers[index] {
            case let .conv(name, cin, cout, k, s, p):
                let fused = index + 1 < layers.count && layers[index + 1] == .relu
                if fused { last = index + 1 }
                let c = try conv(name, .conv, cin, cout, k, s, p, input: shape, relu: fused, needsInputGradient: index > 0, index: index)
                shape = c.output
                operation = .conv(c)
            case .relu:
                // ReLU works in place; as the first layer it would overwrite the caller's images.
                guard index > 0 else { throw fail(index, "relu cannot be the first layer (it works in place on its input)") }
                operation = .relu
            case let .maxPool(size):
                guard size > 0, shape.height >= size, shape.width >= size else {
                    throw fail(index, "max pooling \(size)x\(size) does not fit input \(shape)")
                }
                shape = Shape(shape.channels, shape.height / size, shape.width / size)
                operation = .maxPool(size: size)
            case let .residual(name, channels):
                guard channels == shape.channels else {
                    throw fail(index, "residual block \(name) has \(channels) channels, the previous layer gives \(shape)")
                }
                let first = try conv(name + ".conv1", .residualConv, channels, channels, 3, 1, 1, input: shape, relu: true,
                                     needsInputGradient: true, index: index)
                let second = try conv(name + ".conv2", .residualConv, channels, channels, 3, 1, 1, input: shape, relu: false,
                                      needsInputGradient: true, index: index)
                operation = .residual(name: name, conv1: first, conv2: second)
            case .flatten:
                flattenedFrom = shape
                shape = Shape(shape.count)
                operation = .flatten
            case let .linear(name, fin, fout):
                guard shape.height == 1, shape.width == 1, fin == shape.count else {
                    throw fail(index, "linear \(name) expects \(fin) input features, the previous layer gives \(shape)")
                }
                guard fout > 0 else { throw fail(index, "linear \(name) needs a positive output size") }
                let weights = try product(index, "linear \(name)'s weights", [fout, fin])
                let fanIn = flattenedFrom.map { [$0.channels, $0.height, $0.width] } ?? [fin]
                flattenedFrom = nil
                let info = ParameterInfo(name: name, kind: .linear, weightShape: [fout, fin], fanInShape: fanIn,
                                         weights: weights, biases: fout, forwardMACs: weights, offset: offset)
                parameters.append(info)
                try add(&offset, weights + fout, index, "the parameters")
                try add(&totalMACs, weights, index, "the multiply-adds per sample", limit: .max)
                shape = Shape(fout)
                operation = .linear(info, needsInputGradient: index > 0)
            }
            steps.append(Step(operation: operation, input: input, output: shape, declared: index...last))
            index = last + 1
        }
        guard shape.height == 1, shape.width == 1 else {
            throw fail(layers.count - 1, "the last layer must give class scores, not a \(shape) feature map")
        }
        self.parameters = parameters
        self.steps = steps
    }

    /// The network as it executes, one line per step (nested convs indented).
    public var description: String {
        func column(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0) }
        var lines = ["\(spec.title) (\(spec.id)): \(spec.summary)",
                     "\(TextFormat.thousands(parameterCount)) parameters, \(TextFormat.thousands(forwardMACs)) multiply-adds per sample forward; input \(spec.input)",
                     "",
                     column("step", 6) + column("layer", 42) + column("input", 11) + column("output", 11) + column("parameters", 12) + "offset"]
        func row(_ number: String, _ text: String, _ input: Shape, _ output: Shape, _ p: ParameterInfo?) {
            lines.append(column(number, 6) + column(text, 42) + column("\(input)", 11) + column("\(output)", 11)
                         + column(p.map { TextFormat.thousands($0.weights + $0.biases) } ?? "", 12) + (p.map { TextFormat.thousands($0.offset) } ?? ""))
        }
        func convText(_ c: Convolution, _ indent: String) -> String {
            "\(indent)\(c.parameter.name) conv \(c.kernel)x\(c.kernel)/\(c.stride) pad \(c.padding)" + (c.fusedReLU ? " + ReLU" : "")
        }
        for (i, step) in steps.enumerated() {
            let n = "\(i + 1)"
            switch step.operation {
            case let .conv(c):
                row(n, convText(c, ""), step.input, step.output, c.parameter)
                lines.append(column("", 6) + "  as \(c.algorithm.rawValue)" + (c.needsInputGradient ? "" : "; no input gradient (first layer)"))
            case .relu: row(n, "ReLU (in place)", step.input, step.output, nil)
            case let .maxPool(size): row(n, "max pool \(size)x\(size)", step.input, step.output, nil)
            case let .residual(name, c1, c2):
                row(n, "\(name): relu(x + conv2(relu(conv1(x))))", step.input, step.output, nil)
                for c in [c1, c2] {
                    row("", convText(c, "  "), c.input, c.output, c.parameter)
                    lines.append(column("", 6) + "    as \(c.algorithm.rawValue)")
                }
            case .flatten: row(n, "flatten", step.input, step.output, nil)
            case let .linear(p, _): row(n, "\(p.name) linear \(p.weightShape[1]) -> \(p.weightShape[0])", step.input, step.output, p)
            }
        }
        lines.append(column("", 6) + "log-softmax + NLL loss over \(classes) classes (fused)")
        return lines.joined(separator: "\n")
    }
}
