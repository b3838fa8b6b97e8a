import Dataset
import Engine
import Foundation

/// Trains (or finds, or resumes) every model of a configuration inside its run
/// folder. After each epoch the model's checkpoint, metrics and the manifest are
/// written atomically, so a killed process loses at most the epoch in progress
/// and a restart continues with the same bits as if it had never stopped.
public final class RunExecutor {
    public enum Outcome {
        case finished(RunRecord)
        case interrupted(runID: String, folder: String)
    }

    public let store: RunStore
    public let config: RunConfig
    public let threads: Int
    public let kernel: KernelPath
    private let loadData: () throws -> LabeledData
    private let log: (String) -> Void
    private let observe: (TrainingEvent) -> Void
    private let shouldStop: () -> Bool
    private var data: LabeledData?

    public init(store: RunStore, config: RunConfig, threads: Int, kernel: KernelPath, loadData: @escaping () throws -> LabeledData,
                log: @escaping (String) -> Void = { _ in }, observe: @escaping (TrainingEvent) -> Void = { _ in },
                shouldStop: @escaping () -> Bool = { false }) {
        self.store = store
        self.config = config
        self.threads = threads
        self.kernel = kernel
        self.loadData = loadData
        self.log = log
        self.observe = observe
        self.shouldStop = shouldStop
    }

    public var runID: String { config.id }

    /// A finished run with this configuration, when there is one and `force` is off.
    public func cached() -> RunRecord? {
        guard let manifest = try? store.manifest(runID), manifest.status == .finished,
              manifest.check(folder: store.folder(runID)).isEmpty else { return nil }
        return try? store.record(runID)
    }

    public func execute(force: Bool = false) throws -> Outcome {
        let folder = store.folder(runID)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock = try RunLock(acquire: (folder as NSString).appendingPathComponent("lock"))
        defer { lock.release() }
        let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
        let previous = try? JSON.decode(Manifest.self, from: manifestPath)
        if let previous, previous.status == .finished, !force {
            // Files changed after the run finished are not trusted: those models train again.
            let changed = previous.check(folder: folder)
            for model in config.models where changed.contains(where: { $0.hasPrefix(model.id + "/") }) {
                log("\(model.title): files changed since the run finished (\(changed.filter { $0.hasPrefix(model.id + "/") }.joined(separator: "; "))); training it again")
                try? FileManager.default.removeItem(atPath: store.modelFolder(runID, model))
            }
        }
        var manifest = Manifest(
            runId: runID, status: .running, config: config, code: .current(),
            environment: .current(workers: threads, kernel: kernel), started: previous?.started ?? Manifest.now(), finished: nil,
            provenance: [:], files: [])
        try AtomicFile.writeJSON(config, to: (folder as NSString).appendingPathComponent("config.json"))
        try AtomicFile.writeJSON(manifest, to: manifestPath)

        func close(_ status: Manifest.Status) throws {
            manifest.status = status
            manifest.finished = status == .running ? nil : Manifest.now()
            manifest.files = try Manifest.records(in: folder)
            try AtomicFile.writeJSON(manifest, to: manifestPath)
        }

        do {
            for model in config.models {
                let done = try trainModel(model, force: force)
                guard let provenance = done else {
                    try close(.interrupted)
                    return .interrupted(runID: runID, folder: folder)
                }
                manifest.provenance[model.id] = provenance
                try AtomicFile.writeJSON(manifest, to: manifestPath)
            }
            try close(.finished)
        } catch {
            try? close(.failed)
            throw error
        }
        return .finished(try store.record(runID))
    }

    /// Returns where the model's results came from, or nil when stopped.
    private func trainModel(_ model: ModelSpec, force: Bool) throws -> String? {
        let dir = store.modelFolder(runID, model)
        let fm = FileManager.default
        func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
        if force { try? fm.removeItem(atPath: dir) }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(config.only(model), to: path("config.json"))

        if !force, fm.fileExists(atPath: path("weights.safetensors")),
           let metrics = try? JSON.decode([EpochMetrics].self, from: path("metrics.json")), metrics.count == config.epochs {
            log("\(model.title): finished earlier in this run; nothing to train")
            return "trained"
        }
        if !force, let source = store.finishedModel(config, model), source != dir {
            for name in ["metrics.json", "metrics.csv", "train.log", "weights.safetensors"] {
                try? fm.removeItem(atPath: path(name))
                try fm.copyItem(atPath: (source as NSString).appendingPathComponent(name), toPath: path(name))
            }
            let sourceRun = ((source as NSString).deletingLastPathComponent as NSString).lastPathComponent
            log("\(model.title): same configuration already trained in run \(sourceRun); reused")
            return "reused from run \(sourceRun)"
        }

        let trainer = try Trainer(spec: model, seed: config.seed, batchSize: config.batchSize, threads: threads,
                                  adam: config.adam, kernel: kernel)
        var provenance = "trained"
        if let checkpoint = loadCheckpoint(dir) {
            try trainer.restore(checkpoint)
            provenance = "resumed after epoch \(checkpoint.epoch)"
            log("\(model.title): resuming after epoch \(checkpoint.epoch) of \(config.epochs)")
        }
        if trainer.completedEpochs < config.epochs, data == nil {
            data = try loadData().limitingTrain(config.limitTrain)
        }
        while trainer.completedEpochs < config.epochs {
            guard let metrics = trainer.trainEpoch(on: data!, observe: observe, shouldStop: shouldStop) else { return nil }
            try saveCheckpoint(trainer.checkpoint, dir)
            try AtomicFile.writeJSON(trainer.history, to: path("metrics.json"))
            try AtomicFile.write(([EpochMetrics.csvHeader] + trainer.history.map(\.csvRow)).joined(separator: "\n") + "\n", to: path("metrics.csv"))
            let line = String(format: "epoch %d train_loss %.6f test_loss %.6f test_accuracy %.4f train_s %.1f eval_s %.1f weights %@",
                              metrics.epoch, metrics.trainLoss, metrics.testLoss, metrics.testAccuracy,
                              metrics.trainSeconds, metrics.evalSeconds, metrics.weightsSha256)
            let logText = ((try? String(contentsOfFile: path("train.log"), encoding: .utf8)) ?? "") + line + "\n"
            try AtomicFile.write(logText, to: path("train.log"))
            if shouldStop() && trainer.completedEpochs < config.epochs { return nil }
        }
        let tensors = SafeTensors.tensors(of: trainer.network.summary, parameters: trainer.network.parameters)
        try AtomicFile.write(SafeTensors.encode(tensors, metadata: ["run_id": runID, "model": model.id, "format": "pt"]),
                             to: path("weights.safetensors"))
        return provenance
    }

    private func saveCheckpoint(_ checkpoint: Checkpoint, _ dir: String) throws {
        let current = (dir as NSString).appendingPathComponent("checkpoint.bin")
        let previous = (dir as NSString).appendingPathComponent("checkpoint.prev.bin")
        let bytes = try checkpoint.encoded()
        if FileManager.default.fileExists(atPath: current) { rename(current, previous) }
        try AtomicFile.write(bytes, to: current)
    }

    /// The newest checkpoint that passes its digest; a bad one is reported and skipped.
    private func loadCheckpoint(_ dir: String) -> Checkpoint? {
        for name in ["checkpoint.bin", "checkpoint.prev.bin"] {
            let path = (dir as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                let checkpoint = try Checkpoint.decode(Array(data), path: path)
                guard checkpoint.epoch <= config.epochs else { continue }
                return checkpoint
            } catch {
                log("warning: \(error); falling back to an earlier checkpoint")
            }
        }
        return nil
    }
}
