/// Errors of training one unit; each names the file and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case let .corrupt(path, reason): return "\(path): \(reason)"
        }
    }
}
