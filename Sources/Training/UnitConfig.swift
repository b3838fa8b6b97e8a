import Dataset
import Engine
import Foundation
import Support

/// The id of a unit: the first 16 hex digits of the SHA-256 of its configuration's JSON.
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
    public var dataset: DatasetIdentity
    public var model: ModelSpec
    public var seed: UInt64
    public var epochs: Int
    public var batchSize: Int
    /// Test images per forward pass when evaluating.
    public var evalBatchSize: Int
    /// Train on the first K training images only; nil for all.
    public var limitTrain: Int?
    public var adam: AdamConfig
    public var reduction: ReductionOrder

    public static let defaultEvalBatchSize = 200

    public init(dataset: DatasetIdentity, model: ModelSpec, seed: UInt64, epochs: Int, batchSize: Int,
                evalBatchSize: Int = defaultEvalBatchSize, limitTrain: Int? = nil, adam: AdamConfig = AdamConfig(),
                reduction: ReductionOrder = .current) {
        self.dataset = dataset
        self.model = model
        self.seed = seed
        self.epochs = epochs
        self.batchSize = batchSize
        self.evalBatchSize = evalBatchSize
        self.limitTrain = limitTrain
        self.adam = adam
        self.reduction = reduction
    }

    public var id: UnitID {
        // Encoding a value of plain Codable fields cannot fail; the fallback keeps the id total anyway.
        UnitID(rawValue: String(Digest.sha256((try? JSON.encode(self)) ?? Data(String(describing: self).utf8)).prefix(16)))
    }

    /// Whether this engine reproduces the unit's bits on any machine: its
    /// reduction order, kernel contract included, is the current one.
    public var bitsPromisedEverywhere: Bool { reduction == .current }

    /// "Model 2, seed 3", for messages and progress.
    public var label: String { "\(model.title), seed \(seed)" }
}
