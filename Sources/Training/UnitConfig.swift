import Dataset
import Engine
import Foundation
import Support

/// The id of a unit: the first 16 hex digits of the SHA-256 of its canonical encoding.
public struct UnitID: RawRepresentable, Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: UnitID, b: UnitID) -> Bool { a.rawValue < b.rawValue }
}

/// One model trained with one seed: the unit that is trained, cached, resumed,
/// reused across runs and verified. Every constant that decides its bits is a
/// field, so its id follows from this value alone: the same configuration on
/// any machine, with any thread count or kernel path, finds the same unit.
public struct UnitConfig: Codable, Hashable, Sendable {
    public var model: ModelSpec
    public var seed: UInt64
    public var settings: TrainingSettings

    public init(model: ModelSpec, seed: UInt64, settings: TrainingSettings = .homework) {
        self.model = model
        self.seed = seed
        self.settings = settings
    }

    public var id: UnitID { UnitID(rawValue: String(Digest.sha256(Data(canonicalEncoding.utf8)).prefix(16))) }

    /// Whether this engine reproduces the unit's bits on any machine: its
    /// reduction order, kernel contract included, is the current one.
    public var bitsPromisedEverywhere: Bool { settings.reduction == .current }

    /// "Model 2, seed 3", for messages and progress.
    public var label: String { "\(model.title), seed \(seed)" }
}
