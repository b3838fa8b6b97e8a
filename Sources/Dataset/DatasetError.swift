import Foundation

/// Everything that can go wrong between "the user named a data folder" and
/// "the engine has normalised tensors". Each case names the file and says what
/// was expected, so the CLI can print it as one line.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, expected: String, found: String)
    case mismatch(String)
    case digest(path: String, expected: String, found: String)
    case missing(folder: String, files: [String], hint: String)
    case fetchFailed(step: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .malformed(path, expected, found):
            return "\(path): expected \(expected), found \(found)"
        case let .mismatch(message):
            return message
        case let .digest(path, expected, found):
            return "\(path): SHA-256 is \(found), expected \(expected) (the file is not the canonical data; delete it and run `report data` again)"
        case let .missing(folder, files, hint):
            return "\(folder): missing \(files.joined(separator: ", ")). \(hint)"
        case let .fetchFailed(step, reason):
            return "fetching the data failed while \(step): \(reason)"
        }
    }
}
