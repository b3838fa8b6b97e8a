/// A feature map's shape per sample: channels x height x width (a flat vector
/// of n features is n x 1 x 1).
public struct Shape: Hashable, Codable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(_ channels: Int, _ height: Int = 1, _ width: Int = 1) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    public var count: Int { channels * height * width }
    public var description: String { height == 1 && width == 1 ? "\(channels)" : "\(channels)x\(height)x\(width)" }
}

/// One layer as declared. Parametric layers carry the name their tensors get in
/// the equivalent PyTorch module's `state_dict` (`conv1` -> `conv1.weight`).
public enum LayerSpec: Hashable, Sendable {
    case conv(_ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int = 3, stride: Int = 1, padding: Int = 1)
    case relu
    case maxPool(_ size: Int)
    /// `y = relu(x + conv2(relu(conv1(x))))`, both convs 3x3, stride 1, padding 1.
    case residual(_ name: String, channels: Int)
    case flatten
    case linear(_ name: String, _ inFeatures: Int, _ outFeatures: Int)
}

/// In JSON (a run's config.json) a layer is one flat object whose keys are the
/// argument names of the PyTorch module, e.g.
/// `{"type": "conv", "name": "conv1", "in_channels": 1, "out_channels": 32, "kernel_size": 3, "stride": 1, "padding": 1}`.
/// The keys are camelCase here because the project's JSON coders convert them to snake_case.
extension LayerSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, name, inChannels, outChannels, kernelSize, stride, padding, channels, inFeatures, outFeatures
    }

    private static let types = ["conv", "relu", "max_pool", "residual", "flatten", "linear"]

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .conv(name, cin, cout, kernel, stride, padding):
            try c.encode("conv", forKey: .type)
            try c.encode(name, forKey: .name)
            try c.encode(cin, forKey: .inChannels)
            try c.encode(cout, forKey: .outChannels)
            try c.encode(kernel, forKey: .kernelSize)
            try c.encode(stride, forKey: .stride)
            try c.encode(padding, forKey: .padding)
        case .relu:
            try c.encode("relu", forKey: .type)
        case let .maxPool(size):
            try c.encode("max_pool", forKey: .type)
            try c.encode(size, forKey: .kernelSize)
        case let .residual(name, channels):
            try c.encode("residual", forKey: .type)
            try c.encode(name, forKey: .name)
            try c.encode(channels, forKey: .channels)
        case .flatten:
            try c.encode("flatten", forKey: .type)
        case let .linear(name, fin, fout):
            try c.encode("linear", forKey: .type)
            try c.encode(name, forKey: .name)
            try c.encode(fin, forKey: .inFeatures)
            try c.encode(fout, forKey: .outFeatures)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "conv":
            self = .conv(try c.decode(String.self, forKey: .name), try c.decode(Int.self, forKey: .inChannels),
                         try c.decode(Int.self, forKey: .outChannels), kernel: try c.decode(Int.self, forKey: .kernelSize),
                         stride: try c.decode(Int.self, forKey: .stride), padding: try c.decode(Int.self, forKey: .padding))
        case "relu":
            self = .relu
        case "max_pool":
            self = .maxPool(try c.decode(Int.self, forKey: .kernelSize))
        case "residual":
            self = .residual(try c.decode(String.self, forKey: .name), channels: try c.decode(Int.self, forKey: .channels))
        case "flatten":
            self = .flatten
        case "linear":
            self = .linear(try c.decode(String.self, forKey: .name), try c.decode(Int.self, forKey: .inFeatures),
                           try c.decode(Int.self, forKey: .outFeatures))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription:
                "unknown layer type \"\(other)\" (expected one of \(Self.types.joined(separator: ", ")))")
        }
    }
}

/// A model's short stable id (`model2`), as stream names, file names and JSON spell it.
public struct ModelID: RawRepresentable, Codable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: ModelID, b: ModelID) -> Bool { a.rawValue < b.rawValue }

    /// An id names files (`figures/<id>.png`) and streams, so one read from an
    /// archive must be a plain name: 1-64 of a-z, 0-9, `_` and `-`.
    public static func isPlain(_ text: String) -> Bool {
        (1...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Self.isPlain(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "a model id is 1-64 of a-z, 0-9, '_' and '-', found \(text.debugDescription)"))
        }
        rawValue = text
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A model declared as data. Everything else (shapes, parameter and MAC counts,
/// the runnable network, tensor names) is derived from this list.
///
/// What decides a model's bits is its id (it names the model's seeded streams)
/// and its layers; only those are archived. Its title is display text: it
/// comes from the declaration below when one has the same id and layers, so
/// renaming a model never changes an archived unit.
public struct ModelSpec: Hashable, Codable, Sendable {
    /// Short stable id, used in stream names and file names (`model2`).
    public let id: ModelID
    public let input: Shape
    public let layers: [LayerSpec]
    /// As the write-up titles it ("Model 2").
    public let title: String

    public init(id: ModelID, title: String, input: Shape = Shape(1, 28, 28), layers: [LayerSpec]) {
        self.id = id
        self.title = title
        self.input = input
        self.layers = layers
    }

    private enum CodingKeys: String, CodingKey { case id, input, layers }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(ModelID.self, forKey: .id)
        let input = try c.decode(Shape.self, forKey: .input)
        let layers = try c.decode([LayerSpec].self, forKey: .layers)
        let declared = Self.declared.first { $0.id == id && $0.input == input && $0.layers == layers }
        self.init(id: id, title: declared?.title ?? id.rawValue, input: input, layers: layers)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(input, forKey: .input)
        try c.encode(layers, forKey: .layers)
    }

    /// Equal when the bits are: the title is not compared.
    public static func == (a: ModelSpec, b: ModelSpec) -> Bool { a.id == b.id && a.input == b.input && a.layers == b.layers }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(input)
        hasher.combine(layers)
    }

    /// As the write-up summarises a model ("4 Conv, 2 Max pooling, 2 FC"),
    /// counted from its layers: a residual block holds two convolutions.
    public var summary: String {
        var convs = 0, pools = 0, linears = 0
        for layer in layers {
            switch layer {
            case .conv: convs += 1
            case .residual: convs += 2
            case .maxPool: pools += 1
            case .linear: linears += 1
            case .relu, .flatten: break
            }
        }
        return "\(convs) Conv, \(pools) Max pooling, \(linears) FC"
    }

    /// The homework's models, exactly as `../shared/seed/README.md` settles them.
    public static let model1 = ModelSpec(id: "model1", title: "Model 1", layers: [
        .conv("conv1", 1, 32), .relu,
        .conv("conv2", 32, 64), .relu,
        .maxPool(2),
        .flatten,
        .linear("fc1", 64 * 14 * 14, 64), .relu,
        .linear("fc2", 64, 10),
    ])

    public static let model2 = ModelSpec(id: "model2", title: "Model 2", layers: [
        .conv("conv1", 1, 8), .relu,
        .conv("conv2", 8, 16), .relu,
        .maxPool(2),
        .conv("conv3", 16, 32), .relu,
        .conv("conv4", 32, 64), .relu,
        .maxPool(2),
        .flatten,
        .linear("fc1", 64 * 7 * 7, 64), .relu,
        .linear("fc2", 64, 10),
    ])

    public static let model3 = ModelSpec(id: "model3", title: "Model 3", layers: [
        .conv("conv1", 1, 32), .relu,
        .maxPool(2),
        .residual("res1", channels: 32),
        .residual("res2", channels: 32),
        .flatten,
        .linear("fc1", 32 * 14 * 14, 64), .relu,
        .linear("fc2", 64, 10),
    ])

    /// Every model this engine declares, in the write-up's order.
    public static let declared: [ModelSpec] = [model1, model2, model3]
}
