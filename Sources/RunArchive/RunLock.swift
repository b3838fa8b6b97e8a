import Foundation
import Support

/// One writer per folder: an exclusive `flock` on a lock file that stays in
/// place. The kernel drops the lock when its process ends, however it ends,
/// so there is no stale lock to judge (no pid to trust, no race between two
/// processes that both think a lock is dead); on NFS the client maps it to a
/// POSIX lock the server arbitrates, so it holds across nodes. The file says
/// who holds it, for messages.
public final class RunLock {
    public let path: String
    private var fd: Int32 = -1

    /// `waiting` seconds to let a holder that is on its way out (a cancelled
    /// task finishing its batch) let go; 0 refuses at once.
    public init(acquire path: String, waiting: Double = 0) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileError.io(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(waiting)
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        while !locked && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw ArchiveError.locked(path: (path as NSString).deletingLastPathComponent,
                                      holder: (holder.isEmpty ? "another process" : holder) + " (lock file \(path))")
        }
        let text = "process \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName)\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    /// Is the lock at `path` held by a running process (here or on another node)?
    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
