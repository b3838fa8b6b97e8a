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

    /// The run's units of these models and seeds (every one for nil), in the run's order.
    public func selected(models: [ModelSpec]?, seeds: [UInt64]?) -> [UnitRecord] {
        record.units.filter { (models?.contains($0.spec) ?? true) && (seeds?.contains($0.seed) ?? true) }
    }

    /// Retrains the selected units here, one after another.
    public func verify(epochs: Int?, models: [ModelSpec]? = nil, seeds: [UInt64]? = nil, data: LabeledData,
                       observe: (TrainingEvent) -> Void = { _ in }) throws -> Verification {
        let units = selected(models: models, seeds: seeds)
        let results = try units.map {
            try Self.verify($0, epochs: epochs, store: store, threads: threads, kernel: kernel, data: data, observe: observe)
        }
        return Verification(date: RunManifest.now(), epochs: results.map(\.epochsCompared).max() ?? 0, threads: threads,
                            bitsPromised: units.allSatisfy(\.config.bitsPromisedEverywhere),
                            environment: .current(workers: threads, kernel: kernel), units: results)
    }

    /// Retrains the selected units on a cluster, one array task each (`report
    /// unit <id> --verify`, with `slurm`'s threads per task), waits for the
    /// tasks, and collects the result each wrote: the check is the result, so
    /// this always waits. `log` receives the submission and the queue's progress.
    public func verifyOnSlurm(epochs: Int?, models: [ModelSpec]? = nil, seeds: [UInt64]? = nil, slurm: SlurmExecutor,
                              every seconds: Double = 5, log: (String) -> Void = { _ in }) throws -> Verification {
        let units = selected(models: models, seeds: seeds)
        guard !units.isEmpty else { throw ArchiveError.notFound("run \(record.id) has no unit of these models and seeds to verify") }
        let output = (store.layout.slurmFolder(record.id) as NSString).appendingPathComponent(RunLayout.verifyResult(String(UUID().uuidString.prefix(8))))
        let submission = try slurm.submit(units.map(\.config),
                                          taskArguments: ["--verify", "--verify-output", output] + (epochs.map { ["--epochs", String($0)] } ?? []))
        log("slurm: submitted job \(submission.jobID): \(units.count) verification task(s); following it")
        let results = try SlurmExecutor.follow(submission, in: store.layout, every: seconds) { log("slurm: job \(submission.jobID): \($0.count) task(s) queued or running") }
        let checks = try Self.collect(units.map(\.manifest.unitId), results: results, output: output)
        return Verification(date: RunManifest.now(), epochs: checks.map(\.result.epochsCompared).max() ?? 0, threads: slurm.settings.threads,
                            bitsPromised: units.allSatisfy(\.config.bitsPromisedEverywhere),
                            environment: checks.first?.environment ?? .current(workers: slurm.settings.threads, kernel: kernel),
                            units: checks.map(\.result))
    }

    /// Retrains one unit for its first `epochs` epochs (all when nil) and compares.
    public static func verify(_ unit: UnitRecord, epochs: Int?, store: RunStore, threads: Int, kernel: KernelPath, data: LabeledData,
                              observe: (TrainingEvent) -> Void = { _ in }) throws -> Verification.UnitResult {
        let trainer = try Trainer(unit: unit.config, threads: threads, kernel: kernel)
        let unitData = data.limitingTrain(unit.config.settings.limitTrain)
        let count = min(epochs ?? unit.metrics.count, unit.metrics.count)
        var comparison = UnitComparison()
        for (index, archived) in unit.metrics.prefix(count).enumerated() {
            guard let fresh = trainer.trainEpoch(on: unitData, observe: observe) else { break }
            comparison.add(fresh, trainer.predictions[index], archived, index < unit.predictions.count ? unit.predictions[index] : nil)
        }
        let weightsPath = store.layout.unitFile(unit.manifest.unitId, RunLayout.weights)
        if count == unit.metrics.count, let archived = try PlainFile.read(weightsPath, under: store.root) {
            let fresh = SafeTensors.tensors(of: trainer.network.plan, parameters: trainer.network.parameters)
            let stored = try SafeTensors.decode(Array(archived), path: weightsPath).tensors
            let same = Dictionary(uniqueKeysWithValues: stored.map { ($0.name, $0) }) == Dictionary(uniqueKeysWithValues: fresh.map { ($0.name, $0) })
            if !same { comparison.add(.weightsFile(epoch: count)) }
        }
        return .init(model: unit.spec.id, seed: unit.seed, unitId: unit.manifest.unitId, unitFilesSha256: unit.manifest.filesSha256,
                     epochsCompared: count, identical: comparison.identical, firstDifferingEpoch: comparison.firstDifferingEpoch,
                     largestDifference: comparison.largestDifference, weightsIdentical: comparison.weightsIdentical,
                     predictionsIdentical: comparison.predictionsIdentical)
    }
}

extension Verifier {
    /// The result each verification task wrote (`output` with `%u` for the
    /// unit id), in the units' order. Every task that failed, or left no
    /// readable result of its own unit, is named; one error holds them all.
    static func collect(_ units: [UnitID], results: [SlurmExecutor.TaskResult], output: String) throws -> [UnitVerification] {
        var checks: [UnitVerification] = []
        var failures: [SlurmExecutor.SlurmError] = []
        for (id, result) in zip(units, results) {
            if case let .failed(_, taskLog, status) = result {
                failures.append(.taskFailed(unit: id, status: status, log: taskLog))
                continue
            }
            let path = output.replacingOccurrences(of: "%u", with: id.rawValue)
            do {
                let check = try JSON.decode(UnitVerification.self, from: path)
                guard check.result.unitId == id else {
                    failures.append(.noResult(unit: id, path: path, reason: "it records unit \(check.result.unitId)"))
                    continue
                }
                checks.append(check)
            } catch {
                failures.append(.noResult(unit: id, path: path, reason: "\(error)"))
            }
        }
        if failures.count == 1, let only = failures.first { throw only }
        guard failures.isEmpty else { throw SlurmExecutor.SlurmError.several(failures) }
        return checks
    }
}
