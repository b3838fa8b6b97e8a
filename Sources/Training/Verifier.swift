import Dataset
import Engine
import Foundation

/// Retrains an archived configuration and compares it, epoch by epoch and
/// model by model, with what the archive says: every metric bit for bit, and
/// the SHA-256 of the weights.
public struct Verifier {
    public let record: RunRecord
    public let threads: Int
    public let kernel: KernelPath

    public init(record: RunRecord, threads: Int, kernel: KernelPath) {
        self.record = record
        self.threads = threads
        self.kernel = kernel
    }

    public func verify(epochs: Int?, models: [ModelSpec]? = nil, data: LabeledData,
                       observe: (TrainingEvent) -> Void = { _ in }) throws -> Verification {
        let config = record.config
        let data = data.limitingTrain(config.limitTrain)
        let environment = RunEnvironment.current(workers: threads, kernel: kernel)
        var results: [Verification.ModelResult] = []
        for model in record.models where models?.contains(model.spec) ?? true {
            let count = min(epochs ?? model.metrics.count, model.metrics.count)
            let trainer = try Trainer(spec: model.spec, seed: config.seed, batchSize: config.batchSize, threads: threads,
                                      adam: config.adam, kernel: kernel)
            var firstDiffering: Int?
            var largest = 0.0
            var weightsIdentical = true
            for archived in model.metrics.prefix(count) {
                let fresh = trainer.trainEpoch(on: data, observe: observe)!
                let differences = zip(fresh.deterministicFields, archived.deterministicFields).map { abs($0.1 - $1.1) }
                let same = zip(fresh.deterministicFields, archived.deterministicFields).allSatisfy { $0.1.bitPattern == $1.1.bitPattern }
                    && fresh.weightsSha256 == archived.weightsSha256
                if fresh.weightsSha256 != archived.weightsSha256 { weightsIdentical = false }
                largest = max(largest, differences.max() ?? 0)
                if !same && firstDiffering == nil { firstDiffering = archived.epoch }
            }
            results.append(.init(model: model.spec.id, epochsCompared: count, identical: firstDiffering == nil,
                                 firstDifferingEpoch: firstDiffering, largestDifference: largest, weightsIdentical: weightsIdentical))
        }
        return Verification(date: Manifest.now(), epochs: results.map(\.epochsCompared).max() ?? 0, threads: threads,
                            bitsPromised: config.bitsPromisedEverywhere,
                            environment: environment, models: results)
    }
}
