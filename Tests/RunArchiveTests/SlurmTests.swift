import Dataset
import Engine
import Foundation
import Support
import Testing
import Training
@testable import RunArchive

/// The Slurm executor on a real (single-node) cluster: `scripts/slurm-local.sh
/// start` runs one here, and `.ci/run` starts it before the tests. The tasks
/// run the `report` binary that `swift run report data` builds (the README's
/// test command runs that first) on MNIST.
enum Cluster {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var report: String? {
        [".build/debug/report", ".build/\(architecture)-unknown-linux-gnu/debug/report"].map { root.appendingPathComponent($0).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The first part of the build folder's target triple.
    static var architecture: String {
        #if arch(arm64)
        "aarch64"
        #else
        "x86_64"
        #endif
    }

    static var data: DataFolder {
        DataFolder(kind: .mnist, explicit: ProcessInfo.processInfo.environment[DataFolder.environmentVariable] ?? root.appendingPathComponent("data/mnist").path)
    }

    static var available: Bool {
        (ProcessRunner.firstLine(of: ["sinfo", "-h", "-o", "%t"]).map { ["idle", "mix", "alloc"].contains($0) } ?? false)
            && report != nil && data.missingFiles.isEmpty
    }

    static let reason: Comment = "needs a Slurm cluster (scripts/slurm-local.sh start), the report binary and MNIST (swift run report data); .ci/run provides all three"
}

@Suite("Slurm job arrays", .serialized, .enabled(if: Cluster.available, Cluster.reason))
struct SlurmTests {
    static func config(epochs: Int) -> RunConfig {
        RunConfig(models: [.model2], seeds: [0, 1], settings: TrainingSettings(epochs: epochs, limitTrain: 2000))
    }

    static func local(_ config: RunConfig) throws -> RunRecord {
        let store = Synthetic.temporaryStore()
        let data = try Cluster.data.load()
        guard case let .finished(record) = try RunExecutor(store: store, config: config)
            .execute(with: LocalExecutor(store: store, jobs: 1, threads: 2, kernel: .fastest), loadData: { data }) else {
            throw FileError.io(path: store.root, reason: "the local run did not finish")
        }
        return record
    }

    static func submit(_ store: RunStore, _ config: RunConfig) throws -> SlurmExecutor.Submission {
        let run = RunExecutor(store: store, config: config)
        try run.open()
        let slurm = try SlurmExecutor(store: store, runID: config.id, report: Cluster.report ?? "report", dataDir: Cluster.data.path,
                                  settings: .init(threads: 1))
        return try slurm.submit(run.pendingUnits())
    }

    static func collect(_ store: RunStore, _ config: RunConfig) throws -> RunRecord? {
        guard case let .finished(record) = try RunExecutor(store: store, config: config)
            .execute(with: LocalExecutor(store: store, jobs: 1, threads: 1, kernel: .fastest),
                     loadData: { throw FileError.io(path: store.root, reason: "a unit was left to train locally") }) else { return nil }
        return record
    }

    @Test("a two-seed study as a job array gives the units of a local run, bit for bit, and records the job")
    func studyOnSlurm() throws {
        let config = Self.config(epochs: 1)
        let store = Synthetic.temporaryStore()
        let submission = try Self.submit(store, config)
        let folder = store.layout.slurmFolder(config.id) as NSString
        #expect(try String(contentsOfFile: folder.appendingPathComponent(submission.script), encoding: .utf8).contains("#SBATCH --array=0-1"))
        #expect(SlurmExecutor.recorded(of: config.id, in: store.layout) == [submission], "what the job covers is read back from its record")
        let results = try SlurmExecutor.follow(submission, in: store.layout, every: 1)
        #expect(results == [.finished, .finished], "\(results)")
        let slurm = try #require(try Self.collect(store, config))
        let local = try Self.local(config)
        #expect(slurm.units.map(\.manifest.unitId) == local.units.map(\.manifest.unitId))
        #expect(slurm.units.map(\.weightsSha256) == local.units.map(\.weightsSha256))
        #expect(slurm.units.map(\.predictions) == local.units.map(\.predictions))
        #expect(slurm.units.allSatisfy { $0.manifest.sessions.first?.executor.hasPrefix("slurm job \(submission.jobID)_") == true })
        #expect(slurm.units.allSatisfy { $0.manifest.sessions.first?.run == config.id }, "each task records the run it trained for")

        // `report verify --executor slurm`: each unit retrained by its own task, its result collected.
        let tasks = try SlurmExecutor(store: store, runID: config.id, report: Cluster.report ?? "report", dataDir: Cluster.data.path,
                                  settings: .init(threads: 1))
        let verification = try Verifier(store: store, record: slurm, threads: 1, kernel: .portable).verifyOnSlurm(epochs: nil, slurm: tasks, every: 1)
        #expect(verification.units.map(\.unitId) == config.units.map(\.id))
        #expect(verification.identical && verification.units.allSatisfy { $0.weightsIdentical && $0.predictionsIdentical && $0.epochsCompared == 1 })
    }

    @Test("a task cancelled mid-run is named, and resubmitting finishes it with the same bits")
    func cancelledTask() throws {
        let config = Self.config(epochs: 3)
        let store = Synthetic.temporaryStore()
        let submission = try Self.submit(store, config)
        let first = config.units[0].id
        // Cancel once the first unit has finished an epoch and is still training.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            if let manifest = try? store.unitManifest(first), manifest.status == .running, manifest.sessions.last?.lastEpoch ?? 0 >= 1 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        try SlurmExecutor.cancel(submission.jobID)
        let results = try SlurmExecutor.follow(submission, in: store.layout, every: 1)
        guard case let .failed(unit, log, _) = results[0] else {
            Issue.record("expected the cancelled task to be reported: \(results)")
            return
        }
        #expect(unit == first && log.hasSuffix("task-\(submission.jobID)_0.log"))
        let pending = RunExecutor(store: store, config: config).pendingUnits().map(\.id)
        #expect(pending.contains(first))
        let again = try Self.submit(store, config)
        #expect(again.units == pending, "only the unfinished units are resubmitted")
        #expect(try SlurmExecutor.follow(again, in: store.layout, every: 1).allSatisfy { $0 == .finished })
        let slurm = try #require(try Self.collect(store, config))
        #expect(slurm.units[0].manifest.resumedAfter.first ?? 0 >= 1, "resumed from its checkpoint")
        #expect(slurm.units.map(\.weightsSha256) == (try Self.local(config)).units.map(\.weightsSha256))
    }

    @Test("Slurm settings that would add a line or a word to the batch script are refused, naming the setting",
          arguments: [("1:00\nid", nil), ("1:00 --wrap=id", nil), ("", nil), (nil, "a b"), (nil, "gpu\r")] as [(String?, String?)])
    func settings(time: String?, partition: String?) {
        let error = #expect(throws: SlurmExecutor.SlurmError.self) { try SlurmExecutor.Settings(partition: partition, time: time, threads: 1) }
        #expect(error?.description.hasPrefix("slurm \(time == nil ? "partition" : "time"): expected one word") == true, "\(String(describing: error))")
        #expect(throws: SlurmExecutor.SlurmError.self) { try SlurmExecutor.Settings(extra: ["--comment=a\n#SBATCH --x"], threads: 1) }
        #expect(throws: Never.self) { try SlurmExecutor.Settings(partition: "gpu", time: "2:00:00", extra: ["--comment=two words"], threads: 1) }
    }
}
