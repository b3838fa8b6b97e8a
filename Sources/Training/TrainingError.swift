/// Errors of training and of the run archive; each names the file and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, reason: String)
    case invalidConfiguration(String)
    case locked(path: String, holder: String)
    case notFound(String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .corrupt(path, reason): return "\(path): \(reason)"
        case let .invalidConfiguration(message): return message
        case let .locked(path, holder): return "\(path) is held by \(holder); wait for it to finish or stop it, then try again"
        case let .notFound(message): return message
        case let .io(path, reason): return "\(path): \(reason)"
        }
    }
}
