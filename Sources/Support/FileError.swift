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
