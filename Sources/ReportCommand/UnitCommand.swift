import ArgumentParser
import Dataset
import Foundation
import RunArchive
import Support
import Training

struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Train one unit of the run archive (what each Slurm array task runs).",
        discussion: """
        Reads runs/units/<id>/config.json (written by the command that submitted the \
        job), trains the unit, or resumes it from its last finished epoch, under the \
        unit's lock, and records the job in its manifest. Exits 0 when the unit is \
        finished, 130 when it was stopped (SIGTERM or Ctrl-C) with its finished epochs saved.
        """)

    @Argument(help: ArgumentHelp("The unit's id (16 hex digits).", valueName: "unit"))
    var unitID: String

    @OptionGroup var runs: RunStoreOptions
    @OptionGroup var threads: ThreadOptions

    @Option(help: ArgumentHelp("Folder with the unit's dataset.", valueName: "path"))
    var dataDir: String?

    @Option(help: ArgumentHelp("The run this unit is trained for, recorded in its session so the run can tell it from a reused unit.", valueName: "run"))
    var forRun: String?

    @Option(help: ArgumentHelp("A file the submitter wrote into the archive; missing means this node does not share it.", valueName: "path"))
    var marker: String?

    @Flag(help: "Retrain the finished unit and compare it with the archive instead (what `report verify --executor slurm` runs).")
    var verify = false

    @Option(parsing: .unconditional, help: ArgumentHelp("With --verify: compare only the first K epochs.", valueName: "K"))
    var epochs: Int?

    @Option(help: ArgumentHelp("With --verify: where to write the unit's result (JSON).", valueName: "path"))
    var verifyOutput: String?

    func validate() throws {
        if let epochs { try checkAtLeast(epochs, 1, "--epochs") }
        if verify != (verifyOutput != nil) { throw ValidationError("--verify and --verify-output go together") }
        if epochs != nil && !verify { throw ValidationError("--epochs: only with --verify (a unit trains the epochs of its configuration)") }
        if let forRun, !RunID.isWellFormed(forRun) { throw ValidationError("--for-run: expected a run id (16 lowercase hex digits), found '\(forRun)'") }
    }

    func run() throws {
        let store = runs.store
        let id = UnitID(rawValue: unitID)
        let path = store.layout.unitFile(id, RunLayout.config)
        if let marker, !FileManager.default.fileExists(atPath: marker) {
            throw ValidationError("\(marker) is missing on \(ProcessInfo.processInfo.hostName): the runs folder \(store.root) is not on a filesystem this node shares with the submitter")
        }
        let config = try JSON.decode(UnitConfig.self, from: path)
        guard config.id == id else {
            throw ValidationError("\(path) holds a configuration whose id is \(config.id), expected \(id)")
        }
        guard let kind = DatasetKind.named(config.settings.dataset.name), kind.identity == config.settings.dataset else {
            throw ValidationError("\(path): dataset '\(config.settings.dataset.name)' with files or normalisation this version does not know")
        }
        let folder = DataFolder(kind: kind, explicit: dataDir)
        if verify, let verifyOutput {
            let unit = try store.unit(id)
            Console.current.line("unit \(id): verifying \(config.label), \(epochs.map { "\($0) epoch(s)" } ?? "every epoch")")
            let result = try Verifier.verify(unit, epochs: epochs, store: store, threads: threads.resolved, kernel: try threads.kernel(),
                                             data: try folder.load(), observe: ProgressDisplay().handle)
            try AtomicFile.writeJSON(UnitVerification(result: result, environment: .current(workers: threads.resolved, kernel: try threads.kernel()),
                                                      threads: threads.resolved), to: verifyOutput)
            Console.current.line("unit \(id): \(result.identical ? "identical" : "differs from epoch \(result.firstDifferingEpoch ?? 0)")")
            return
        }
        let executor = SlurmExecutor.arrayTask(in: ProcessInfo.processInfo.environment) ?? "local"
        var runner = UnitRunner(store: store, config: config, threads: threads.resolved, kernel: try threads.kernel(), executor: executor)
        // A requeued or resubmitted task may start while its cancelled predecessor still saves its last epoch.
        runner.lockWait = 120
        runner.run = forRun.map(RunID.init(rawValue:))
        let progress = ProgressDisplay()
        runner.log = { progress.log($0) }
        runner.observe = progress.handle
        runner.shouldStop = { StopSignal.isRequested }
        StopSignal.install()
        Console.current.line("unit \(id): \(config.label), \(config.settings.epochs) epochs; \(executor), \(threads.resolved) thread(s)")
        switch try runner.run(data: { try folder.load() }) {
        case .found: Console.current.line("unit \(id): finished earlier; nothing to train")
        case .trained: Console.current.line("unit \(id): finished")
        case let .interrupted(epochs):
            Console.current.line("unit \(id): stopped after epoch \(epochs); rerunning resumes it")
            throw ExitCode(130)
        }
    }
}
