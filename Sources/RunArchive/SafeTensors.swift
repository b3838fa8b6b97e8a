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
        entries.append("\"__metadata__\":{\(meta)}")
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

    /// Reads a file, checking the format's rules: the header fits, offsets are
    /// contiguous from 0 in header order, and the data ends exactly at the file's end.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (tensors: [Tensor], metadata: [String: String]) {
        func bad(_ reason: String) -> FileError { .unreadable(path: path, reason: "not a valid safetensors file: \(reason)") }
        guard bytes.count >= 8 else { throw bad("shorter than the 8-byte header length") }
        let length = Int(clamping: LittleEndian.uint64(bytes[0..<8]))
        guard length <= bytes.count - 8 else { throw bad("header length \(length) exceeds the file") }
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        let metadata = header["__metadata__"] as? [String: String] ?? [:]
        var spans: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw bad("tensor \(name) needs dtype F32, an integer shape and two data_offsets")
            }
            guard offsets[1] - offsets[0] == 4 * shape.reduce(1, *) else { throw bad("tensor \(name): offsets do not match its shape") }
            spans.append((name, shape, offsets[0], offsets[1]))
        }
        spans.sort { $0.begin < $1.begin }
        var expected = 0
        for span in spans {
            guard span.begin == expected else { throw bad("tensor \(span.name) starts at \(span.begin), expected \(expected)") }
            expected = span.end
        }
        let data = 8 + length
        guard data + expected == bytes.count else { throw bad("data is \(bytes.count - data) bytes, the header describes \(expected)") }
        let tensors = spans.map { span in
            Tensor(name: span.name, shape: span.shape, values: LittleEndian.floats(bytes, from: data + span.begin, count: (span.end - span.begin) / 4))
        }
        return (tensors, metadata)
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
