import Dataset
import Engine

/// Everything that decides a unit's bits besides its model and seed: shared by
/// every unit of a run, so a run records it once.
public struct TrainingSettings: Codable, Hashable, Sendable {
    public var dataset: DatasetIdentity
    public var epochs: Int
    public var batchSize: Int
    /// Test images per forward pass when evaluating.
    public var evalBatchSize: Int
    /// Train on the first K training images only; nil for all.
    public var limitTrain: Int?
    public var adam: AdamConfig
    public var reduction: ReductionOrder

    public init(dataset: DatasetIdentity = Homework.dataset.identity, epochs: Int = Homework.epochs,
                batchSize: Int = Homework.batchSize, evalBatchSize: Int = Homework.evalBatchSize, limitTrain: Int? = nil,
                adam: AdamConfig = AdamConfig(), reduction: ReductionOrder = .current) {
        self.dataset = dataset
        self.epochs = epochs
        self.batchSize = batchSize
        self.evalBatchSize = evalBatchSize
        self.limitTrain = limitTrain
        self.adam = adam
        self.reduction = reduction
    }

    /// The homework's own settings.
    public static let homework = TrainingSettings()
}
