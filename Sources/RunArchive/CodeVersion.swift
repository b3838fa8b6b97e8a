import Foundation
import Support

/// The code a unit was trained with (recorded, not part of its id: the
/// configuration's reduction order and kernel contract decide the bits).
public struct CodeVersion: Codable, Hashable, Sendable {
    public var gitCommit: String
    public var gitDirty: Bool

    public init(gitCommit: String, gitDirty: Bool) {
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
    }

    /// A commit read from an archive is a commit id (40 or 64 hex digits) or
    /// "unknown", nothing else: it lands in reports and terminals as it is.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gitCommit = try container.decode(String.self, forKey: .gitCommit)
        gitDirty = try container.decode(Bool.self, forKey: .gitDirty)
        guard gitCommit == "unknown" || ([40, 64].contains(gitCommit.utf8.count) && gitCommit.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }) else {
            throw DecodingError.dataCorruptedError(forKey: .gitCommit, in: container,
                                                   debugDescription: "expected a commit id (40 or 64 hex digits) or \"unknown\"")
        }
    }

    /// The checkout the process runs in (`swift run` runs in the package
    /// root), not where the binary was built: a binary copied to a cluster
    /// node has no source tree beside it. "unknown" outside a git checkout.
    public static func current(in folder: String = FileManager.default.currentDirectoryPath) -> CodeVersion {
        let commit = ProcessRunner.firstLine(of: ["git", "rev-parse", "HEAD"], in: folder) ?? "unknown"
        let status = commit == "unknown" ? nil : ProcessRunner.firstLine(of: ["git", "status", "--porcelain", "--untracked-files=no"], in: folder)
        return CodeVersion(gitCommit: commit, gitDirty: !(status ?? "").isEmpty)
    }
}
