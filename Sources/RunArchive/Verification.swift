import Engine
import Support
import Training

/// The last reproducibility check of a run (`report verify`), kept beside it.
public struct Verification: Codable, Hashable, Sendable, Sealable {
    public struct UnitResult: Codable, Hashable, Sendable {
        public var model: ModelID
        public var seed: UInt64
        public var unitId: UnitID
        /// The unit's `filesSha256` when it was checked: a retrained unit makes this result stale.
        public var unitFilesSha256: String
        public var epochsCompared: Int
        public var identical: Bool
        public var firstDifferingEpoch: Int?
        /// Largest absolute difference of any metric (0 when identical).
        public var largestDifference: Double
        public var weightsIdentical: Bool
        public var predictionsIdentical: Bool
    }

    public var date: String
    public var epochs: Int
    public var threads: Int
    /// Whether identical bits were expected: for every unit under the current
    /// reduction order and kernel contract, on any machine.
    public var bitsPromised: Bool
    public var environment: RunEnvironment
    public var units: [UnitResult]
    /// The seal of the file's own fields (`SealedJSON`); nil until written, and in archives older than seals.
    public var fieldsSha256: String?

    public init(date: String, epochs: Int, threads: Int, bitsPromised: Bool, environment: RunEnvironment, units: [UnitResult]) {
        self.date = date
        self.epochs = epochs
        self.threads = threads
        self.bitsPromised = bitsPromised
        self.environment = environment
        self.units = units
    }

    public var identical: Bool { units.allSatisfy(\.identical) }
    /// Where bits are not promised (units of an older contract), metrics that
    /// agree within this absolute tolerance are reported as such.
    public static let tolerance = 2e-3

    /// This check laid over an earlier one of the same run: a narrower check
    /// (some models or seeds) keeps the earlier results of the units it did
    /// not retrain. `order` is the run's units, which the results follow.
    public func merged(over earlier: Verification?, order: [UnitID]) -> Verification {
        guard let earlier else { return self }
        var merged = self
        merged.bitsPromised = bitsPromised && earlier.bitsPromised
        merged.units = order.compactMap { id in units.first { $0.unitId == id } ?? earlier.units.first { $0.unitId == id } }
        merged.epochs = merged.units.map(\.epochsCompared).max() ?? 0
        return merged
    }
}
