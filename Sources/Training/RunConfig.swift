import Dataset
import Engine
import Foundation

/// Everything that decides a training result. Its digest is the run id, so a
/// changed seed, layer, dataset file or engine source gives a new run, and an
/// unchanged one finds the finished run again.
public struct RunConfig: Codable, Hashable, Sendable {
    public var dataset: String
    /// SHA-256 of the four IDX files (uncompressed), by file name.
    public var datasetSha256: [String: String]
    public var models: [ModelSpec]
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64
    public var adam: AdamConfig
    /// Batch shards (fixed by the engine; it decides the reduction order).
    public var shards: Int
    public var limitTrain: Int?
    /// SHA-256 of the sources that decide the numbers (see `EngineVersion`).
    public var engineSha256: String
    /// The version of the kernels' summation contract (`KernelPath.contractVersion`);
    /// nil for runs made over OpenBLAS, whose bits depended on the CPU.
    public var kernelContract: Int?

    public init(dataset: DatasetKind, models: [ModelSpec], epochs: Int, batchSize: Int, seed: UInt64,
                adam: AdamConfig = AdamConfig(), limitTrain: Int? = nil, engineSha256: String = EngineVersion.sha256) {
        self.dataset = dataset.name
        datasetSha256 = Dictionary(uniqueKeysWithValues: dataset.files.map { ($0.name, $0.sha256) })
        self.models = models
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.adam = adam
        shards = Network.shardCount
        self.limitTrain = limitTrain
        self.engineSha256 = engineSha256
        kernelContract = KernelPath.contractVersion
    }

    /// Whether a retraining of this configuration with the current engine must
    /// give identical bits on any machine: true for runs under the current
    /// kernel contract.
    public var bitsPromisedEverywhere: Bool { kernelContract == KernelPath.contractVersion }

    /// The same configuration restricted to one model: the unit that is cached,
    /// resumed and reused across runs.
    public func only(_ model: ModelSpec) -> RunConfig {
        var copy = self
        copy.models = [model]
        return copy
    }

    /// First 16 hex digits of the SHA-256 of the canonical JSON.
    public var id: String {
        String(Trainer.digest(Array((try? JSON.encode(self)) ?? Data())).prefix(16))
    }

    /// Is this the homework's own configuration (all models, 30 epochs, seed 0, MNIST)?
    public var isHomework: Bool {
        dataset == "mnist" && models == ModelSpec.homework && epochs == 30 && batchSize == 100 && seed == 0
            && adam == AdamConfig() && limitTrain == nil
    }

    /// `hw2` for the homework; otherwise a name that says how this run differs.
    public var reportName: String {
        var parts = ["hw2"]
        if dataset != "mnist" { parts.append(dataset) }
        if models != ModelSpec.homework { parts.append("models" + models.map { $0.id.replacingOccurrences(of: "model", with: "") }.joined()) }
        if epochs != 30 { parts.append("epochs\(epochs)") }
        if batchSize != 100 { parts.append("batch\(batchSize)") }
        if seed != 0 { parts.append("seed\(seed)") }
        if let limitTrain { parts.append("train\(limitTrain)") }
        if adam != AdamConfig() { parts.append("adam") }
        return parts.joined(separator: "-")
    }
}

/// A digest of the source files that decide the numbers a run produces: the
/// engine, the training loop and the data normalisation. Read from the source
/// tree this binary was built from. The kernels (Sources/Kernels) are not in
/// it: their results are fixed by the summation contract, whose version is in
/// the run id, and tests hold every path to it bit for bit, so a faster kernel
/// still finds the runs made before it.
public enum EngineVersion {
    public static let sha256: String = {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: sources.appendingPathComponent("Engine").path) {
            files += walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { "Engine/" + $0 }
        }
        guard !files.isEmpty else { return "unknown (sources not found at \(sources.path))" }
        files += ["Training/Trainer.swift", "Dataset/DataFolder.swift"]
        var bytes: [UInt8] = []
        for file in files.sorted() {
            bytes += Array(file.utf8) + [0]
            bytes += FileManager.default.contents(atPath: sources.appendingPathComponent(file).path) ?? Data()
        }
        return Trainer.digest(bytes)
    }()
}
