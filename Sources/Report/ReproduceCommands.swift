/// The command lines a report prints for making it again and checking it.
/// Built by the CLI, which owns the flags; the report only shows them.
public struct ReproduceCommands: Hashable, Sendable {
    /// Makes this run and its report again (reusing the archive, or retraining to the same bits).
    public var regenerate: String
    /// Retrains the first epoch of every unit and compares it with the archive.
    public var verifyFirstEpoch: String
    /// Retrains every epoch of every unit.
    public var verifyEveryEpoch: String

    public init(regenerate: String, verifyFirstEpoch: String, verifyEveryEpoch: String) {
        self.regenerate = regenerate
        self.verifyFirstEpoch = verifyFirstEpoch
        self.verifyEveryEpoch = verifyEveryEpoch
    }
}
