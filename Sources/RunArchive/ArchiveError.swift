/// Errors of the run archive. Each names the file (or folder) and what was
/// expected, and where a command repairs it, the command.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// A file differs from what its manifest recorded.
    case mismatch(Mismatch)
    case notFound(String)
    case locked(path: String, holder: String)
    case unfinished(String)

    public var description: String {
        switch self {
        case let .mismatch(m): return m.description
        case let .notFound(message), let .unfinished(message): return message
        case let .locked(path, holder): return "\(path) is held by \(holder); wait for it to finish or stop it, then try again"
        }
    }
}

/// One archived file that is not what the manifest says it is.
public struct Mismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case missing
        /// A link or a special file where the manifest records a plain file: never read, so nothing of what it points at is shown.
        case notPlain
        case size(expected: Int, found: Int)
        case digest(expected: String, found: String)
    }

    public var path: String
    public var kind: Kind

    public var description: String {
        switch kind {
        case .missing: return "\(path): missing (the manifest records it)"
        case .notPlain: return "\(path): a link or not a regular file, the manifest records a plain file inside the archive"
        case let .size(expected, found): return "\(path): \(found) bytes, the manifest records \(expected)"
        case let .digest(expected, found): return "\(path): SHA-256 \(found), the manifest records \(expected)"
        }
    }
}
