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
        let fd = try Self.openPlainFile(path)
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

    /// Opens (or creates) the lock without following a link: in a shared runs
    /// folder a symlink or hard link planted as `lock` would otherwise make our
    /// truncate-and-write land on a file outside the archive.
    private static func openPlainFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP
                ? "is a symbolic link, expected the folder's lock file (a plain file); remove the link if you did not put it there"
                : "cannot open the lock file: \(String(cString: strerror(errno)))"
            throw FileError.io(path: path, reason: reason)
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1 else {
            close(fd)
            throw FileError.io(path: path, reason: "is not a plain file of its own (a link or a special file), expected the folder's lock file; remove it if you did not put it there")
        }
        return fd
    }

    /// Is the lock at `path` held by a running process (here or on another node)?
    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
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
