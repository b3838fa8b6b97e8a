import Foundation

/// One writer per run: a lock file created exclusively, holding the writer's pid.
/// A lock whose process is gone (killed, power loss) is stale and taken over.
public final class RunLock {
    public let path: String
    private var held = false

    public init(acquire path: String) throws {
        self.path = path
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(ProcessInfo.processInfo.processIdentifier)\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            guard errno == EEXIST else { throw TrainingError.io(path: path, reason: String(cString: strerror(errno))) }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if let pid = Self.livePID(holder) {
                throw TrainingError.locked(path: (path as NSString).deletingLastPathComponent, holder: "process \(pid) (lock file \(path))")
            }
            unlink(path)  // stale: its process is gone
        }
        throw TrainingError.locked(path: path, holder: "another process that keeps re-creating the lock")
    }

    /// Is the lock at `path` held by a running process?
    public static func isHeld(_ path: String) -> Bool {
        livePID((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") != nil
    }

    private static func livePID(_ text: String) -> Int32? {
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return pid
    }

    public func release() {
        if held { unlink(path) }
        held = false
    }

    deinit { release() }
}
