import Foundation
import Synchronization

/// Writes that never leave a half-written file: the bytes go to a temporary
/// file beside the target (`<name>.tmp-<pid>.<random>`), are flushed to disk,
/// and replace the target with one rename. A crash leaves either the old file
/// or the new one, plus at worst a temporary file that `removeStale` clears.
/// The temporary file is always a new one (`O_EXCL`, no link followed) under a
/// name nobody can guess, so a link planted in a shared folder never receives
/// our bytes.
public enum AtomicFile {
    /// The marker in every temporary name; readers and digests skip such files.
    public static let temporaryMarker = ".tmp-"

    /// The pid lets `removeStale` tell a live writer's file from a dead one's;
    /// the random part keeps the name from being known in advance.
    public static func temporaryPath(for path: String) -> String {
        path + temporaryMarker + "\(ProcessInfo.processInfo.processIdentifier)." + String(UInt64.random(in: .min ... .max), radix: 16)
    }

    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        try write(bytes, to: path, through: temporaryPath(for: path))
    }

    /// `temporary` is a parameter so that a test can plant a link at it.
    static func write(_ bytes: some Collection<UInt8>, to path: String, through temporary: String) throws {
        try createFolder((path as NSString).deletingLastPathComponent)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError.io(path: temporary, reason: "cannot create the temporary file for \(path) (expected a new file, found \(String(cString: strerror(errno))))")
        }
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
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
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
                  let pid = Int32(relative[range.upperBound...].prefix { $0 != "." }), !ProcessCheck.isAlive(pid) else { continue }
            unlink((folder as NSString).appendingPathComponent(relative))
        }
    }
}
