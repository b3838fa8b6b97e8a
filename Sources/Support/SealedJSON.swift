import Foundation

/// A JSON file that carries a digest of its own bytes, so that a changed field
/// that no file digest covers (a session's machine, a commit, a time, a unit's
/// origin) is refused instead of shown.
public protocol Sealable: Codable {
    /// `fields_sha256` in the file: the SHA-256 of the file's bytes with these
    /// 64 hex digits written as zeros. Nil in a file written before seals.
    var fieldsSha256: String? { get set }
}

/// Writes and reads `Sealable` values. The seal is over the exact bytes
/// written, never over a re-encoding, so a later encoder that spells a number
/// otherwise cannot break an archive's seal. It catches a flipped bit or a
/// careless edit; it is no signature: whoever edits the file can compute it again.
public enum SealedJSON {
    public static let key = "fields_sha256"
    static let placeholder = String(repeating: "0", count: 64)

    /// The file's bytes, sealed.
    public static func encode<T: Sealable>(_ value: T) throws -> Data {
        var unsealed = value
        unsealed.fieldsSha256 = placeholder
        var data = try JSON.encode(unsealed)
        guard let range = try sealRange(in: data, path: "") else {
            throw FileError.io(path: "", reason: "the encoded \(T.self) holds no \(key)")
        }
        data.replaceSubrange(range, with: Data(Digest.sha256(data).utf8))
        return data
    }

    /// What a copy of a file read as `value` from `bytes` carries: the bytes
    /// as they are when sealed (the seal stays valid), else `value` written
    /// sealed, so that from the copy on its fields are covered.
    public static func sealedCopy<T: Sealable>(_ value: T, of bytes: Data) throws -> Data {
        value.fieldsSha256 == nil ? try encode(value) : bytes
    }

    public static func write<T: Sealable>(_ value: T, to path: String) throws {
        try AtomicFile.write(Array(try encode(value)), to: path)
    }

    /// The value, after its seal is checked; a file without one (written
    /// before seals) is read as it is, with `fieldsSha256` nil.
    public static func decode<T: Sealable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        let value = try JSON.decode(type, from: data, path: path)
        guard let range = try sealRange(in: data, path: path) else {
            guard value.fieldsSha256 == nil else { throw FileError.unreadable(path: path, reason: "its \(key) is not 64 hex digits") }
            return value
        }
        let recorded = String(decoding: data[range], as: UTF8.self)
        var zeroed = data
        zeroed.replaceSubrange(range, with: Data(placeholder.utf8))
        let found = Digest.sha256(zeroed)
        guard value.fieldsSha256 == recorded, found == recorded else {
            throw FileError.unreadable(path: path, reason: "its fields were changed after it was written: \(key) records \(recorded), its bytes give \(found)")
        }
        return value
    }

    public static func read<T: Sealable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = try PlainFile.contents(path, limit: JSON.maximumBytes) else { throw FileError.missing(path: path) }
        return try decode(type, from: data, path: path)
    }

    /// Where the seal's 64 hex digits are: after the one `"fields_sha256"`
    /// followed by a colon (a key: inside a string a quote is escaped). Nil
    /// when the file has none; more than one, or another shape, is refused.
    static func sealRange(in data: Data, path: String) throws -> Range<Data.Index>? {
        let name = Data("\"\(key)\"".utf8)
        let bytes = [UInt8](data)
        func skipBlanks(_ i: Int) -> Int {
            var i = i
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return i
        }
        var found: [Range<Int>] = []
        var from = data.startIndex
        while let match = data.range(of: name, in: from..<data.endIndex) {
            from = match.upperBound
            var i = skipBlanks(match.upperBound - data.startIndex)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { continue }
            i = skipBlanks(i + 1)
            let digits = (i + 1)..<(i + 65)
            guard digits.upperBound < bytes.count, bytes[i] == UInt8(ascii: "\""), bytes[digits.upperBound] == UInt8(ascii: "\""),
                  bytes[digits].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw FileError.unreadable(path: path, reason: "its \(key) is not 64 lower-case hex digits")
            }
            found.append(digits)
        }
        guard found.count <= 1 else { throw FileError.unreadable(path: path, reason: "holds \(found.count) \(key) keys, expected one") }
        return found.first.map { (data.startIndex + $0.lowerBound)..<(data.startIndex + $0.upperBound) }
    }
}
