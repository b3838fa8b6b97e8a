import Foundation
import Synchronization

/// Writes that never leave a half-written file: the bytes go to a temporary
/// file beside the target (`<name>.tmp-<pid>`), are flushed to disk, and
/// replace the target with one rename. A crash leaves either the old file or
/// the new one, plus at worst a temporary file that `removeStale` clears.
public enum AtomicFile {
    /// The marker in every temporary name; readers and digests skip such files.
    public static let temporaryMarker = ".tmp-"

    public static func temporaryPath(for path: String) -> String {
        path + temporaryMarker + "\(ProcessInfo.processInfo.processIdentifier)"
    }

    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        try createFolder((path as NSString).deletingLastPathComponent)
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError.io(path: temporary, reason: String(cString: strerror(errno))) }
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let n = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, data.count - written) }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw FileError.io(path: path, reason: "write failed: \(reason)")
            }
            written += n
        }
        let synced = fsync(fd) == 0
        close(fd)
        if let fault = FaultInjection.check(path) {
            unlink(temporary)
            throw fault
        }
        guard synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileError.io(path: path, reason: "could not finish the write: \(reason)")
        }
        // The rename itself reaches the disk only with its folder.
        let folder = (path as NSString).deletingLastPathComponent
        let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// JSON with sorted keys, so the same value always gives the same bytes.
    public static func writeJSON(_ value: some Encodable, to path: String) throws {
        try write(Array(try JSON.encode(value)), to: path)
    }

    /// Appends a line with one `write` on a descriptor opened for appending and
    /// flushes it, so a log keeps every line written before a kill.
    public static func appendLine(_ line: String, to path: String) throws {
        try createFolder((path as NSString).deletingLastPathComponent)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw FileError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        guard n == bytes.count, fsync(fd) == 0 else {
            throw FileError.io(path: path, reason: "could not append: \(String(cString: strerror(errno)))")
        }
    }

    public static func createFolder(_ folder: String) throws {
        guard !folder.isEmpty else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError.io(path: folder, reason: "is a file, expected a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError.io(path: folder, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Removes temporary files under `folder` left by processes that are gone
    /// (a killed writer cannot clean up after itself). Files of live processes stay.
    public static func removeStale(under folder: String) {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return }
        for case let relative as String in walker {
            guard let range = relative.range(of: temporaryMarker, options: .backwards),
                  let pid = Int32(relative[range.upperBound...]), !ProcessCheck.isAlive(pid) else { continue }
            unlink((folder as NSString).appendingPathComponent(relative))
        }
    }
}

/// For tests that kill a writer between any two steps: the n-th atomic write
/// under a folder fails just before its rename, as a crash there would leave
/// it. Only folders a test names are affected, so parallel tests do not meet.
public enum FaultInjection {
    private static let plans = Mutex<[String: Int]>([:])

    public static func failWrite(number n: Int, under folder: String) {
        plans.withLock { $0[folder] = n }
    }

    public static func clear(under folder: String) {
        plans.withLock { $0[folder] = nil }
    }

    static func check(_ path: String) -> FileError? {
        plans.withLock { plans in
            guard let folder = plans.keys.first(where: { path.hasPrefix($0 + "/") }), let left = plans[folder] else { return nil }
            plans[folder] = left - 1
            return left == 1 ? FileError.io(path: path, reason: "injected failure") : nil
        }
    }
}

public enum ProcessCheck {
    /// Whether a process with this pid exists (it may belong to another user).
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

/// The project's one JSON dialect: snake_case keys, sorted, pretty-printed.
public enum JSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
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
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError.missing(path: path) }
        return try decode(type, from: data, path: path)
    }
}

/// A file that could not be read or written, by path.
public enum FileError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path): return "\(path): no such file"
        case let .unreadable(path, reason), let .io(path, reason): return "\(path): \(reason)"
        }
    }
}
