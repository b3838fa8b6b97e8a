import Foundation

/// The record of a run that lets anyone check it: what went in, where it ran,
/// when, and the size and SHA-256 of every file it wrote.
public struct Manifest: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable {
        case running, finished, interrupted, failed
    }

    public struct FileRecord: Codable, Hashable, Sendable {
        public var path: String
        public var bytes: Int
        public var sha256: String
    }

    public var runId: String
    public var status: Status
    public var config: RunConfig
    public var code: CodeVersion
    public var environment: RunEnvironment
    public var started: String
    public var finished: String?
    /// Per model: where its results came from ("trained", "resumed at epoch 3", "reused from run <id>").
    public var provenance: [String: String]
    public var files: [FileRecord]

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    /// Every file under `folder` except the manifest itself, the lock, and
    /// checkpoints (which change each epoch and are checked by their own digest).
    static func records(in folder: String) throws -> [FileRecord] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        let skipped: Set<String> = ["manifest.json", "lock"]
        return try walker.compactMap { $0 as? String }.sorted().compactMap { relative in
            let path = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !skipped.contains(relative), !relative.contains(".tmp-"), !relative.hasSuffix(".bin") else { return nil }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TrainingError.io(path: path, reason: "cannot read it to record its digest")
            }
            return FileRecord(path: relative, bytes: data.count, sha256: Trainer.digest(Array(data)))
        }
    }

    /// Files whose size or digest no longer match (or that are missing).
    public func check(folder: String) -> [String] {
        files.compactMap { record in
            let path = (folder as NSString).appendingPathComponent(record.path)
            guard let data = FileManager.default.contents(atPath: path) else { return "\(record.path): missing" }
            if data.count != record.bytes { return "\(record.path): \(data.count) bytes, manifest says \(record.bytes)" }
            let digest = Trainer.digest(Array(data))
            return digest == record.sha256 ? nil : "\(record.path): SHA-256 \(digest), manifest says \(record.sha256)"
        }
    }
}

/// The last reproducibility check of a run (`report verify`), kept beside it.
public struct Verification: Codable, Hashable, Sendable {
    public struct ModelResult: Codable, Hashable, Sendable {
        public var model: String
        public var epochsCompared: Int
        public var identical: Bool
        public var firstDifferingEpoch: Int?
        /// Largest absolute difference of any metric (0 when identical).
        public var largestDifference: Double
        public var weightsIdentical: Bool
    }

    public var date: String
    public var epochs: Int
    public var threads: Int
    /// Whether identical bits were expected: for every run under the current
    /// kernel contract, on any machine; never for runs of an older engine.
    public var bitsPromised: Bool
    public var environment: RunEnvironment
    public var models: [ModelResult]

    public var identical: Bool { models.allSatisfy(\.identical) }
    /// Where bits are not promised (older runs on another machine), metrics
    /// that agree within this absolute tolerance are reported as such.
    public static let tolerance = 2e-3
}

extension Verification {
    /// Reads checks written before `bitsPromised` existed (they carried
    /// `same_environment`): those were checks of OpenBLAS runs, which promise
    /// no bits to this engine.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(String.self, forKey: .date)
        epochs = try c.decode(Int.self, forKey: .epochs)
        threads = try c.decode(Int.self, forKey: .threads)
        bitsPromised = try c.decodeIfPresent(Bool.self, forKey: .bitsPromised) ?? false
        environment = try c.decode(RunEnvironment.self, forKey: .environment)
        models = try c.decode([ModelResult].self, forKey: .models)
    }
}
