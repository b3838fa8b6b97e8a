import Dataset
import Engine
import Foundation
import Support
import Training

/// The run archive on disk (`runs/` by default; see `RunLayout`). Every read
/// of a unit goes through `unit(_:)`, which checks each file against the
/// manifest's size and SHA-256 before anything uses it.
public struct RunStore: Sendable {
    public let layout: RunLayout

    public init(root: String) { layout = RunLayout(root: root) }

    public var root: String { layout.root }

    /// Run ids, newest first.
    public func runIDs() throws -> [RunID] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { throw FileError.io(path: root, reason: "is a file, expected the runs folder") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root)
        } catch {
            throw FileError.io(path: root, reason: "cannot list the runs folder: \(error.localizedDescription)")
        }
        let ids = names.filter(RunID.isWellFormed).map(RunID.init(rawValue:))
            .filter { FileManager.default.fileExists(atPath: layout.runFile($0, RunLayout.manifest)) }
        let started = Dictionary(uniqueKeysWithValues: ids.map { ($0, (try? runManifest($0).started) ?? "") })
        return ids.sorted { started[$0, default: ""] > started[$1, default: ""] }
    }

    /// A full id, a unique prefix of one, or nil for the newest run.
    public func resolve(_ prefix: String?) throws -> RunID {
        let all = try runIDs()
        guard let prefix else {
            guard let newest = all.first else { throw ArchiveError.notFound("\(root): no runs yet; run `report` first") }
            return newest
        }
        let matches = all.filter { $0.rawValue.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw ArchiveError.notFound(matches.isEmpty
                ? "\(root): no run matches '\(prefix)' (see `report runs --runs-dir \(root)`)"
                : "\(root): '\(prefix)' matches \(matches.count) runs; give more of the id")
        }
        return matches[0]
    }

    /// A file of the archive, read only when it and every folder on its way are plain (no link).
    func contents(_ path: String) throws -> Data {
        guard let data = try PlainFile.read(path, under: root) else { throw FileError.missing(path: path) }
        return data
    }

    public func runManifest(_ id: RunID) throws -> RunManifest { try runManifestWithBytes(id).manifest }

    /// The manifest, checked, and the bytes it was read from (what a copy carries).
    func runManifestWithBytes(_ id: RunID) throws -> (manifest: RunManifest, bytes: Data) {
        let path = layout.runFile(id, RunLayout.manifest)
        let bytes = try contents(path)
        let manifest = try SealedJSON.decode(RunManifest.self, from: bytes, path: path)
        guard manifest.runId == id, manifest.config.id == id else {
            throw FileError.unreadable(path: path, reason: "records run \(manifest.runId) with a configuration whose id is \(manifest.config.id), expected \(id)")
        }
        return (manifest, bytes)
    }

    public func unitManifest(_ id: UnitID) throws -> UnitManifest { try unitManifestWithBytes(id).manifest }

    func unitManifestWithBytes(_ id: UnitID) throws -> (manifest: UnitManifest, bytes: Data) {
        let path = layout.unitFile(id, RunLayout.manifest)
        let bytes = try contents(path)
        let manifest = try SealedJSON.decode(UnitManifest.self, from: bytes, path: path)
        guard manifest.unitId == id, manifest.config.id == id else {
            throw FileError.unreadable(path: path, reason: "records unit \(manifest.unitId) with a configuration whose id is \(manifest.config.id), expected \(id)")
        }
        return (manifest, bytes)
    }

    /// The manifest's status, except that a "running" run whose writer is gone
    /// (killed, power loss) and that `stillQueued` does not vouch for (a
    /// scheduler's job of it in the queue) is reported as interrupted.
    public func status(_ id: RunID, stillQueued: (RunID) -> Bool = { _ in false }) throws -> Status {
        let status = try runManifest(id).status
        guard status == .running else { return status }
        if RunLock.isHeld(layout.runFile(id, RunLayout.lock)) { return .running }
        return stillQueued(id) ? .running : .interrupted
    }

    /// Every recorded file of a unit that does not match its manifest. A light
    /// copy has no weights: with `requireWeights` off their absence is allowed.
    public func mismatches(_ manifest: UnitManifest, requireWeights: Bool = false) -> [Mismatch] {
        manifest.files.compactMap { record in
            if case let .failure(mismatch) = checkedContents(manifest, record, requireWeights: requireWeights) { return mismatch }
            return nil
        }
    }

    /// A recorded file's bytes, read once and checked: what is decoded or
    /// copied is exactly what matched the digest. `.success(nil)` for absent
    /// weights of a light copy.
    func checkedContents(_ manifest: UnitManifest, _ record: FileRecord, requireWeights: Bool) -> Result<Data?, Mismatch> {
        let path = layout.unitFile(manifest.unitId, record.path)
        let contents: Data?
        do {
            contents = try PlainFile.read(path, under: root)
        } catch {
            return .failure(Mismatch(path: path, kind: .notPlain))
        }
        if contents == nil && record.path == RunLayout.weights && !requireWeights { return .success(nil) }
        if let mismatch = record.mismatch(contents, at: path) { return .failure(mismatch) }
        return .success(contents)
    }

    /// The checked bytes of every recorded file of a unit, by name.
    func checkedFiles(_ manifest: UnitManifest, requireWeights: Bool) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for record in manifest.files {
            switch checkedContents(manifest, record, requireWeights: requireWeights) {
            case let .success(data): files[record.path] = data
            case let .failure(mismatch): throw ArchiveError.mismatch(mismatch)
            }
        }
        return files
    }

    /// Reads a finished unit through its manifest: every file is checked
    /// before it is decoded, and the bytes decoded are the bytes checked.
    public func unit(_ id: UnitID, requireWeights: Bool = false) throws -> UnitRecord {
        try unitWithFiles(id, requireWeights: requireWeights).record
    }

    /// The unit and the checked bytes of its files by name, its manifest's included.
    func unitWithFiles(_ id: UnitID, requireWeights: Bool = false) throws -> (record: UnitRecord, files: [String: Data]) {
        let (manifest, manifestBytes) = try unitManifestWithBytes(id)
        guard manifest.status == .finished else {
            throw ArchiveError.unfinished("unit \(id) (\(manifest.config.label)) is \(manifest.status.rawValue); run `report` with its configuration to finish it")
        }
        var files = try checkedFiles(manifest, requireWeights: requireWeights)
        let configPath = layout.unitFile(id, RunLayout.config)
        guard let configData = files[RunLayout.config] else {
            throw FileError.unreadable(path: layout.unitFile(id, RunLayout.manifest), reason: "records no \(RunLayout.config)")
        }
        guard try JSON.decode(UnitConfig.self, from: configData, path: configPath) == manifest.config else {
            throw FileError.unreadable(path: configPath, reason: "differs from the configuration its manifest records, expected the same")
        }
        let metricsPath = layout.unitFile(id, RunLayout.metrics), predictionsPath = layout.unitFile(id, RunLayout.predictions)
        guard let metricsData = files[RunLayout.metrics], let predictionData = files[RunLayout.predictions] else {
            throw FileError.unreadable(path: layout.unitFile(id, RunLayout.manifest), reason: "records no \(RunLayout.metrics) or \(RunLayout.predictions)")
        }
        let metrics = try JSON.decode([EpochMetrics].self, from: metricsData, path: metricsPath)
        guard metrics.count == manifest.config.settings.epochs else {
            throw FileError.unreadable(path: metricsPath, reason: "holds \(metrics.count) epochs, the unit has \(manifest.config.settings.epochs)")
        }
        let bytes = [UInt8](predictionData)
        guard !bytes.isEmpty, bytes.count % metrics.count == 0 else {
            throw FileError.unreadable(path: predictionsPath, reason: "expected \(metrics.count) epochs of one byte per test image, found \(bytes.count) bytes")
        }
        let perEpoch = bytes.count / metrics.count
        let predictions = (0..<metrics.count).map { Array(bytes[($0 * perEpoch)..<(($0 + 1) * perEpoch)]) }
        files[RunLayout.manifest] = manifestBytes
        return (UnitRecord(manifest: manifest, metrics: metrics, predictions: predictions), files)
    }

    /// A finished run with every unit checked. A verification recorded
    /// before a unit was retrained no longer applies and is left out. The
    /// record keeps the digest of each run file as it was checked, so a copy
    /// takes exactly those bytes.
    public func record(_ id: RunID, requireWeights: Bool = false) throws -> RunRecord {
        let (manifest, manifestBytes) = try runManifestWithBytes(id)
        guard manifest.status == .finished else {
            throw ArchiveError.unfinished("run \(id) is \(manifest.status.rawValue); run `report` with its configuration to finish it")
        }
        var checked = [RunLayout.manifest: Digest.sha256(manifestBytes)]
        let configPath = layout.runFile(id, RunLayout.config)
        let configBytes = try contents(configPath)
        guard try JSON.decode(RunConfig.self, from: configBytes, path: configPath) == manifest.config else {
            throw FileError.unreadable(path: configPath, reason: "differs from the configuration \(layout.runFile(id, RunLayout.manifest)) records, expected the same")
        }
        checked[RunLayout.config] = Digest.sha256(configBytes)
        let units = try manifest.config.units.map { try unit($0.id, requireWeights: requireWeights) }
        let verifyPath = layout.runFile(id, RunLayout.verification)
        let verifyBytes = try PlainFile.read(verifyPath, under: root)
        var verification = try verifyBytes.map { try SealedJSON.decode(Verification.self, from: $0, path: verifyPath) }
        let current = Dictionary(uniqueKeysWithValues: units.map { ($0.manifest.unitId, $0.manifest.filesSha256) })
        if let v = verification, !v.units.allSatisfy({ current[$0.unitId] == $0.unitFilesSha256 }) { verification = nil }
        if verification != nil, let verifyBytes { checked[RunLayout.verification] = Digest.sha256(verifyBytes) }
        let labels = try testLabels(id, manifest.config), images = try testImages(id, manifest.config)
        if let labels { checked[RunLayout.testLabels] = labels.digest }
        if let images { checked[RunLayout.testImages] = images.digest }
        return RunRecord(manifest: manifest, units: units, verification: verification, testLabels: labels?.labels,
                         testImages: images?.images, checkedRunFiles: checked)
    }

    /// The manifests (and verification) of a checked run that carry no seal
    /// because they were written before seals: still read, but their sessions,
    /// machine, origins and times are covered by no digest.
    public func unsealedFiles(_ record: RunRecord) -> [String] {
        var files = record.manifest.fieldsSha256 == nil ? [layout.runFile(record.id, RunLayout.manifest)] : []
        files += record.units.filter { $0.manifest.fieldsSha256 == nil }.map { layout.unitFile($0.manifest.unitId, RunLayout.manifest) }
        if let verification = record.verification, verification.fieldsSha256 == nil { files.append(layout.runFile(record.id, RunLayout.verification)) }
        return files
    }

    /// The run's copy of the test labels, refused unless its SHA-256 is the
    /// dataset's; with the SHA-256 of the file's bytes as read.
    func testLabels(_ id: RunID, _ config: RunConfig) throws -> (labels: [UInt8], digest: String)? {
        let path = layout.runFile(id, RunLayout.testLabels)
        guard let data = try PlainFile.read(path, under: root) else { return nil }
        return (try IDX.labels(try datasetCopy([UInt8](data), DatasetKind.testLabelsName, config, path: path), path: path), Digest.sha256(data))
    }

    /// The run's copy of the test images (gzipped), refused unless their SHA-256
    /// (uncompressed) is the dataset's; with the SHA-256 of the gzip file's bytes as read.
    func testImages(_ id: RunID, _ config: RunConfig) throws -> (images: IDX.Images, digest: String)? {
        let path = layout.runFile(id, RunLayout.testImages)
        guard let data = try PlainFile.read(path, under: root) else { return nil }
        let images = try IDX.images(try datasetCopy(try IDX.gunzip([UInt8](data), path: path), DatasetKind.testImagesName, config, path: path), path: path)
        return (images, Digest.sha256(data))
    }

    /// Keeps the dataset's test labels beside a run (the IDX file itself, whose
    /// digest the configuration records), so its predictions can be judged
    /// without the dataset.
    public func saveTestLabels(_ bytes: [UInt8], run id: RunID) throws {
        let path = layout.runFile(id, RunLayout.testLabels)
        try AtomicFile.write(try datasetCopy(bytes, DatasetKind.testLabelsName, try runManifest(id).config, path: path), to: path)
    }

    /// Keeps the dataset's test images beside a run (gzipped), checked like the labels.
    public func saveTestImages(_ bytes: [UInt8], run id: RunID) throws {
        let path = layout.runFile(id, RunLayout.testImages)
        let checked = try datasetCopy(bytes, DatasetKind.testImagesName, try runManifest(id).config, path: path)
        try AtomicFile.write(try IDX.gzip(checked, path: path), to: path)
    }

    /// `bytes` when their SHA-256 is the one the configuration records for the dataset file `name`.
    private func datasetCopy(_ bytes: [UInt8], _ name: String, _ config: RunConfig, path: String) throws -> [UInt8] {
        let expected = config.settings.dataset.sha256[name] ?? "", found = Digest.sha256(bytes)
        guard found == expected else { throw ArchiveError.mismatch(Mismatch(path: path, kind: .digest(expected: expected, found: found))) }
        return bytes
    }

    public func saveVerification(_ verification: Verification, run id: RunID) throws {
        try SealedJSON.write(verification, to: layout.runFile(id, RunLayout.verification))
    }

    /// The epochs an unfinished unit has safely behind it: those of its newest
    /// checkpoint that is a plain file of the archive, passes its digest and
    /// is this unit's; 0 without one. A manifest may claim more (an older
    /// writer's, or a forged one); progress is counted from here.
    public func checkpointedEpochs(_ id: UnitID) -> Int {
        [RunLayout.checkpoint, RunLayout.previousCheckpoint].compactMap { name -> Int? in
            let path = layout.unitFile(id, name)
            guard let data = try? PlainFile.read(path, under: root), let checkpoint = try? Checkpoint.decode(Array(data), path: path),
                  checkpoint.unit == id else { return nil }
            return checkpoint.epoch
        }.max() ?? 0
    }

    /// A finished, checked unit with this configuration, or nil.
    public func finishedUnit(_ config: UnitConfig) -> UnitRecord? {
        try? unit(config.id, requireWeights: true)
    }
}
