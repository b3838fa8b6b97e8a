import ArgumentParser
import Dataset
import Engine
import Foundation
import Report
import RunArchive
import Training

extension DatasetKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let kind = DatasetKind.named(argument) else { return nil }
        self = kind
    }

    public static var allValueStrings: [String] { all.map(\.name) }
    public var defaultValueDescription: String { name }
}

extension Language: ExpressibleByArgument {}

/// `--models 1,3` or `all`: the homework's models, in order, without repeats.
struct ModelList: Hashable {
    let specs: [ModelSpec]

    static let all = ModelList(specs: Homework.models)

    struct Invalid: Error, CustomStringConvertible {
        let text: String
        var description: String { "expected model numbers 1, 2, 3 (comma-separated) or 'all', found '\(text)'" }
    }

    static func parse(_ text: String) throws -> [ModelSpec] {
        if text == "all" { return Homework.models }
        var models: [ModelSpec] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let model = Homework.models.first(where: { $0.id.rawValue == name || $0.id.rawValue == "model" + name }) else { throw Invalid(text: text) }
            if !models.contains(model) { models.append(model) }
        }
        return Homework.models.filter(models.contains)
    }

    /// The value of `--models` that selects `specs`: "all", or their numbers ("1,3").
    static func argument(for specs: [ModelSpec]) -> String {
        specs == Homework.models ? "all" : specs.map { String($0.id.rawValue.dropFirst("model".count)) }.joined(separator: ",")
    }

    /// For `@Option(transform:)`, so a bad list is named with what was expected.
    static func transform(_ text: String) throws -> ModelList { ModelList(specs: try parse(text)) }
}

extension SeedList {
    /// For `@Option(transform:)`, so a bad list is named with what was wrong.
    static func transform(_ text: String) throws -> SeedList { try SeedList(parsing: text) }
}

/// Where the data comes from; shared by every command that reads it.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset to use.", valueName: "name"))
    var dataset: DatasetKind = Homework.dataset

    @Option(help: ArgumentHelp(
        "Folder with the four IDX files, raw or .gz (default: data/mnist, or $HW2_DATA_DIR; Fashion-MNIST: /usr/share/datasets/fashion-mnist).",
        valueName: "path"))
    var dataDir: String?

    var folder: DataFolder { DataFolder(kind: dataset, explicit: dataDir) }
}

/// A whole number flag that may be given as a negative number (`--epochs -1`),
/// which argument-parser would otherwise read as a missing value.
func checkAtLeast(_ value: Int, _ minimum: Int, _ flag: String) throws {
    guard value >= minimum else { throw ValidationError("\(flag): expected a whole number of at least \(minimum), found \(value)") }
}

/// What decides a training result, shared by `report`, `train` and `bench`.
struct TrainingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Epochs per model.", valueName: "n"))
    var epochs: Int = Homework.epochs

    @Option(parsing: .unconditional, help: ArgumentHelp("Samples per batch.", valueName: "n"))
    var batchSize: Int = Homework.batchSize

    @Option(parsing: .unconditional, help: ArgumentHelp("Train on the first K training images only (quick checks).", valueName: "K"))
    var limitTrain: Int?

    func validate() throws {
        try checkAtLeast(epochs, 1, "--epochs")
        try checkAtLeast(batchSize, 1, "--batch-size")
        if let limitTrain { try checkAtLeast(limitTrain, 1, "--limit-train") }
        // Before any allocation: a batch is allocated whole.
        let images = min(limitTrain ?? DatasetKind.trainingImageCount, DatasetKind.trainingImageCount)
        guard batchSize <= images else {
            let what = limitTrain == nil ? "the training images" : "the training images --limit-train keeps"
            throw ValidationError("--batch-size: expected a whole number from 1 to \(images) (\(what)), found \(batchSize)")
        }
    }

    func settings(_ data: DataOptions) -> TrainingSettings {
        TrainingSettings(dataset: data.dataset.identity, epochs: epochs, batchSize: batchSize, limitTrain: limitTrain)
    }
}

/// Worker threads and the kernel path: they decide the speed, never a result
/// (see Network.shardCount and Sources/Kernels/include/Kernels.h).
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads per model (default: the cores, shared between jobs; at most the cores, or \(ThreadOptions.anywhere) on a smaller machine, so that any machine can check a thread count). Results are bitwise identical for any value, as for any \(KernelPath.environmentVariable)=\(KernelPath.allCases.map(\.rawValue).joined(separator: "|")).",
        valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...Self.limit).contains(threads) {
            throw ValidationError("--threads: expected 1 to \(Self.limit) (\(Self.cores) core(s) here), found \(threads)")
        }
        _ = try kernel()
    }

    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
    /// Threads accepted on any machine, more than its cores if need be: enough for teams of two threads on each of
    /// the `Network.shardCount` shards, so any machine can check that teams give the bits of one thread.
    static let anywhere = 8
    static var limit: Int { max(cores, anywhere) }

    /// For commands that train one model at a time.
    var resolved: Int { threads ?? Self.cores }

    /// The path `HW2_KERNEL` forces, or the fastest this CPU runs.
    func kernel() throws -> KernelPath {
        do { return try KernelPath.selected() } catch { throw ValidationError("\(error)") }
    }
}

/// Parallel jobs for commands that train several units.
struct JobOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Units (model x seed) trained at once, each with its own threads (default: one per core while enough units are left, and no more than half the memory holds at 512 MB a job). Never changes a result; each job holds one model's buffers (about 350 MB for Model 1), the dataset is shared.",
        valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs { try checkAtLeast(jobs, 1, "--jobs") }
    }

    /// Jobs and threads for `pending` units, and whether they were chosen here (to say so).
    func split(pending: Int, threads: ThreadOptions) -> (jobs: Int, threads: Int, chosen: Bool) {
        let cores = ThreadOptions.cores
        switch (jobs, threads.threads) {
        case let (jobs?, threads?): return (jobs, threads, false)
        case let (jobs?, nil): return (jobs, max(1, cores / jobs), true)
        case let (nil, threads?): return (max(1, min(max(pending, 1), cores / threads)), threads, true)
        case (nil, nil):
            let split = LocalExecutor.split(cores: cores, pending: pending)
            return (split.jobs, split.threads, true)
        }
    }
}

/// Where units are trained: here, or as a Slurm job array.
struct ExecutorOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case local, slurm
    }

    @Option(help: ArgumentHelp("Where units train: local (parallel jobs here) or slurm (one array task per unit, submitted with sbatch).", valueName: "kind"))
    var executor: Kind = .local

    @Flag(help: "With --executor slurm: follow the job until it ends, then render the report (otherwise return at once with the job id; `report verify` always follows).")
    var wait = false

    @Option(help: ArgumentHelp("With --executor slurm: the partition to submit to.", valueName: "name"))
    var slurmPartition: String?

    @Option(help: ArgumentHelp("With --executor slurm: the time limit of each task (sbatch's --time, e.g. 2:00:00).", valueName: "limit"))
    var slurmTime: String?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("With --executor slurm: one more argument for sbatch, as is (repeatable), e.g. --slurm-arg=--account=ml.", valueName: "arg"))
    var slurmArg: [String] = []

    func validate() throws {
        if executor == .local && (wait || slurmPartition != nil || slurmTime != nil || !slurmArg.isEmpty) {
            throw ValidationError("--wait and --slurm-* need --executor slurm")
        }
        _ = try slurmSettings(threads: 1)
    }

    /// The --slurm-* flags as the executor's settings, with `threads` CPUs per task.
    func slurmSettings(threads: Int) throws -> SlurmExecutor.Settings {
        do {
            return try SlurmExecutor.Settings(partition: slurmPartition, time: slurmTime, extra: slurmArg, threads: threads)
        } catch let SlurmExecutor.SlurmError.setting(name, value, expected) {
            throw ValidationError("--slurm-\(name): expected \(expected), found \(value.debugDescription)")
        }
    }
}

/// Where runs are archived; shared by every command that reads or writes them.
struct RunStoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the run archive.", valueName: "path"))
    var runsDir: String = "runs"

    var store: RunStore { RunStore(root: runsDir) }

    /// A run named on the command line: an id (or unique prefix) in the runs
    /// folder, or the path of a copied archive such as reports/hw2/archive.
    func locate(_ argument: String?) throws -> (store: RunStore, id: RunID) {
        if let argument, FileManager.default.fileExists(atPath: (argument as NSString).appendingPathComponent(RunLayout.unitsFolder)) {
            let store = RunStore(root: argument)
            return (store, try store.resolve(nil))
        }
        do {
            return (store, try store.resolve(argument))
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
