import Foundation
import Support

/// The code a unit was trained with (recorded, not part of its id: the
/// configuration's reduction order and kernel contract decide the bits).
public struct CodeVersion: Codable, Hashable, Sendable {
    public var gitCommit: String
    public var gitDirty: Bool

    /// The checkout the process runs in (`swift run` runs in the package
    /// root), not where the binary was built: a binary copied to a cluster
    /// node has no source tree beside it. "unknown" outside a git checkout.
    public static func current(in folder: String = FileManager.default.currentDirectoryPath) -> CodeVersion {
        let commit = ProcessRunner.firstLine(of: ["git", "rev-parse", "HEAD"], in: folder) ?? "unknown"
        let status = commit == "unknown" ? nil : ProcessRunner.firstLine(of: ["git", "status", "--porcelain", "--untracked-files=no"], in: folder)
        return CodeVersion(gitCommit: commit, gitDirty: !(status ?? "").isEmpty)
    }
}
