import Foundation

/// A JSON document as a typed tree, for comparing two encodings of the same
/// type key by key (numbers keep their text, so no integer is rounded).
public indirect enum JSONValue: Decodable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// One leaf that differs: its place (`settings.epochs`, `seeds[1]`, as
    /// the encoding spells the keys) and both values as compact JSON (nil where a side lacks it).
    public struct Difference: Hashable, Sendable {
        public var path: String
        public var left: String?
        public var right: String?

        public init(path: String, left: String?, right: String?) {
            self.path = path
            self.left = left
            self.right = right
        }
    }

    /// The encoding of `value` in the project's JSON dialect (snake_case keys).
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try JSON.encode(value))
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            self = .number(String(integer))
        } else if let integer = try? container.decode(UInt64.self) {
            self = .number(String(integer))
        } else if let number = try? container.decode(Double.self) {
            self = .number("\(number)")
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Compact JSON with sorted keys, for messages.
    public var text: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return String(value)
        case let .number(text): return text
        case let .string(value): return String(reflecting: value)
        case let .array(values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case let .object(members): return "{" + members.sorted { $0.key < $1.key }.map { String(reflecting: $0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    /// Every leaf where `other` differs, in key order: objects are walked key
    /// by key and lists of one length element by element; anything else that
    /// differs is one leaf.
    public func differences(from other: JSONValue, at path: String = "") -> [Difference] {
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch (self, other) {
        case let (.object(a), .object(b)):
            return Set(a.keys).union(b.keys).sorted().flatMap { key -> [Difference] in
                switch (a[key], b[key]) {
                case let (x?, y?): return x.differences(from: y, at: join(key))
                case let (x, y): return [Difference(path: join(key), left: x?.text, right: y?.text)]
                }
            }
        case let (.array(a), .array(b)) where a.count == b.count:
            return zip(a, b).enumerated().flatMap { $0.element.0.differences(from: $0.element.1, at: path + "[\($0.offset)]") }
        default:
            return self == other ? [] : [Difference(path: path.isEmpty ? "(top level)" : path, left: text, right: other.text)]
        }
    }
}
