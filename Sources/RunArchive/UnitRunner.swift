import Dataset
import Engine
import Foundation
import Support
import Training

/// What became of a unit.
public enum UnitOutcome: Sendable {
    /// Finished before this call; every file matched its manifest.
    case found(UnitRecord)
    /// Trained (or continued after epoch `resumedAfter`) to the end now.
    case trained(UnitRecord, resumedAfter: Int?)
    /// Stopped on request; the finished epochs are saved.
    case interrupted(epochsDone: Int)
}

/// Trains one unit into the archive, under the unit's lock. After every epoch
/// the checkpoint, then the unit's files (all written from the trainer's
/// state, so each is complete), then the manifest are written atomically: a
/// killed process loses at most the epoch in progress, and a restart continues
/// with the same bits as if it had never stopped.
public struct UnitRunner {
    public let store: RunStore
    public let config: UnitConfig
    public let threads: Int
    public let kernel: KernelPath
    /// Recorded in the session: "local", or a cluster job id.
    public let executor: String
    /// Recorded in the session: the run this unit is trained for, if any.
    public var run: RunID?
    /// Discard whatever the unit's folder holds (under its lock) and train from scratch.
    public var force = false
    /// Take the unit as finished without its weights (a light copy adopted
    /// from another archive, `RunStore.adoptLight`) instead of training it again.
    public var acceptLight = false
    /// Seconds to wait for the unit's lock (a scheduler may start a task while the cancelled one still exits).
    public var lockWait: Double = 0
    public var log: (String) -> Void = { _ in }
    public var observe: (TrainingEvent) -> Void = { _ in }
    public var shouldStop: () -> Bool = { false }

    public init(store: RunStore, config: UnitConfig, threads: Int, kernel: KernelPath, executor: String = "local") {
        self.store = store
        self.config = config
        self.threads = threads
        self.kernel = kernel
        self.executor = executor
    }

    private var id: UnitID { config.id }
    private func path(_ name: String) -> String { store.layout.unitFile(id, name) }

    /// `data` is called only when an epoch has to be trained.
    public func run(data: () throws -> LabeledData) throws -> UnitOutcome {
        let folder = store.layout.unitFolder(id)
        // A unit folder planted as a link would take our writes, and --force's removals, elsewhere:
        // checked before the folder is made (that would follow a link) and after (one planted meanwhile).
        try PlainFile.requireFolder(folder, under: store.root)
        try AtomicFile.createFolder(folder)
        try PlainFile.requireFolder(folder, under: store.root)
        let lock = try RunLock(acquire: path(RunLayout.lock), waiting: lockWait)
        defer { lock.release() }
        AtomicFile.removeStale(under: folder)
        if force {
            // Only the files a unit writes: anything else in the folder is not ours to remove.
            for name in RunLayout.unitFiles + [RunLayout.manifest, RunLayout.checkpoint, RunLayout.previousCheckpoint] {
                unlink(path(name))
            }
        }

        let previous: UnitManifest?
        do {
            previous = try store.unitManifest(id)
        } catch FileError.missing {
            previous = nil
        } catch {
            log("\(config.label): \(error); its files cannot be vouched for, so they are made again")
            previous = nil
        }
        if let previous, previous.status == .finished {
            let mismatches = store.mismatches(previous, requireWeights: !acceptLight)
            if mismatches.isEmpty { return .found(try store.unit(id, requireWeights: !acceptLight)) }
            log("\(config.label): files changed since it finished (\(mismatches.map(\.description).joined(separator: "; "))); making them again")
        }
        try AtomicFile.writeJSON(config, to: path(RunLayout.config))

        let trainer = try Trainer(unit: config, threads: threads, kernel: kernel)
        if let (checkpoint, from) = loadCheckpoint() {
            try trainer.restore(checkpoint, from: from)
            log("\(config.label): continuing after epoch \(checkpoint.epoch) of \(config.settings.epochs) (\(from))")
        }
        let start = trainer.completedEpochs
        let resumedAfter = start > 0 && start < config.settings.epochs ? start : nil
        // Sessions that trained epochs the checkpoint still holds; a new one only if an epoch is left to train.
        var sessions = (previous?.sessions ?? []).filter { $0.firstEpoch <= start }.map { session in
            var session = session
            session.lastEpoch = min(session.lastEpoch, start)
            return session
        }
        if start < config.settings.epochs {
            sessions.append(Session(firstEpoch: start + 1, lastEpoch: start, started: RunManifest.now(), finished: nil, code: .current(),
                                    environment: .current(workers: threads, kernel: kernel), executor: executor, run: run))
        }
        var manifest = UnitManifest(unitId: id, status: .running, config: config, sessions: sessions, files: [])
        // Epochs whose checkpoint is on disk: all the manifest may claim (a failed write, a full disk, claims nothing).
        var saved = start

        func save(_ status: Status) throws {
            manifest.status = status
            if start < config.settings.epochs, let last = manifest.sessions.indices.last {
                manifest.sessions[last].lastEpoch = saved
                if status != .running { manifest.sessions[last].finished = RunManifest.now() }
            }
            manifest.files = try records()
            try SealedJSON.write(manifest, to: path(RunLayout.manifest))
        }

        do {
            try save(.running)
            if trainer.completedEpochs < config.settings.epochs {
                let loaded = try data().limitingTrain(config.settings.limitTrain)
                while trainer.completedEpochs < config.settings.epochs {
                    guard trainer.trainEpoch(on: loaded, observe: observe, shouldStop: shouldStop) != nil else {
                        try save(.interrupted)
                        return .interrupted(epochsDone: trainer.completedEpochs)
                    }
                    try saveCheckpoint(trainer.checkpoint)
                    saved = trainer.completedEpochs
                    try writeResults(trainer)
                    try save(.running)
                    if shouldStop() && trainer.completedEpochs < config.settings.epochs {
                        try save(.interrupted)
                        return .interrupted(epochsDone: trainer.completedEpochs)
                    }
                }
            }
            try writeResults(trainer)
            let tensors = SafeTensors.tensors(of: trainer.network.plan, parameters: trainer.network.parameters)
            try AtomicFile.write(SafeTensors.encode(tensors, metadata: ["unit_id": id.rawValue, "model": config.model.id.rawValue,
                                                                       "seed": String(config.seed), "format": "pt"]),
                                 to: path(RunLayout.weights))
            try save(.finished)
        } catch {
            try? save(.failed)
            throw error
        }
        let record = try store.unit(id, requireWeights: true)
        // Files made again from a final checkpoint: nothing was trained now.
        return start == config.settings.epochs ? .found(record) : .trained(record, resumedAfter: resumedAfter)
    }

    /// The unit's result files, each a function of the trainer's state.
    private func writeResults(_ trainer: Trainer) throws {
        let history = trainer.history
        try AtomicFile.writeJSON(history, to: path(RunLayout.metrics))
        try AtomicFile.write(([EpochMetrics.csvHeader] + history.map(\.csvRow)).joined(separator: "\n") + "\n",
                             to: path(RunLayout.metricsTable))
        try AtomicFile.write(trainer.predictions.flatMap { $0 }, to: path(RunLayout.predictions))
        try AtomicFile.write(history.map(\.logLine).joined(separator: "\n") + "\n", to: path(RunLayout.log))
    }

    /// Size and SHA-256 of each file the unit writes (`RunLayout.unitFiles`),
    /// as far as it has written them; nothing else in the folder is vouched for.
    private func records() throws -> [FileRecord] {
        RunLayout.unitFiles.compactMap { name in
            FileManager.default.contents(atPath: path(name)).map { FileRecord(path: name, contents: $0) }
        }
    }

    private func saveCheckpoint(_ checkpoint: Checkpoint) throws {
        let current = path(RunLayout.checkpoint)
        if FileManager.default.fileExists(atPath: current) { rename(current, path(RunLayout.previousCheckpoint)) }
        try AtomicFile.write(try checkpoint.encoded(), to: current)
    }

    /// The newest checkpoint that passes its digest and fits this unit; a bad
    /// one is named and the previous one tried.
    private func loadCheckpoint() -> (Checkpoint, String)? {
        for name in [RunLayout.checkpoint, RunLayout.previousCheckpoint] {
            let file = path(name)
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            do {
                let checkpoint = try Checkpoint.decode(Array(data), path: file)
                guard checkpoint.unit == id else {
                    throw TrainingError.corrupt(path: file, reason: "is a checkpoint of unit \(checkpoint.unit), expected \(id)")
                }
                guard checkpoint.epoch <= config.settings.epochs else {
                    throw TrainingError.corrupt(path: file, reason: "holds \(checkpoint.epoch) epochs, the unit has \(config.settings.epochs)")
                }
                let expected = try ModelPlan(config.model).parameterCount
                guard checkpoint.parameters.count == expected else {
                    throw TrainingError.corrupt(path: file, reason: "holds \(checkpoint.parameters.count) parameters, \(config.model.title) has \(expected)")
                }
                return (checkpoint, file)
            } catch {
                log("warning: \(error); trying an earlier checkpoint")
            }
        }
        return nil
    }
}
