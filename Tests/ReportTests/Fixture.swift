import Dataset
import Engine
import Foundation
@testable import RunArchive
import Training
@testable import Report

/// A fixed run: three homework models x 6 epochs of made-up but plausible
/// metrics, a fixed manifest. The report must be a pure function of this.
enum Fixture {
    /// What the CLI would pass; fixed so the goldens do not depend on it.
    static let commands = ReproduceCommands(regenerate: "swift run report --epochs 6", verifyFirstEpoch: "swift run report verify RUN --epochs 1",
                                            verifyEveryEpoch: "swift run report verify RUN")

    static let environment = RunEnvironment(cpu: "Test CPU (2 cores)", kernel: .avx2, workers: 2,
                                            swiftVersion: "Swift version 6.3.1", os: "Debian GNU/Linux 12 (bookworm), Linux 6.1")

    static func run(models: [ModelSpec] = Homework.models, verification: Verification? = nil, environment: RunEnvironment = environment,
                    commit: String = String(repeating: "c", count: 40)) -> RunRecord {
        let config = RunConfig(models: models, seeds: [0], settings: TrainingSettings(epochs: 6))
        let manifest = RunManifest(runId: config.id, status: .finished, config: config, started: "2026-11-29T08:00:00Z",
                                   finished: "2026-11-29T08:30:00Z",
                                   units: config.units.map { .init(model: $0.model.id, seed: $0.seed, unitId: $0.id, origin: .trained) })
        let units = config.units.enumerated().map { index, unit in
            let session = Session(firstEpoch: 1, lastEpoch: 6, started: "2026-11-29T08:0\(index):00Z", finished: "2026-11-29T08:\(index + 1)0:00Z",
                                  code: CodeVersion(gitCommit: commit, gitDirty: false),
                                  environment: environment, executor: "local")
            let unitManifest = UnitManifest(unitId: unit.id, status: .finished, config: unit, sessions: [session], files: [])
            let metrics = metrics(index)
            return UnitRecord(manifest: unitManifest, metrics: metrics, predictions: metrics.map { predictions(index, $0) })
        }
        return RunRecord(manifest: manifest, units: units, verification: verification, testLabels: labels)
    }

    /// A study of the fixed run's settings with seeds 0-2: each seed shifts
    /// Model 2's accuracy a little (by `model2Shifts`), so the paired differences vary in sign.
    static func study(model2Shifts: [Double] = [0.0, -0.0025, 0.0010]) -> RunRecord {
        let config = RunConfig(seeds: [0, 1, 2], settings: TrainingSettings(epochs: 6))
        let manifest = RunManifest(runId: config.id, status: .finished, config: config, started: "2026-11-29T08:00:00Z",
                                   finished: "2026-11-29T09:30:00Z",
                                   units: config.units.map { .init(model: $0.model.id, seed: $0.seed, unitId: $0.id, origin: .trained) })
        let units = config.units.map { unit -> UnitRecord in
            let index = Homework.models.firstIndex(of: unit.model) ?? 0
            let shift = index == 1 ? model2Shifts[Int(unit.seed)] : 0.0004 * Double(unit.seed)
            let metrics = metrics(index).map { m in var m = m; m.testAccuracy += shift; return m }
            let session = Session(firstEpoch: 1, lastEpoch: 6, started: "2026-11-29T08:00:00Z", finished: "2026-11-29T09:00:00Z",
                                  code: CodeVersion(gitCommit: String(repeating: "c", count: 40), gitDirty: false),
                                  environment: environment, executor: "local")
            let manifest = UnitManifest(unitId: unit.id, status: .finished, config: unit, sessions: [session], files: [])
            return UnitRecord(manifest: manifest, metrics: metrics, predictions: metrics.map { predictions(index, $0) })
        }
        return RunRecord(manifest: manifest, units: units, verification: nil, testLabels: labels)
    }

    /// Units of the given models (the three homework models unless told) with
    /// the given per-epoch test accuracies (and train losses), for checking
    /// claim rules on constructed numbers.
    static func models(accuracy: [[Double]], loss: [[Double]]? = nil, specs: [ModelSpec] = Homework.models) -> [UnitRecord] {
        let config = RunConfig(models: specs, settings: TrainingSettings(epochs: accuracy[0].count))
        return config.units.enumerated().map { index, unit in
            let metrics = accuracy[index].enumerated().map { e, a in
                EpochMetrics(epoch: e + 1, trainLoss: loss?[index][e] ?? 0.1 / Double(e + 1), lastBatchLoss: 0.01, trainAccuracy: 0.99,
                             testLoss: 0.04, testAccuracy: a, trainSeconds: 10, evalSeconds: 1, weightsSha256: "")
            }
            let manifest = UnitManifest(unitId: unit.id, status: .finished, config: unit, sessions: [], files: [])
            return UnitRecord(manifest: manifest, metrics: metrics, predictions: metrics.map { predictions(index, $0) })
        }
    }

    /// A fourth model, for rules judged over more models than the homework's three.
    static let model4 = ModelSpec(id: "model4", title: "Model 4", layers: ModelSpec.model2.layers)

    static let labels: [UInt8] = (0..<10_000).map { UInt8($0 % 10) }

    /// Predictions with the epoch's accuracy: a seeded choice of images is wrong.
    static func predictions(_ index: Int, _ m: EpochMetrics) -> [UInt8] {
        var random = SeededGenerator(seed: UInt64(index), stream: "fixture/epoch\(m.epoch)")
        let wrong = random.permutation(labels.count).prefix(Int(((1 - m.testAccuracy) * Double(labels.count)).rounded()))
        var predicted = labels
        for i in wrong { predicted[Int(i)] = (labels[Int(i)] + 1) % 10 }
        return predicted
    }

    /// Model 1 learns slowest; Model 3 leads early; Model 2 ends highest.
    static func metrics(_ index: Int) -> [EpochMetrics] {
        let accuracy: [[Double]] = [
            [0.9790, 0.9821, 0.9835, 0.9842, 0.9850, 0.9901],
            [0.9805, 0.9861, 0.9875, 0.9880, 0.9902, 0.9924],
            [0.9840, 0.9872, 0.9881, 0.9890, 0.9895, 0.9904],
        ]
        let loss: [[Double]] = [
            [0.1400, 0.0400, 0.0250, 0.0180, 0.0120, 0.0026],
            [0.2200, 0.0600, 0.0400, 0.0300, 0.0250, 0.0038],
            [0.1500, 0.0450, 0.0280, 0.0190, 0.0130, 0.0010],
        ]
        return (0..<6).map { e in
            EpochMetrics(epoch: e + 1, trainLoss: loss[index][e], lastBatchLoss: loss[index][e] / 2, trainAccuracy: 0.99,
                         testLoss: 0.04, testAccuracy: accuracy[index][e], trainSeconds: [52, 22, 35][index], evalSeconds: 3,
                         weightsSha256: String(repeating: String(index + 1), count: 64))
        }
    }

    static var templates: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates").path
    }

    static var golden: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    }
}
