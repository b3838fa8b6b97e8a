import ArgumentParser
import Dataset
import Engine
import Foundation
import RunArchive
import Support
import Training

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole pipeline: data, training (or reuse), figures, report.",
        discussion: """
        Each model is trained once per seed; each (model, seed) is a unit of the run \
        archive, found again whenever the same configuration comes back: a finished run \
        only renders its report again, `--seeds 0-4` reuses seed 0 of the homework and \
        `--seeds 0-5` after it trains only seed 5. An interrupted run resumes every unit \
        from its last finished epoch and ends with the same bits as an uninterrupted one.

        Examples:
          report                          the homework: 3 models, \(Homework.epochs) epochs, seed \(SeedList(Homework.seeds))
          report --seeds 0-4              the seed study (reports/hw2-seeds0-4)
          report --epochs 2 --models 2    a quick run (reports/hw2-models2-epochs2)
          report --seeds 0-5 --reuse reports/hw2-seeds0-4/archive
                                          one more seed, the five archived ones taken as they are
        """)

    @Option(help: ArgumentHelp("Models to train: all, or numbers like 1,3.", valueName: "list"), transform: ModelList.transform)
    var models: ModelList = .all

    @Option(name: [.customLong("seeds"), .customLong("seed")], parsing: .unconditional, help: ArgumentHelp("Seeds of every random stream (initialisation, shuffling): one (0), a range (0-4) or a list (0,3,7).", valueName: "seeds"),
            transform: SeedList.transform)
    var seeds: SeedList = SeedList(Homework.seeds)

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var jobs: JobOptions
    @OptionGroup var executor: ExecutorOptions
    @OptionGroup var runs: RunStoreOptions
    @OptionGroup var output: ReportOptions

    @Flag(help: "Retrain every unit of the run even when it is finished (the same bits come back).")
    var force = false

    @Option(help: ArgumentHelp(
        "An archive whose finished units this run takes instead of training them (repeatable): a runs folder, or a report's light copy such as reports/hw2/archive. Their results are checked and archived, their weights are not there to take, so `report archive` of the run needs them trained.",
        valueName: "archive"))
    var reuse: [String] = []

    func validate() throws {
        if force && !reuse.isEmpty {
            throw ValidationError("--force retrains every unit and --reuse takes units without training: give one of them")
        }
        for archive in reuse where !FileManager.default.fileExists(atPath: (archive as NSString).appendingPathComponent(RunLayout.unitsFolder)) {
            throw ValidationError("--reuse \(archive): expected a run archive, a folder with a \(RunLayout.unitsFolder)/ folder (a runs folder, or a report's archive/)")
        }
        if executor.executor == .local || executor.wait { try output.checkPDF() }
        if force && executor.executor == .slurm {
            throw ValidationError("--force retrains here, not on Slurm: run it with --executor local, or remove the units to retrain and submit again")
        }
    }

    func run() throws {
        let config = RunConfig(models: models.specs, seeds: seeds.seeds, settings: training.settings(data))
        guard var record = try trainOrReuse(config) else { return }
        if record.testLabels == nil || record.testImages == nil {
            // Kept beside the run so its predictions can be judged, and its misses shown, without the dataset.
            try runs.store.saveTestLabels(try data.folder.readVerified(data.dataset.testLabels).bytes, run: record.id)
            try runs.store.saveTestImages(try data.folder.readVerified(data.dataset.testImages).bytes, run: record.id)
            record = try runs.store.record(record.id)
        }
        try output.render(record, from: runs.store)
    }

    /// Steps 1-2 of the pipeline: verified data, then the run's units (found,
    /// resumed or trained); nil when they were submitted to Slurm without --wait.
    func trainOrReuse(_ config: RunConfig) throws -> RunRecord? {
        let store = runs.store
        let executor = RunExecutor(store: store, config: config)
        if !force, let cached = executor.cached() {
            Console.current.line("run \(config.id): finished earlier with this configuration and data; reusing it (--force retrains)")
            return cached
        }
        var light: Set<UnitID> = []
        for archive in reuse {
            let taken = try store.adoptLight(config.units, from: RunStore(root: archive))
            if !taken.isSubset(of: light) {
                Console.current.line("run \(config.id): \(taken.subtracting(light).count) unit(s) taken from \(archive), without weights")
            }
            light.formUnion(taken)
        }
        let folder = data.folder
        try ensureData(folder, fetchIfMissing: true)
        let pending = force ? config.units : executor.pendingUnits(light: light)
        let split = jobs.split(pending: pending.count, threads: threads)
        let kernel = try threads.kernel()
        Console.current.line("run \(config.id): \(config.models.map(\.title).joined(separator: ", ")), seed \(SeedList(config.seeds)), \(config.settings.epochs) epochs, batch \(config.settings.batchSize); \(config.units.count) unit(s), \(pending.count) to train")
        if self.executor.executor == .slurm && !pending.isEmpty {
            guard try runOnSlurm(executor, pending: pending, threads: threads.threads ?? 1) else { return nil }
        }
        if !pending.isEmpty && self.executor.executor == .local {
            Console.current.line("run \(config.id): \(split.jobs) job(s) x \(split.threads) thread(s)\(split.chosen ? " (chosen for \(ThreadOptions.cores) cores; --jobs/--threads override)" : ""), kernel path \(kernel.rawValue)")
        }
        StopSignal.install()
        let progress = ProgressDisplay()
        let outcome = try executor.execute(
            with: LocalExecutor(store: store, jobs: split.jobs, threads: split.threads, kernel: kernel), force: force, light: light,
            loadData: { try folder.load() }, log: { progress.log($0) }, observe: progress.handle,
            shouldStop: { StopSignal.isRequested })
        switch outcome {
        case let .finished(record):
            Console.current.line("run \(config.id): finished; archived in \(store.layout.runFolder(config.id))")
            return record
        case let .interrupted(id, left):
            Console.current.line("run \(id): interrupted with \(left) unit(s) unfinished; finished epochs are saved in \(store.root)")
            Console.current.line("resume with the same command: \(Self.sameCommand)")
            throw ExitCode(130)
        }
    }

    /// Submits the pending units as one job array (unless an earlier job of
    /// this run is still queued); with --wait follows it to the end. Returns
    /// whether every unit is finished, so the pipeline can go on.
    func runOnSlurm(_ run: RunExecutor, pending: [UnitConfig], threads: Int) throws -> Bool {
        let again = Self.sameCommand
        var submission: SlurmExecutor.Submission?
        if let queued = run.queuedSubmissions().last {
            Console.current.line("slurm: job \(queued.jobID) of this run is still queued or running; \(executor.wait ? "following it" : "wait for it (or `scancel \(queued.jobID)`), then: \(again)")")
            guard executor.wait else { return false }
            submission = queued
        } else {
            try run.open()
            let slurm = SlurmExecutor.runningThisBinary(store: run.store, runID: run.runID, dataDir: data.folder.path,
                                                         settings: try executor.slurmSettings(threads: threads))
            let submitted = try slurm.submit(pending)
            Console.current.line("slurm: submitted job \(submitted.jobID): \(pending.count) array task(s) of \(threads) CPU(s); script and task logs in \(run.store.layout.slurmFolder(run.runID))")
            guard executor.wait else {
                Console.current.line("slurm: when it is done, collect the results and render the report with the same command: \(again)")
                return false
            }
            submission = submitted
        }
        guard let submission else { return false }
        let results = try SlurmExecutor.follow(submission, in: run.store.layout) { tasks in
            let states = Dictionary(grouping: tasks.values, by: { $0 }).map { "\($0.value.count) \($0.key.lowercased())" }.sorted()
            Console.current.line("slurm: job \(submission.jobID): \(states.joined(separator: ", "))")
        }
        let failed = results.compactMap { result -> String? in
            if case let .failed(unit, log, status) = result { return "unit \(unit): \(status); log \(log)" }
            return nil
        }
        guard failed.isEmpty else {
            throw ValidationError("slurm: \(failed.count) task(s) did not finish:\n  " + failed.joined(separator: "\n  ")
                                  + "\nrerun the same command to resubmit only the unfinished units: \(again)")
        }
        Console.current.line("slurm: job \(submission.jobID) finished")
        return true
    }

    /// This command line, quoted for a shell, to print as "run it again".
    static var sameCommand: String {
        TextFormat.shellCommand(["report"] + CommandLine.arguments.dropFirst())
    }
}
