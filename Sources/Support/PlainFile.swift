import Foundation

/// Reads a file of a folder someone else may have written (an archive sent by
/// a student, a runs folder shared on a cluster): every folder below `root`
/// and the file itself must be real, not links, so that a planted link cannot
/// make a reader check, copy or describe a file outside that folder.
public enum PlainFile {
    /// The most any file this project reads may hold (the largest it writes,
    /// a checkpoint, is far smaller): a larger one is refused by its size,
    /// before it is read, not after it has filled the memory.
    public static let maximumBytes = 1 << 30

    /// The bytes of `path` (which lies under `root`), or nil when it (or a
    /// folder on the way) does not exist. A link or a special file is refused.
    public static func read(_ path: String, under root: String) throws -> Data? {
        guard inside(path, root) else {
            throw FileError.unreadable(path: path, reason: "lies outside \(root), expected a file inside it")
        }
        guard try foldersExist((path as NSString).deletingLastPathComponent, under: root) else { return nil }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            let reason = errno == ELOOP ? "is a symbolic link, expected a plain file inside \(root)" : String(cString: strerror(errno))
            throw FileError.unreadable(path: path, reason: reason)
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw FileError.unreadable(path: path, reason: "is not a regular file, expected a plain file inside \(root)")
        }
        try checkSize(Int(status.st_size), path, limit: maximumBytes)
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw FileError.unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// Refuses a folder below `root` that is, or lies below, a link or a file:
    /// what is written or removed in it would land elsewhere. A missing folder passes.
    public static func requireFolder(_ folder: String, under root: String) throws {
        guard inside(folder, root) else {
            throw FileError.io(path: folder, reason: "lies outside \(root), expected a folder inside it")
        }
        _ = try foldersExist(folder, under: root)
    }

    /// The bytes of a file the user names (links followed), or nil when it
    /// does not exist; refused by its size when larger than `limit`.
    public static func contents(_ path: String, limit: Int = maximumBytes) throws -> Data? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if status.st_mode & S_IFMT == S_IFREG { try checkSize(Int(status.st_size), path, limit: limit) }
        return FileManager.default.contents(atPath: path)
    }

    static func checkSize(_ size: Int, _ path: String, limit: Int) throws {
        guard size <= limit else {
            throw FileError.unreadable(path: path, reason: "is \(TextFormat.thousands(size)) bytes, expected at most \(TextFormat.thousands(limit))")
        }
    }

    private static func base(_ root: String) -> String { root.hasSuffix("/") ? String(root.dropLast()) : root }

    /// Below `root` by its text, with no `.` or `..` step that could climb back out.
    private static func inside(_ path: String, _ root: String) -> Bool {
        path.hasPrefix(base(root) + "/")
            && path.dropFirst(base(root).count + 1).split(separator: "/").allSatisfy { $0 != "." && $0 != ".." }
    }

    /// Whether every folder from below `root` down to `folder` exists; throws when one is a link or a file.
    private static func foldersExist(_ folder: String, under root: String) throws -> Bool {
        let base = base(root)
        guard folder != base else { return true }
        var current = base
        for part in folder.dropFirst(base.count + 1).split(separator: "/") {
            current += "/" + part
            var status = stat()
            guard lstat(current, &status) == 0 else {
                if errno == ENOENT { return false }
                throw FileError.unreadable(path: current, reason: String(cString: strerror(errno)))
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw FileError.unreadable(path: current, reason: "is a link or a file, expected a plain folder inside \(root)")
            }
        }
        return true
    }
}
