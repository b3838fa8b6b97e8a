import Dataset
import Engine
import Foundation
import Support
import Training

/// Retrains the units of an archived run and compares them, epoch by epoch,
/// with the archive: every metric bit for bit, every test prediction, the
/// SHA-256 of the weights after each epoch, and after the last epoch the
/// weights file itself when the archive has it.
public struct Verifier {
    public let store: RunStore
    public let record: RunRecord
    public let threads: Int
    public let kernel: KernelPath

    public init(store: RunStore, record: RunRecord, threads: Int, kernel: KernelPath) {
        self.store = store
        self.record = record
        self.threads = threads
        self.kernel = kernel
    }

    public func verify(epochs: Int?, models: [ModelSpec]? = nil, seeds: [UInt64]? = nil, data: LabeledData,
                       observe: (TrainingEvent) -> Void = { _ in }) throws -> Verification {
        let results = try record.units.filter { (models?.contains($0.spec) ?? true) && (seeds?.contains($0.seed) ?? true) }.map {
            try Self.verify($0, epochs: epochs, store: store, threads: threads, kernel: kernel, data: data, observe: observe)
        }
        return Verification(date: RunManifest.now(), epochs: results.map(\.epochsCompared).max() ?? 0, threads: threads,
                            bitsPromised: record.units.allSatisfy(\.config.bitsPromisedEverywhere),
                            environment: .current(workers: threads, kernel: kernel), units: results)
    }

    /// Retrains one unit for its first `epochs` epochs (all when nil) and compares.
    public static func verify(_ unit: UnitRecord, epochs: Int?, store: RunStore, threads: Int, kernel: KernelPath, data: LabeledData,
                              observe: (TrainingEvent) -> Void = { _ in }) throws -> Verification.UnitResult {
        let trainer = try Trainer(unit: unit.config, threads: threads, kernel: kernel)
        let unitData = data.limitingTrain(unit.config.limitTrain)
        let count = min(epochs ?? unit.metrics.count, unit.metrics.count)
        var firstDiffering: Int?
        var largest = 0.0
        var weightsIdentical = true, predictionsIdentical = true
        for (index, archived) in unit.metrics.prefix(count).enumerated() {
            guard let fresh = trainer.trainEpoch(on: unitData, observe: observe) else { break }
            let pairs = zip(fresh.deterministicFields, archived.deterministicFields)
            largest = max(largest, pairs.map { abs($0.1 - $1.1) }.max() ?? 0)
            let weightsSame = fresh.weightsSha256 == archived.weightsSha256
            let predictionsSame = index < unit.predictions.count && trainer.predictions[index] == unit.predictions[index]
            weightsIdentical = weightsIdentical && weightsSame
            predictionsIdentical = predictionsIdentical && predictionsSame
            if !(pairs.allSatisfy { $0.1.bitPattern == $1.1.bitPattern } && weightsSame && predictionsSame) && firstDiffering == nil {
                firstDiffering = archived.epoch
            }
        }
        let weightsPath = store.layout.unitFile(unit.manifest.unitId, RunLayout.weights)
        if count == unit.metrics.count, let archived = FileManager.default.contents(atPath: weightsPath) {
            let fresh = SafeTensors.tensors(of: trainer.network.plan, parameters: trainer.network.parameters)
            let stored = try SafeTensors.decode(Array(archived), path: weightsPath).tensors
            let same = Dictionary(uniqueKeysWithValues: stored.map { ($0.name, $0) }) == Dictionary(uniqueKeysWithValues: fresh.map { ($0.name, $0) })
            if !same {
                weightsIdentical = false
                if firstDiffering == nil { firstDiffering = count }
            }
        }
        return .init(model: unit.spec.id, seed: unit.seed, unitId: unit.manifest.unitId, unitFilesSha256: unit.manifest.filesSha256,
                     epochsCompared: count, identical: firstDiffering == nil, firstDifferingEpoch: firstDiffering,
                     largestDifference: largest, weightsIdentical: weightsIdentical, predictionsIdentical: predictionsIdentical)
    }
}
