import ArgumentParser
import Dataset
import Engine
import Foundation
import RunArchive
import Support
import Training

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List archived runs, newest first, with each unit's final test accuracy.")

    @OptionGroup var runs: RunStoreOptions

    func run() throws {
        let store = runs.store
        let ids = try store.runIDs()
        guard !ids.isEmpty else {
            Console.current.line("\(store.root): no runs yet; `report` makes one")
            return
        }
        Console.current.line("id                started               status       epochs  seeds     final test accuracy")
        for id in ids {
            let manifest: RunManifest
            do {
                manifest = try store.runManifest(id)
            } catch {
                Console.current.line(pad(id.rawValue, 18) + "cannot be read: \(error)")
                continue
            }
            let config = manifest.config
            let accuracies = config.units.map { unit -> String in
                let label = unit.model.id.rawValue.replacingOccurrences(of: "model", with: "M") + (config.isStudy ? "/s\(unit.seed)" : "")
                do {
                    let record = try store.unit(unit.id)
                    return String(format: "%@ %.2f%%", label, 100 * (record.metrics.last?.testAccuracy ?? 0))
                } catch ArchiveError.mismatch(let mismatch) {
                    return "\(label) changed (\(mismatch))"
                } catch ArchiveError.unfinished {
                    let done = (try? store.unitManifest(unit.id))?.sessions.last?.lastEpoch ?? 0
                    return "\(label) \(done)/\(config.settings.epochs) epochs"
                } catch FileError.missing {
                    return "\(label) not started"
                } catch {
                    return "\(label) unreadable (\(error))"
                }
            }
            // Shown to the second ("2026-11-29T22:02:01Z"); the archive keeps milliseconds to order runs started within one second.
            let started = manifest.started.count > 20 ? manifest.started.prefix(19) + "Z" : manifest.started
            let columns = [pad(id.rawValue, 18), pad(started, 22), pad(((try? store.status(id, stillQueued: { SlurmExecutor.hasQueuedJob($0, in: store.layout) })) ?? manifest.status).rawValue, 13),
                           pad(String(config.settings.epochs), 8), pad(SeedList(config.seeds).description, 10)]
            Console.current.line(columns.joined() + accuracies.joined(separator: ", "))
        }
    }
}

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

    @Option(help: ArgumentHelp("Only these seeds (like 0 or 0-2).", valueName: "seeds"), transform: SeedList.transform)
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
                                                         settings: executor.slurmSettings(threads: threads.threads ?? 1))
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

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Bundle a run, its units and its rendered report into one zip.",
        discussion: """
        Every unit file is checked against its manifest first; a changed file is refused, \
        never packed. The zip holds SHA256SUMS; `sha256sum -c SHA256SUMS` in the unpacked \
        folder checks every file.
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or archive folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The zip file to write.", valueName: "file.zip"))
    var output: String

    @OptionGroup var runs: RunStoreOptions

    @Option(help: ArgumentHelp("Folder that holds reports/<name>/.", valueName: "path"))
    var reportsDir: String = "reports"

    func validate() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--output: expected a file name like run.zip, found the folder '\(output)'")
        }
    }

    func run() throws {
        let (store, id) = try runs.locate(runID)
        let config = try store.runManifest(id).config
        let report = (reportsDir as NSString).appendingPathComponent(config.reportName)
        let hasReport = FileManager.default.fileExists(atPath: report)
        if !hasReport { Console.current.line("note: no rendered report in \(report); `report render \(id)` makes one") }
        let count = try store.zip(id, report: hasReport ? report : nil, to: output)
        Console.current.line("archive: wrote \(output) (\(count) files and SHA256SUMS)")
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
