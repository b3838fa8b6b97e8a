import Foundation

/// Reads a file of a folder someone else may have written (an archive sent by
/// a student, a runs folder shared on a cluster): every folder below `root`
/// and the file itself must be real, not links, so that a planted link cannot
/// make a reader check, copy or describe a file outside that folder.
public enum PlainFile {
    /// The bytes of `path` (which lies under `root`), or nil when it (or a
    /// folder on the way) does not exist. A link or a special file is refused.
    public static func read(_ path: String, under root: String) throws -> Data? {
        guard try foldersExist(of: path, under: root) else { return nil }
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
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw FileError.unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// Whether `path` is a plain file under `root` (as `read` would accept it), without reading it.
    public static func isPlain(_ path: String, under root: String) -> Bool {
        var status = stat()
        return (try? foldersExist(of: path, under: root)) == true && lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Whether every folder between `root` and `path` exists; throws when one is a link or a file.
    private static func foldersExist(of path: String, under root: String) throws -> Bool {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        guard path.hasPrefix(base + "/") else {
            throw FileError.unreadable(path: path, reason: "lies outside \(root), expected a file inside it")
        }
        var folder = base
        for part in path.dropFirst(base.count + 1).split(separator: "/").dropLast() {
            folder += "/" + part
            var status = stat()
            guard lstat(folder, &status) == 0 else {
                if errno == ENOENT { return false }
                throw FileError.unreadable(path: folder, reason: String(cString: strerror(errno)))
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw FileError.unreadable(path: folder, reason: "is a link or a file, expected a plain folder inside \(root)")
            }
        }
        return true
    }
}
