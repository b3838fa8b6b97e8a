import Engine
import Training

/// One unit's results as reports and checks read them, from files that
/// matched the manifest's digests.
public struct UnitRecord: Hashable, Sendable {
    public var manifest: UnitManifest
    public var metrics: [EpochMetrics]
    /// [epoch][test image] predicted class.
    public var predictions: [[UInt8]]

    public var config: UnitConfig { manifest.config }
    public var spec: ModelSpec { manifest.config.model }
    public var seed: UInt64 { manifest.config.seed }
    /// SHA-256 of the final weights (as in metrics, little-endian Float32).
    public var weightsSha256: String { metrics.last?.weightsSha256 ?? "" }
}
