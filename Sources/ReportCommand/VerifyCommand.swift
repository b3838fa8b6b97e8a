import ArgumentParser
import Dataset
import Foundation
import RunArchive

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Retrain an archived run and check that it gives the same bits.",
        discussion: """
        Compares every epoch's metrics (bit for bit), every test prediction, the SHA-256 \
        of the weights and, after the last epoch, the weights file, prints a table and \
        exits non-zero on any difference. A unit trained under the current reduction \
        order and kernel contract gives the same bits on any CPU, with any --threads and \
        any HW2_KERNEL path.
        Example: report verify reports/hw2/archive --models 2 --epochs 1
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or archive folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Compare only the first K epochs.", valueName: "K"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Only these models (numbers like 2 or 1,3).", valueName: "list"), transform: ModelList.transform)
    var models: ModelList?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only these seeds (like 0 or 0-2).", valueName: "seeds"), transform: SeedList.transform)
    var seeds: SeedList?

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var executor: ExecutorOptions
    @OptionGroup var runs: RunStoreOptions

    @Option(help: ArgumentHelp("Folder with the run's dataset (see `report data --help`).", valueName: "path"))
    var dataDir: String?

    func validate() throws {
        if let epochs { try checkAtLeast(epochs, 1, "--epochs") }
    }

    func run() throws {
        let (store, id) = try runs.locate(runID)
        let record = try store.record(id)
        guard let kind = DatasetKind.named(record.config.settings.dataset.name), kind.identity == record.config.settings.dataset else {
            throw ValidationError("run \(id) uses dataset '\(record.config.settings.dataset.name)' with files or normalisation this version does not know")
        }
        let verifier = Verifier(store: store, record: record, threads: threads.resolved, kernel: try threads.kernel())
        guard !verifier.selected(models: models?.specs, seeds: seeds?.seeds).isEmpty else {
            throw ValidationError("--models/--seeds: run \(id) has no unit of models \(record.config.models.map(\.id.rawValue).joined(separator: ",")) with seeds \(SeedList(record.config.seeds)) that matches")
        }
        let folder = DataFolder(kind: kind, explicit: dataDir)
        try ensureData(folder, fetchIfMissing: true)
        let verification: Verification
        if executor.executor == .slurm {
            let slurm = SlurmExecutor.runningThisBinary(store: store, runID: id, dataDir: folder.path,
                                                         settings: try executor.slurmSettings(threads: threads.threads ?? 1))
            verification = try verifier.verifyOnSlurm(epochs: epochs, models: models?.specs, seeds: seeds?.seeds, slurm: slurm, log: { Console.current.line($0) })
        } else {
            verification = try verifier.verify(epochs: epochs, models: models?.specs, seeds: seeds?.seeds, data: try folder.load(),
                                               observe: ProgressDisplay().handle)
        }
        Self.printTable(verification, run: id)
        try store.saveVerification(verification.merged(over: record.verification, order: record.units.map(\.manifest.unitId)), run: id)
        guard verification.identical else { throw ExitCode.failure }
        Console.current.line("verify: identical")
    }

    static func printTable(_ verification: Verification, run id: RunID) {
        if !verification.bitsPromised {
            Console.current.line("note: run \(id) was made under another reduction order or kernel contract; this engine cannot give its bits, only agreement within \(Verification.tolerance)")
        }
        Console.current.line("model     seed  epochs  result                                  largest difference")
        for r in verification.units {
            var result = r.identical ? "identical" : "differs from epoch \(r.firstDifferingEpoch ?? 0)"
            if !r.weightsIdentical { result += ", weights differ" }
            if !r.predictionsIdentical { result += ", predictions differ" }
            var tolerance = ""
            if !r.identical && !verification.bitsPromised {
                tolerance = r.largestDifference <= Verification.tolerance ? " (within tolerance)" : " (beyond tolerance)"
            }
            Console.current.line(pad(r.model.rawValue, 10) + pad(String(r.seed), 6) + pad(String(r.epochsCompared), 8) + pad(result, 40)
                  + String(format: "%.3g", r.largestDifference) + tolerance)
        }
    }
}
