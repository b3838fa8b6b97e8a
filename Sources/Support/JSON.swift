import Foundation
import Synchronization

/// The project's one JSON dialect: snake_case keys, sorted, pretty-printed.
public enum JSON {
    /// The dialect's settings, in one place for files and for lines of output alike.
    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// A file's contents: pretty-printed, ending in a newline.
    public static func encode(_ value: some Encodable) throws -> Data {
        var data = try encoder(pretty: true).encode(value)
        data.append(0x0A)
        return data
    }

    /// One line of output (no newline), for programs that read results line by line.
    public static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder(pretty: false).encode(value), as: UTF8.self)
    }

    /// The most a JSON file of ours may hold (a manifest is kilobytes):
    /// decoding needs several times a file's size in memory.
    public static let maximumBytes = 64 << 20

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        try PlainFile.checkSize(data.count, path, limit: maximumBytes)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw FileError.unreadable(path: path, reason: "expected \(type) as JSON: \(describe(error, in: data))")
        }
    }

    /// A decoding error as the file's reader needs it: where (the keys as the
    /// file spells them) and what was expected there.
    static func describe(_ error: Error, in data: Data) -> String {
        func place(_ path: [CodingKey]) -> String {
            let keys = path.map { key in key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue) }
            return keys.isEmpty ? "at the top level" : "at " + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error as? DecodingError {
        case let .typeMismatch(_, context)?:
            let plain = context.debugDescription.replacingOccurrences(of: "Dictionary<String, Any>", with: "an object")
                .replacingOccurrences(of: "Array<Any>", with: "a list").replacingOccurrences(of: "found a dictionary", with: "found an object")
            return "\(place(context.codingPath)): \(plain)"
        case let .keyNotFound(key, context)?:
            return "\(place(context.codingPath)): no \"\(snakeCase(key.stringValue))\""
        case let .valueNotFound(_, context)?:
            return "\(place(context.codingPath)): a value is missing (\(context.debugDescription))"
        case let .dataCorrupted(context)?:
            if context.codingPath.isEmpty, let syntax = syntaxError(in: data) { return "not valid JSON \(syntax)" }
            return "\(place(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// Where the JSON syntax breaks, "around line 3, column 7" (the decoder
    /// says only that the data is not valid JSON; the parser gives the offset).
    static func syntaxError(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
            guard let match = text.firstMatch(of: /character (?<offset>\d+)/), let offset = Int(match.output.offset) else { return nil }
            let before = data.prefix(offset)
            let line = before.filter { $0 == 0x0A }.count + 1
            let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            return "around line \(line), column \(column)"
        }
    }

    /// "unitId" -> "unit_id", "kernelSHA" -> "kernel_sha": a key as the encoder's
    /// snake-case strategy writes it, for messages.
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        var out = ""
        for (i, c) in characters.enumerated() {
            let previous = i > 0 ? characters[i - 1] : nil
            let next = i + 1 < characters.count ? characters[i + 1] : nil
            // A word starts at a capital after a lower-case letter or digit, or at the last capital of a run followed by lower case.
            if c.isUppercase, let previous, !previous.isUppercase || next?.isLowercase == true { out += "_" }
            out += c.lowercased()
        }
        return out
    }

    public static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = try PlainFile.contents(path, limit: maximumBytes) else { throw FileError.missing(path: path) }
        return try decode(type, from: data, path: path)
    }
}
