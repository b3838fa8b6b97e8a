import Dataset
import Engine
import Foundation

/// One model's results inside a run, as the report reads them.
public struct ModelRecord: Codable, Hashable, Sendable {
    public var spec: ModelSpec
    public var metrics: [EpochMetrics]
    public var weightsSha256: String

    public init(spec: ModelSpec, metrics: [EpochMetrics], weightsSha256: String) {
        self.spec = spec
        self.metrics = metrics
        self.weightsSha256 = weightsSha256
    }
}

/// A run as the report sees it: its manifest, each model's metrics, and the
/// last reproducibility check. The report is a function of this value only.
public struct RunRecord: Codable, Hashable, Sendable {
    public var manifest: Manifest
    public var models: [ModelRecord]
    public var verification: Verification?

    public init(manifest: Manifest, models: [ModelRecord], verification: Verification?) {
        self.manifest = manifest
        self.models = models
        self.verification = verification
    }

    public var config: RunConfig { manifest.config }
}

/// The runs folder (default `runs/`):
///
///     runs/<run id>/config.json, manifest.json, verify.json, lock
///     runs/<run id>/<model id>/config.json      that model's own configuration (its cache key)
///                              metrics.json, metrics.csv, train.log
///                              weights.safetensors (PyTorch state_dict names)
///                              checkpoint.bin, checkpoint.prev.bin
public struct RunStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public func folder(_ id: String) -> String { (root as NSString).appendingPathComponent(id) }

    func modelFolder(_ id: String, _ model: ModelSpec) -> String {
        (folder(id) as NSString).appendingPathComponent(model.id)
    }

    /// Run ids, newest first.
    public func ids() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: (folder($0) as NSString).appendingPathComponent("manifest.json")) }
            .sorted { (try? manifest($0).started) ?? "" > (try? manifest($1).started) ?? "" }
    }

    /// A full id, a unique prefix of one, or nil for the newest run.
    public func resolve(_ prefix: String?) throws -> String {
        let all = ids()
        guard let prefix else {
            guard let newest = all.first else { throw TrainingError.notFound("\(root): no runs yet; run `report` first") }
            return newest
        }
        let matches = all.filter { $0.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw TrainingError.notFound(matches.isEmpty
                ? "\(root): no run matches '\(prefix)' (see `report runs`)"
                : "\(root): '\(prefix)' matches \(matches.count) runs; give more of the id")
        }
        return matches[0]
    }

    public func manifest(_ id: String) throws -> Manifest {
        try JSON.decode(Manifest.self, from: (folder(id) as NSString).appendingPathComponent("manifest.json"))
    }

    /// The manifest's status, except that a "running" run whose writer is gone
    /// (killed, power loss) is reported as interrupted.
    public func status(_ id: String) throws -> Manifest.Status {
        let status = try manifest(id).status
        guard status == .running else { return status }
        return RunLock.isHeld((folder(id) as NSString).appendingPathComponent("lock")) ? .running : .interrupted
    }

    public func record(_ id: String) throws -> RunRecord {
        let manifest = try manifest(id)
        let models = try manifest.config.models.map { spec -> ModelRecord in
            let dir = modelFolder(id, spec)
            let metrics = try JSON.decode([EpochMetrics].self, from: (dir as NSString).appendingPathComponent("metrics.json"))
            return ModelRecord(spec: spec, metrics: metrics, weightsSha256: metrics.last?.weightsSha256 ?? "")
        }
        let verifyPath = (folder(id) as NSString).appendingPathComponent("verify.json")
        let verification = FileManager.default.fileExists(atPath: verifyPath) ? try JSON.decode(Verification.self, from: verifyPath) : nil
        return RunRecord(manifest: manifest, models: models, verification: verification)
    }

    /// A finished model with the same configuration in any run: reusable as is.
    func finishedModel(_ config: RunConfig, _ model: ModelSpec) -> String? {
        let key = config.only(model)
        for id in ids() {
            let dir = modelFolder(id, model)
            guard let stored = try? JSON.decode(RunConfig.self, from: (dir as NSString).appendingPathComponent("config.json")),
                  stored == key,
                  FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("weights.safetensors")),
                  let metrics = try? JSON.decode([EpochMetrics].self, from: (dir as NSString).appendingPathComponent("metrics.json")),
                  metrics.count == config.epochs else { continue }
            return dir
        }
        return nil
    }

    /// Copies what a reader needs to check a run, without weights or
    /// checkpoints (which `report archive` bundles): configuration, manifest,
    /// last verification, and each model's metrics and log.
    public func exportLight(_ id: String, to destination: String) throws {
        let source = folder(id)
        let manifest = try manifest(id)
        var names = ["config.json", "manifest.json", "verify.json"]
        for model in manifest.config.models {
            names += ["config.json", "metrics.json", "metrics.csv", "train.log"].map { model.id + "/" + $0 }
        }
        for name in names {
            let from = (source as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: from) else { continue }
            try AtomicFile.write(Array(data), to: (destination as NSString).appendingPathComponent(name))
        }
    }

    public func saveVerification(_ verification: Verification, id: String) throws {
        try AtomicFile.writeJSON(verification, to: (folder(id) as NSString).appendingPathComponent("verify.json"))
    }
}
