import Foundation
import Support

/// One writer per folder: a lock file created exclusively, holding the
/// writer's pid and the start time of that process (from /proc). A lock whose
/// process is gone, or whose pid now belongs to a process started at another
/// time (a reused pid), is stale and taken over.
public final class RunLock {
    public let path: String
    private var held = false

    public init(acquire path: String) throws {
        self.path = path
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let pid = ProcessInfo.processInfo.processIdentifier
                let text = "\(pid) \(Self.startTime(of: pid) ?? 0)\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            guard errno == EEXIST else { throw FileError.io(path: path, reason: String(cString: strerror(errno))) }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if let pid = Self.livePID(holder) {
                throw ArchiveError.locked(path: (path as NSString).deletingLastPathComponent, holder: "process \(pid) (lock file \(path))")
            }
            unlink(path)
        }
        throw ArchiveError.locked(path: path, holder: "another process that keeps re-creating the lock")
    }

    /// Is the lock at `path` held by a running process?
    public static func isHeld(_ path: String) -> Bool {
        livePID((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") != nil
    }

    /// The pid of a lock's text when that very process still runs.
    static func livePID(_ text: String) -> Int32? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first, let pid = Int32(first), ProcessCheck.isAlive(pid) else { return nil }
        if fields.count > 1, let recorded = UInt64(fields[1]), recorded != 0, let now = startTime(of: pid), now != recorded {
            return nil
        }
        return pid
    }

    /// Field 22 of /proc/<pid>/stat: the process's start time in clock ticks after boot.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    public func release() {
        if held { unlink(path) }
        held = false
    }

    deinit { release() }
}
