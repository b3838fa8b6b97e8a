import Dataset
import Engine
import Foundation
import Support
import Training

/// Makes a run: finds its finished units, trains the others (with an
/// executor), and records the run. A finished unit is shared by every run that
/// contains it, so a study reuses a single-seed run and more seeds train only
/// the new ones.
public struct RunExecutor {
    public enum Outcome: Sendable {
        case finished(RunRecord)
        case interrupted(RunID, unitsLeft: Int)
    }

    public let store: RunStore
    public let config: RunConfig

    public init(store: RunStore, config: RunConfig) {
        self.store = store
        self.config = config
    }

    public var runID: RunID { config.id }

    /// The finished run, when every unit checks out; nil otherwise.
    public func cached() -> RunRecord? {
        try? store.record(runID, requireWeights: true)
    }

    /// Units that are not finished (or whose files no longer match), leaving
    /// out those taken as light copies.
    public func pendingUnits(light: Set<UnitID> = []) -> [UnitConfig] {
        config.units.filter { !light.contains($0.id) && store.finishedUnit($0) == nil }
    }

    /// Records the run (configuration, and a manifest saying it is running)
    /// before its units are trained elsewhere, for example by a Slurm job.
    public func open() throws {
        try begin().lock.release()
    }

    /// Under the run's lock: the configuration and a "running" manifest that
    /// keeps what an earlier invocation recorded (start time, origins).
    private func begin() throws -> (lock: RunLock, manifest: RunManifest) {
        let folder = store.layout.runFolder(runID)
        try PlainFile.requireFolder(folder, under: store.root)
        try AtomicFile.createFolder(folder)
        try PlainFile.requireFolder(folder, under: store.root)
        let lock = try RunLock(acquire: store.layout.runFile(runID, RunLayout.lock))
        AtomicFile.removeStale(under: folder)
        let previous = try? store.runManifest(runID)
        let manifest = RunManifest(
            runId: runID, status: .running, config: config, started: previous?.started ?? RunManifest.now(), finished: nil,
            units: config.units.enumerated().map { index, unit in
                .init(model: unit.model.id, seed: unit.seed, unitId: unit.id, origin: previous?.units[safe: index]?.origin)
            })
        do {
            try AtomicFile.writeJSON(config, to: store.layout.runFile(runID, RunLayout.config))
            try SealedJSON.write(manifest, to: store.layout.runFile(runID, RunLayout.manifest))
        } catch {
            lock.release()
            throw error
        }
        return (lock, manifest)
    }

    /// Slurm submissions of this run whose job is still in the queue.
    public func queuedSubmissions() -> [SlurmExecutor.Submission] {
        SlurmExecutor.queuedSubmissions(of: runID, in: store.layout)
    }

    /// With `force`, every unit of the run is trained again from scratch (the
    /// same bits come back; this is for doubting the archive, not the engine).
    /// Units in `light` (`RunStore.adoptLight`) are taken without weights.
    public func execute(with executor: LocalExecutor, force: Bool = false, light: Set<UnitID> = [],
                        loadData: @escaping @Sendable () throws -> LabeledData,
                        log: @escaping @Sendable (String) -> Void = { _ in },
                        observe: @escaping @Sendable (TrainingEvent) -> Void = { _ in },
                        shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> Outcome {
        let (lock, opened) = try begin()
        defer { lock.release() }
        var manifest = opened
        let manifestPath = store.layout.runFile(runID, RunLayout.manifest)

        let outcomes: [UnitOutcome]
        do {
            outcomes = try executor.run(config.units, for: runID, force: force, light: light, loadData: loadData, log: log, observe: observe,
                                        shouldStop: shouldStop)
        } catch {
            manifest.status = .failed
            try? SealedJSON.write(manifest, to: manifestPath)
            throw error
        }
        var left = 0
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case let .found(unit): manifest.units[index].origin = manifest.units[index].origin ?? Self.origin(of: unit, in: runID)
            case let .trained(_, resumedAfter): manifest.units[index].origin = resumedAfter == nil ? .trained : .resumed
            case .interrupted: left += 1
            }
        }
        manifest.status = left == 0 ? .finished : .interrupted
        manifest.finished = left == 0 ? RunManifest.now() : nil
        try SealedJSON.write(manifest, to: manifestPath)
        guard left == 0 else { return .interrupted(runID, unitsLeft: left) }
        return .finished(try store.record(runID, requireWeights: light.isEmpty))
    }
}

extension RunExecutor {
    /// How a unit found finished came to be: trained for this run by another
    /// executor (such as a Slurm job, whose sessions name the run), or reused.
    static func origin(of unit: UnitRecord, in run: RunID) -> UnitOrigin {
        let here = unit.manifest.sessions.filter { $0.run == run }
        guard let first = here.first else { return .reused }
        return first.firstEpoch > 1 || here.count > 1 ? .resumed : .trained
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
