/// The id of a run: the first 16 hex digits of the SHA-256 of its units' ids in order (`RunConfig.id`).
public struct RunID: RawRepresentable, Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: RunID, b: RunID) -> Bool { a.rawValue < b.rawValue }

    /// Whether a folder name can be a run id (16 lowercase hex digits).
    public static func isWellFormed(_ name: String) -> Bool {
        name.count == 16 && name.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
