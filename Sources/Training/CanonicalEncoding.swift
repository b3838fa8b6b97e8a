import Dataset
import Engine
import Foundation

/// The encoding a unit's id is the digest of: what decides the unit's bits and
/// nothing else (no title, no summary, no dataset name), written by this code
/// alone so that no formatter's change can move an id.
///
/// One field per line, `key value\n`, in the fixed order of `UnitConfig.canonicalFields`:
/// - integers in decimal, without sign for unsigned ones; an absent limit is `all`;
/// - strings (model id, layer names) as `<UTF-8 byte count>:<bytes>`;
/// - floats as `f32:` or `f64:` and the 8 or 16 lowercase hex digits of their
///   IEEE-754 bit pattern, so 0.1307 is `f32:3e05d639`;
/// - a layer as `layer <type> <arguments>` in declaration order;
/// - the dataset's files by name, in byte order of the name.
/// The first line, `hw2-unit 1`, is the version of this encoding.
public struct CanonicalField: Hashable, Sendable {
    public let key: String
    /// As the encoding writes it.
    public let value: String
    /// As a reader reads it (a float in decimal), for naming a difference.
    public let shown: String

    init(_ key: String, _ value: String, shown: String? = nil) {
        self.key = key
        self.value = value
        self.shown = shown ?? value
    }

    init(_ key: String, _ value: some BinaryInteger) { self.init(key, "\(value)") }

    init(_ key: String, _ value: Float) { self.init(key, "f32:" + Self.hex(UInt64(value.bitPattern), digits: 8), shown: "\(value)") }

    init(_ key: String, _ value: Double) { self.init(key, "f64:" + Self.hex(value.bitPattern, digits: 16), shown: "\(value)") }

    static func string(_ text: String) -> String { "\(text.utf8.count):\(text)" }

    private static func hex(_ bits: UInt64, digits: Int) -> String {
        let text = String(bits, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension UnitConfig {
    public static let encodingVersion = 1

    public var canonicalFields: [CanonicalField] {
        let s = settings
        var fields = [CanonicalField("hw2-unit", Self.encodingVersion)]
        fields.append(CanonicalField("model", CanonicalField.string(model.id.rawValue), shown: model.id.rawValue))
        fields.append(CanonicalField("input", "\(model.input.channels) \(model.input.height) \(model.input.width)"))
        fields += model.layers.enumerated().map { index, layer in CanonicalField("layer \(index + 1)", Self.encode(layer)) }
        fields += [
            CanonicalField("seed", seed),
            CanonicalField("epochs", s.epochs),
            CanonicalField("batch_size", s.batchSize),
            CanonicalField("eval_batch_size", s.evalBatchSize),
            CanonicalField("limit_train", s.limitTrain.map(String.init) ?? "all"),
            CanonicalField("adam.learning_rate", s.adam.learningRate),
            CanonicalField("adam.beta1", s.adam.beta1),
            CanonicalField("adam.beta2", s.adam.beta2),
            CanonicalField("adam.epsilon", s.adam.epsilon),
            CanonicalField("dataset.mean", s.dataset.mean),
            CanonicalField("dataset.std", s.dataset.std),
        ]
        fields += s.dataset.sha256.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map {
            CanonicalField("dataset.sha256 " + CanonicalField.string($0.key), CanonicalField.string($0.value), shown: $0.value)
        }
        fields.append(CanonicalField("reduction.shards", s.reduction.shards))
        fields += [("reduction.conv_chunk_bytes", s.reduction.convChunkBytes), ("reduction.winograd_chunk_bytes", s.reduction.winogradChunkBytes)]
            .compactMap { key, value in value.map { CanonicalField(key, $0) } }
        fields.append(CanonicalField("reduction.kernel_contract", s.reduction.kernelContract))
        return fields
    }

    /// The lines the id is the digest of.
    public var canonicalEncoding: String { canonicalFields.map { "\($0.key) \($0.value)\n" }.joined() }

    private static func encode(_ layer: LayerSpec) -> String {
        let s = CanonicalField.string
        switch layer {
        case let .conv(name, cin, cout, kernel, stride, padding): return "conv \(s(name)) \(cin) \(cout) \(kernel) \(stride) \(padding)"
        case .relu: return "relu"
        case let .maxPool(size): return "max_pool \(size)"
        case let .residual(name, channels): return "residual \(s(name)) \(channels)"
        case .flatten: return "flatten"
        case let .linear(name, fin, fout): return "linear \(s(name)) \(fin) \(fout)"
        }
    }
}
