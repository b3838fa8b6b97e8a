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
            print("\(store.root): no runs yet; `report` makes one")
            return
        }
        print("id                started               status       epochs  seeds     final test accuracy")
        for id in ids {
            let manifest: RunManifest
            do {
                manifest = try store.runManifest(id)
            } catch {
                print(pad(id.rawValue, 18) + "cannot be read: \(error)")
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
                    return "\(label) \(done)/\(config.epochs) epochs"
                } catch {
                    return "\(label) not started"
                }
            }
            // To the second: the archive's milliseconds only order runs started within one.
            let started = manifest.started.count > 20 ? manifest.started.prefix(19) + "Z" : manifest.started
            let columns = [pad(id.rawValue, 18), pad(started, 22), pad(((try? store.status(id)) ?? manifest.status).rawValue, 13),
                           pad(String(config.epochs), 8), pad(SeedList(config.seeds).description, 10)]
            print(columns.joined() + accuracies.joined(separator: ", "))
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

    /// Each unit retrained by its own array task; waits for them (the check is the result).
    func verifyOnSlurm(_ record: RunRecord, store: RunStore, dataDir: String) throws -> Verification {
        let units = record.units.filter { (models?.specs.contains($0.spec) ?? true) && (seeds?.seeds.contains($0.seed) ?? true) }
        let perTask = threads.threads ?? 1
        let slurm = SlurmExecutor(store: store, runID: record.id, report: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                                  dataDir: dataDir, settings: .init(partition: executor.slurmPartition, time: executor.slurmTime,
                                                                    extra: executor.slurmArg, threads: perTask))
        let folder = (store.layout.runFolder(record.id) as NSString).appendingPathComponent("slurm")
        let stamp = UUID().uuidString.prefix(8)
        let output = (folder as NSString).appendingPathComponent("verify-\(stamp)-%u.json")
        let submission = try slurm.submit(units.map(\.config), taskArguments: ["--verify", "--verify-output", output] + (epochs.map { ["--epochs", String($0)] } ?? []))
        print("slurm: submitted job \(submission.jobID): \(units.count) verification task(s); following it")
        let results = try SlurmExecutor.follow(submission) { tasks in print("slurm: job \(submission.jobID): \(tasks.count) task(s) queued or running") }
        var collected: [UnitVerification] = []
        for (unit, result) in zip(units, results) {
            let path = output.replacingOccurrences(of: "%u", with: unit.manifest.unitId.rawValue)
            guard result == .finished, let check = try? JSON.decode(UnitVerification.self, from: path) else {
                if case let .failed(_, log, status) = result { throw ValidationError("slurm: verifying unit \(unit.manifest.unitId) failed: \(status); log \(log)") }
                throw ValidationError("slurm: unit \(unit.manifest.unitId) left no result in \(path)")
            }
            collected.append(check)
        }
        let kernel = try threads.kernel()
        return Verification(date: RunManifestDate.now(), epochs: collected.map(\.result.epochsCompared).max() ?? 0, threads: perTask,
                            bitsPromised: units.allSatisfy(\.config.bitsPromisedEverywhere),
                            environment: collected.first?.environment ?? .current(workers: perTask, kernel: kernel),
                            units: collected.map(\.result))
    }

    func run() throws {
        let (store, id) = try runs.locate(runID)
        let record = try store.record(id)
        let selected = record.units.filter { (models?.specs.contains($0.spec) ?? true) && (seeds?.seeds.contains($0.seed) ?? true) }
        guard !selected.isEmpty else {
            throw ValidationError("--models/--seeds: run \(id) has no unit of models \(record.config.models.map(\.id.rawValue).joined(separator: ",")) with seeds \(SeedList(record.config.seeds)) that matches")
        }
        guard let kind = DatasetKind.named(record.config.dataset.name), kind.identity == record.config.dataset else {
            throw ValidationError("run \(id) uses dataset '\(record.config.dataset.name)' with files or normalisation this version does not know")
        }
        let folder = DataFolder(kind: kind, explicit: dataDir)
        try ensureData(folder, fetchIfMissing: true)
        let verification = executor.executor == .slurm
            ? try verifyOnSlurm(record, store: store, dataDir: folder.path)
            : try Verifier(store: store, record: record, threads: threads.resolved, kernel: try threads.kernel())
                .verify(epochs: epochs, models: models?.specs, seeds: seeds?.seeds, data: try folder.load(), observe: ProgressDisplay().handle)
        if !verification.bitsPromised {
            print("note: run \(id) was made under another reduction order or kernel contract; this engine cannot give its bits, only agreement within \(Verification.tolerance)")
        }
        print("model     seed  epochs  result                                  largest difference")
        for r in verification.units {
            var result = r.identical ? "identical" : "differs from epoch \(r.firstDifferingEpoch ?? 0)"
            if !r.weightsIdentical { result += ", weights differ" }
            if !r.predictionsIdentical { result += ", predictions differ" }
            var tolerance = ""
            if !r.identical && !verification.bitsPromised {
                tolerance = r.largestDifference <= Verification.tolerance ? " (within tolerance)" : " (beyond tolerance)"
            }
            print(pad(r.model.rawValue, 10) + pad(String(r.seed), 6) + pad(String(r.epochsCompared), 8) + pad(result, 40)
                  + String(format: "%.3g", r.largestDifference) + tolerance)
        }
        // A narrower check keeps the earlier results of the units it did not retrain.
        var merged = verification
        if let earlier = record.verification {
            let checked = Set(verification.units.map(\.unitId))
            merged.units = record.units.compactMap { unit in
                verification.units.first { $0.unitId == unit.manifest.unitId }
                    ?? earlier.units.first { $0.unitId == unit.manifest.unitId && !checked.contains($0.unitId) }
            }
            merged.epochs = merged.units.map(\.epochsCompared).max() ?? 0
        }
        try store.saveVerification(merged, run: id)
        guard verification.identical else { throw ExitCode.failure }
        print("verify: identical")
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
        if !hasReport { print("note: no rendered report in \(report); `report render \(id)` makes one") }
        let count = try store.zip(id, report: hasReport ? report : nil, to: output)
        print("archive: wrote \(output) (\(count) files and SHA256SUMS)")
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
