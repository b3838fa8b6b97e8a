import ArgumentParser
import Dataset
import Engine
import Foundation

/// Where the data comes from; shared by every command that reads it.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset to use: mnist or fashion-mnist.", valueName: "name"))
    var dataset: String = "mnist"

    @Option(help: ArgumentHelp(
        "Folder with the four IDX files, raw or .gz (default: data/mnist, or $HW2_DATA_DIR; Fashion-MNIST: /usr/share/datasets/fashion-mnist).",
        valueName: "path"))
    var dataDir: String?

    func validate() throws {
        guard DatasetKind.named(dataset) != nil else {
            throw ValidationError("--dataset: expected one of \(DatasetKind.all.map(\.name).joined(separator: ", ")), found '\(dataset)'")
        }
    }

    var kind: DatasetKind { DatasetKind.named(dataset)! }
    var folder: DataFolder { DataFolder(kind: kind, explicit: dataDir) }
}

/// What decides a training result, shared by `report`, `train` and `bench`.
struct TrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Epochs per model.", valueName: "n"))
    var epochs: Int = 30

    @Option(help: ArgumentHelp("Seed of every random stream (initialisation, shuffling).", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Samples per batch.", valueName: "n"))
    var batchSize: Int = 100

    @Option(help: ArgumentHelp("Train on the first K training images only (quick checks).", valueName: "K"))
    var limitTrain: Int?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs: expected a whole number of at least 1, found \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size: expected at least 1, found \(batchSize)") }
        if let limitTrain, limitTrain < 1 {
            throw ValidationError("--limit-train: expected at least 1, found \(limitTrain)")
        }
    }
}

/// Worker threads and the kernel path: they decide the speed, never a result
/// (see Network.shardCount and Sources/Kernels/include/Kernels.h).
struct ThreadOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Worker threads (1-\(Network.shardCount)); results are bitwise identical for any value, as for any \(KernelPath.environmentVariable)=\(KernelPath.allCases.map(\.rawValue).joined(separator: "|")).",
        valueName: "n"))
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, Network.shardCount)

    func validate() throws {
        guard (1...Network.shardCount).contains(threads) else {
            throw ValidationError("--threads: expected 1 to \(Network.shardCount), found \(threads)")
        }
        _ = try kernel()
    }

    /// The path `HW2_KERNEL` forces, or the fastest this CPU runs.
    func kernel() throws -> KernelPath {
        do { return try KernelPath.selected() } catch { throw ValidationError("\(error)") }
    }
}

/// Parses `--models 1,3` / `--model all` into the homework's model specs.
func parseModels(_ text: String, flag: String) throws -> [ModelSpec] {
    if text == "all" { return ModelSpec.homework }
    var models: [ModelSpec] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let name = part.trimmingCharacters(in: .whitespaces).lowercased()
        guard let model = ModelSpec.homework.first(where: { $0.id == name || $0.id == "model" + name }) else {
            throw ValidationError("\(flag): expected model numbers 1, 2, 3 (comma-separated) or 'all', found '\(text)'")
        }
        if !models.contains(model) { models.append(model) }
    }
    return models.sorted { $0.id < $1.id }
}
