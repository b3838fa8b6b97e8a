import Dataset

/// A run as reports read it: its manifest, its units, and the last
/// reproducibility check when it still applies to these units.
public struct RunRecord: Hashable, Sendable {
    public var manifest: RunManifest
    /// In the order of `config.units`: seed by seed, models in order.
    public var units: [UnitRecord]
    public var verification: Verification?
    /// The test set's labels and images, when the archive has them (checked against the dataset's digests).
    public var testLabels: [UInt8]?
    public var testImages: IDX.Images?
    /// The SHA-256 of each file of the run's folder as it was checked, by
    /// name: a copy takes these files only, and only while they still match.
    public var checkedRunFiles: [String: String]

    public init(manifest: RunManifest, units: [UnitRecord], verification: Verification?, testLabels: [UInt8]?, testImages: IDX.Images? = nil,
                checkedRunFiles: [String: String] = [:]) {
        self.manifest = manifest
        self.units = units
        self.verification = verification
        self.testLabels = testLabels
        self.testImages = testImages
        self.checkedRunFiles = checkedRunFiles
    }

    public var config: RunConfig { manifest.config }
    public var id: RunID { manifest.runId }

    /// The units of one seed, one per model.
    public func units(seed: UInt64) -> [UnitRecord] { units.filter { $0.seed == seed } }

    /// The first seed's units: the single-seed write-up reads these.
    public var models: [UnitRecord] { units(seed: config.seeds.first ?? 0) }
}
