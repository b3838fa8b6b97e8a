import Engine
import Foundation
import Support
import Training

/// The safetensors format: UInt64 LE header length, a JSON header mapping each
/// tensor name to dtype, shape and [begin, end) byte offsets into the data that
/// follows, and an optional `__metadata__` of strings. Tensor names and layouts
/// are those of the equivalent PyTorch module's `state_dict`, so
/// `model.load_state_dict(safetensors.torch.load_file(path))` just works.
public enum SafeTensors {
    public struct Tensor: Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
    }

    /// The tensors of a model's flat parameter vector, in declaration order.
    public static func tensors(of plan: ModelPlan, parameters: [Float]) -> [Tensor] {
        plan.parameters.flatMap { p in
            [Tensor(name: p.name + ".weight", shape: p.weightShape, values: Array(parameters[p.offset..<(p.offset + p.weights)])),
             Tensor(name: p.name + ".bias", shape: [p.biases],
                    values: Array(parameters[(p.offset + p.weights)..<(p.offset + p.weights + p.biases)]))]
        }
    }

    public static func encode(_ tensors: [Tensor], metadata: [String: String]) -> [UInt8] {
        var entries: [String] = []
        let meta = metadata.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(quote($0.value))" }.joined(separator: ",")
        entries.append("\(quote(Header.metadataKey)):{\(meta)}")
        var offset = 0
        for t in tensors {
            let bytes = 4 * t.values.count
            entries.append("\(quote(t.name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var out = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        for t in tensors { out += LittleEndian.bytes(t.values) }
        return out
    }

    /// Reads a file, checking the format's rules: the header fits, the
    /// tensors' byte ranges tile the data from 0 without gap or overlap (taken
    /// in the order of their offsets), and the data ends exactly at the file's
    /// end. Sizes that would overflow an Int are refused, never trapped on.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (tensors: [Tensor], metadata: [String: String]) {
        func bad(_ reason: String) -> FileError { .unreadable(path: path, reason: "not a valid safetensors file: \(reason)") }
        guard bytes.count >= 8 else { throw bad("shorter than the 8-byte header length") }
        let length = Int(clamping: LittleEndian.uint64(bytes[0..<8]))
        guard length <= bytes.count - 8 else { throw bad("header length \(length) exceeds the file") }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[8..<(8 + length)])) else {
            throw bad("the header is not a JSON object")
        }
        var spans: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, entry) in header.entries.sorted(by: { $0.key < $1.key }) {
            guard let entry, entry.dtype == "F32", entry.dataOffsets.count == 2 else {
                throw bad("tensor \(name) needs dtype F32, an integer shape and two data_offsets")
            }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard let size = byteCount(entry.shape), begin >= 0, end >= begin, end - begin == size else {
                throw bad("tensor \(name): offsets do not match its shape")
            }
            spans.append((name, entry.shape, begin, end))
        }
        spans.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expected = 0
        for span in spans {
            guard span.begin == expected else { throw bad("tensor \(span.name) starts at \(span.begin), expected \(expected)") }
            expected = span.end
        }
        let data = 8 + length
        guard expected == bytes.count - data else { throw bad("data is \(bytes.count - data) bytes, the header describes \(expected)") }
        let tensors = spans.map { span in
            Tensor(name: span.name, shape: span.shape, values: LittleEndian.floats(bytes, from: data + span.begin, count: (span.end - span.begin) / 4))
        }
        return (tensors, header.metadata)
    }

    /// The bytes of an F32 tensor of this shape, or nil when a dimension is
    /// negative or the size does not fit in an Int.
    static func byteCount(_ shape: [Int]) -> Int? {
        var count = 4
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// One tensor as the header describes it.
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    /// The header: `__metadata__` (strings) beside one entry per tensor name.
    /// An entry that does not decode is kept as nil, so the error can name its tensor.
    struct Header: Decodable {
        static let metadataKey = "__metadata__"
        var metadata: [String: String] = [:]
        var entries: [String: Entry?] = [:]

        struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Name.self)
            for key in container.allKeys {
                if key.stringValue == Self.metadataKey {
                    metadata = (try? container.decode([String: String].self, forKey: key)) ?? [:]
                } else {
                    entries[key.stringValue] = .some(try? container.decode(Entry.self, forKey: key))
                }
            }
        }
    }

    /// A JSON string literal (names and metadata are plain ASCII here, but any text is escaped correctly).
    private static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
