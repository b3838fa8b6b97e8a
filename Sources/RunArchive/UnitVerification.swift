/// One unit's check as a Slurm task writes it, for the submitter to collect.
public struct UnitVerification: Codable, Hashable, Sendable {
    public var result: Verification.UnitResult
    public var environment: RunEnvironment
    public var threads: Int

    public init(result: Verification.UnitResult, environment: RunEnvironment, threads: Int) {
        self.result = result
        self.environment = environment
        self.threads = threads
    }
}
