import ArgumentParser
import Dataset
import Engine
import Foundation
import Training
import ZIPFoundation

/// A run named on the command line: an id (or unique prefix) in the runs
/// folder, or the path of a run folder (for example the committed reports/hw2/run).
func locateRun(_ argument: String?, in options: RunStoreOptions) throws -> (store: RunStore, id: String) {
    if let argument, FileManager.default.fileExists(atPath: (argument as NSString).appendingPathComponent("manifest.json")) {
        let url = URL(fileURLWithPath: argument).standardizedFileURL
        return (RunStore(root: url.deletingLastPathComponent().path), url.lastPathComponent)
    }
    return (options.store, try options.store.resolve(argument))
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List archived runs, newest first.")

    @OptionGroup var runs: RunStoreOptions

    func run() throws {
        let store = runs.store
        let ids = store.ids()
        guard !ids.isEmpty else {
            print("\(store.root): no runs yet; `report` makes one")
            return
        }
        print("id                started               status       epochs  models  final test accuracy")
        for id in ids {
            let manifest: Manifest
            do {
                manifest = try store.manifest(id)
            } catch {
                // For example a run written by an older version in another format.
                print(pad(id, 18) + "cannot be read: \(error)")
                continue
            }
            let accuracies = manifest.config.models.map { spec -> String in
                let path = ((store.folder(id) as NSString).appendingPathComponent(spec.id) as NSString).appendingPathComponent("metrics.json")
                let last = (try? JSON.decode([EpochMetrics].self, from: path))?.last
                let label = spec.id.replacingOccurrences(of: "model", with: "M")
                return last.map { String(format: "%@ %.2f%%", label, 100 * $0.testAccuracy) } ?? "\(label) -"
            }
            let columns = [pad(id, 18), pad(manifest.started, 22), pad(((try? store.status(id)) ?? manifest.status).rawValue, 13),
                           pad(String(manifest.config.epochs), 8), pad(String(manifest.config.models.count), 8)]
            print(columns.joined() + accuracies.joined(separator: ", "))
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Retrain an archived run and check that it gives the same bits.",
        discussion: """
        Compares every epoch's metrics (bit for bit) and the SHA-256 of the weights with \
        the archive, prints a table and exits non-zero on any difference. A run made under \
        the current kernel contract gives the same bits on any CPU, with any --threads and \
        any HW2_KERNEL path. Runs made over OpenBLAS (before the contract) cannot be \
        reproduced bit for bit by this engine; for them the check says whether the metrics \
        agree within \(Verification.tolerance).
        Example: report verify reports/hw2/run --models 2 --epochs 1
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or run folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Option(help: ArgumentHelp("Compare only the first K epochs.", valueName: "K"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Only these models (numbers like 2 or 1,3).", valueName: "list"))
    var models: String?

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var runs: RunStoreOptions

    @Option(help: ArgumentHelp("Folder with the run's dataset (see `report data --help`).", valueName: "path"))
    var dataDir: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs: expected at least 1, found \(epochs)") }
        if let models { _ = try parseModels(models, flag: "--models") }
    }

    func run() throws {
        let (store, id) = try locateRun(runID, in: runs)
        let record = try store.record(id)
        guard let kind = DatasetKind.named(record.config.dataset) else {
            throw ValidationError("run \(id) uses dataset '\(record.config.dataset)', which this version does not know")
        }
        let folder = DataFolder(kind: kind, explicit: dataDir)
        try ensureData(folder, fetchIfMissing: true)
        let selected = try models.map { try parseModels($0, flag: "--models") }
        if record.config.engineSha256 != EngineVersion.sha256 {
            print("note: the engine sources changed since this run (\(record.config.engineSha256.prefix(12)) then, \(EngineVersion.sha256.prefix(12)) now)")
        }
        let progress = ProgressDisplay()
        let verification = try Verifier(record: record, threads: threads.threads, kernel: try threads.kernel())
            .verify(epochs: epochs, models: selected, data: try folder.load(), observe: progress.handle)
        if !verification.bitsPromised {
            let made = record.config.kernelContract.map { "under kernel contract \($0)" } ?? "over OpenBLAS, before the kernel contract"
            print("note: run \(id) was made \(made); this engine (contract \(KernelPath.contractVersion)) cannot give its bits, only agreement within \(Verification.tolerance)")
        }
        print("model     epochs  result                          largest difference")
        for r in verification.models {
            let result = r.identical ? "identical" : "differs from epoch \(r.firstDifferingEpoch!)" + (r.weightsIdentical ? "" : ", weights differ")
            var tolerance = ""
            if !r.identical && !verification.bitsPromised {
                tolerance = r.largestDifference <= Verification.tolerance ? " (within tolerance)" : " (beyond tolerance)"
            }
            print(pad(r.model, 10) + pad(String(r.epochsCompared), 8) + pad(result, 32) + String(format: "%.3g", r.largestDifference) + tolerance)
        }
        try store.saveVerification(verification, id: id)
        guard verification.identical else { throw ExitCode.failure }
        print("verify: identical")
    }
}

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Bundle a run and its rendered report into one zip.",
        discussion: "The zip holds SHA256SUMS; `sha256sum -c SHA256SUMS` in the unpacked folder checks every file.")

    @Argument(help: ArgumentHelp("Run id, unique prefix, or run folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The zip file to write.", valueName: "file.zip"))
    var output: String

    @OptionGroup var runs: RunStoreOptions

    @Option(help: ArgumentHelp("Folder that holds reports/<name>/.", valueName: "path"))
    var reportsDir: String = "reports"

    func run() throws {
        let (store, id) = try locateRun(runID, in: runs)
        let record = try store.record(id)
        let report = (reportsDir as NSString).appendingPathComponent(record.config.reportName)
        var entries: [(name: String, path: String)] = files(under: store.folder(id)).map { ("run-\(id)/" + $0, (store.folder(id) as NSString).appendingPathComponent($0)) }
        if FileManager.default.fileExists(atPath: report) {
            entries += files(under: report).map { ("report/" + $0, (report as NSString).appendingPathComponent($0)) }
        } else {
            print("note: no rendered report in \(report); `report render \(id)` makes one")
        }
        let temporary = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            var sums = ""
            for entry in entries {
                guard let data = FileManager.default.contents(atPath: entry.path) else { throw TrainingError.io(path: entry.path, reason: "unreadable") }
                sums += "\(Trainer.digest(Array(data)))  \(entry.name)\n"
                try archive.addEntry(with: entry.name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            let sumsData = Data(sums.utf8)
            try archive.addEntry(with: "SHA256SUMS", type: .file, uncompressedSize: Int64(sumsData.count), compressionMethod: .deflate) { position, size in
                sumsData.subdata(in: Int(position)..<Int(position) + size)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw TrainingError.io(path: output, reason: "could not write the zip: \(error)")
        }
        guard rename(temporary, output) == 0 else { throw TrainingError.io(path: output, reason: String(cString: strerror(errno))) }
        print("archive: wrote \(output) (\(entries.count) files and SHA256SUMS)")
    }

    private func files(under folder: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: folder)
        return (walker?.compactMap { $0 as? String } ?? []).sorted().filter { relative in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(relative), isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue && relative != "lock" && !relative.contains(".tmp-")
        }
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
