import Engine
import Foundation
import Support
import Training

/// The size and SHA-256 of one archived file, relative to its folder.
public struct FileRecord: Codable, Hashable, Sendable {
    public var path: String
    public var bytes: Int
    public var sha256: String

    public init(path: String, bytes: Int, sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    init(path: String, contents: some Collection<UInt8>) {
        self.init(path: path, bytes: contents.count, sha256: Digest.sha256(contents))
    }

    /// A recorded path is read back only as a plain file name inside the
    /// unit's folder: a forged `../../victim.txt` (or an absolute path) would
    /// otherwise make readers check, copy or name a file outside the archive.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        bytes = try container.decode(Int.self, forKey: .bytes)
        sha256 = try container.decode(String.self, forKey: .sha256)
        let plain = !path.isEmpty && path != "." && path != ".." && !path.contains("/")
            && !path.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard plain else {
            throw DecodingError.dataCorruptedError(forKey: .path, in: container,
                                                   debugDescription: "expected a plain file name inside the unit's folder, found \(path.debugDescription)")
        }
        guard bytes >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "expected a size of 0 or more, found \(bytes)")
        }
    }

    /// Compares bytes read from disk (nil: missing) with this record.
    func mismatch(_ contents: Data?, at fullPath: String) -> Mismatch? {
        guard let contents else { return Mismatch(path: fullPath, kind: .missing) }
        if contents.count != bytes { return Mismatch(path: fullPath, kind: .size(expected: bytes, found: contents.count)) }
        let digest = Digest.sha256(contents)
        return digest == sha256 ? nil : Mismatch(path: fullPath, kind: .digest(expected: sha256, found: digest))
    }
}

public enum Status: String, Codable, Sendable {
    case running, finished, interrupted, failed
}

/// One uninterrupted stretch of training of a unit: which epochs, where, with what code.
public struct Session: Codable, Hashable, Sendable {
    /// The first epoch this session trained (1-based).
    public var firstEpoch: Int
    /// Epochs finished when the session ended (or so far).
    public var lastEpoch: Int
    public var started: String
    public var finished: String?
    public var code: CodeVersion
    public var environment: RunEnvironment
    /// What ran it: "local" or, on a cluster, the scheduler's job id.
    public var executor: String
    /// The run this session trained the unit for (nil when trained on its own,
    /// as `report train` or a test does): a run tells its own units from reused ones by it.
    public var run: RunID?
}

/// The record of a unit that lets anyone check it: its configuration, every
/// training session, and the size and SHA-256 of every file it wrote.
public struct UnitManifest: Codable, Hashable, Sendable, Sealable {
    public var unitId: UnitID
    public var status: Status
    public var config: UnitConfig
    public var sessions: [Session]
    public var files: [FileRecord]
    /// The seal of the file's own fields (`SealedJSON`); nil until written, and in archives older than seals.
    public var fieldsSha256: String? = nil

    /// Where the results came from: trained in one go, or resumed after which epochs.
    public var resumedAfter: [Int] { sessions.dropFirst().map { $0.firstEpoch - 1 } }

    /// A digest of the recorded files: it changes whenever the unit is retrained
    /// to other bytes, which makes an older verification of it stale. The
    /// SHA-256 of one line `<path length>:<path> <bytes> <sha256>\n` per file, in order.
    public var filesSha256: String {
        Digest.sha256(Data(files.map { "\($0.path.utf8.count):\($0.path) \($0.bytes) \($0.sha256)\n" }.joined().utf8))
    }
}

/// The archive's timestamps: UTC with milliseconds, so runs started within one second still sort in order.
public enum RunManifestDate {
    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// How a unit came to be part of a run.
public enum UnitOrigin: String, Codable, Sendable {
    /// Trained from scratch by this run.
    case trained
    /// Continued by this run from a checkpoint left by an interrupted one.
    case resumed
    /// Already finished (by an earlier run or study with the same unit) and checked.
    case reused
}

/// A run: a set of units (models x seeds) and where each came from.
public struct RunManifest: Codable, Hashable, Sendable, Sealable {
    public struct Unit: Codable, Hashable, Sendable {
        public var model: ModelID
        public var seed: UInt64
        public var unitId: UnitID
        public var origin: UnitOrigin?
    }

    public var runId: RunID
    public var status: Status
    public var config: RunConfig
    public var started: String
    public var finished: String?
    public var units: [Unit]
    /// The seal of the file's own fields (`SealedJSON`); nil until written, and in archives older than seals.
    public var fieldsSha256: String? = nil

    static func now() -> String { RunManifestDate.now() }
}
