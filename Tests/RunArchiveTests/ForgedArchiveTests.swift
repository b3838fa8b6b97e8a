import Foundation
@testable import RunArchive
@testable import Support
import Testing
import Training

/// Archives changed after they were written, as a careless edit, a flipped
/// bit or a forger would change them: every reader refuses, naming the file,
/// or (where only a signature could tell) reads them as they are.
@Suite("Forged archives: every field covered, nothing outside read")
struct ForgedArchiveTests {
    typealias S = Synthetic

    /// A finished synthetic run, and the paths of its run manifest and first unit's manifest.
    static func archive() throws -> (store: RunStore, record: RunRecord, unitManifest: String) {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        return (store, record, store.layout.unitFile(record.units[0].manifest.unitId, RunLayout.manifest))
    }

    /// Replaces text in a file in place, as an edit that leaves the seal as it was.
    static func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try #require(text.contains(old), "\(path) holds no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test("a changed session field (machine, commit, time) of a unit manifest is refused, naming the manifest")
    func unitSessionFields() throws {
        let (store, record, path) = try Self.archive()
        let session = try #require(record.units[0].manifest.sessions.first)
        for (old, new) in [(session.environment.cpu, "@" + session.environment.cpu.dropFirst()), (session.started, "2020" + session.started.dropFirst(4))] {
            let original = try #require(FileManager.default.contents(atPath: path))
            try Self.edit(path, old, new)
            let message = Self.refusal { _ = try store.record(record.id) }
            #expect(message.contains(path) && message.contains("fields were changed"), "\(message)")
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(throws: Never.self) { try store.record(record.id) }
    }

    @Test("a changed field of the run manifest or of verify.json is refused, naming the file")
    func runAndVerificationFields() throws {
        let (store, record, _) = try Self.archive()
        let check = try Verifier(store: store, record: record, threads: 1, kernel: .portable).verify(epochs: nil, data: S.data)
        try store.saveVerification(check, run: record.id)
        let manifest = store.layout.runFile(record.id, RunLayout.manifest)
        try Self.edit(manifest, "\"trained\"", "\"reused\"")
        var message = Self.refusal { _ = try store.record(record.id) }
        #expect(message.contains(manifest) && message.contains("fields were changed"), "\(message)")
        try Self.edit(manifest, "\"reused\"", "\"trained\"")

        let verification = store.layout.runFile(record.id, RunLayout.verification)
        try Self.edit(verification, "\"identical\" : true", "\"identical\" : false")
        message = Self.refusal { _ = try store.record(record.id) }
        #expect(message.contains(verification) && message.contains("fields were changed"), "\(message)")
    }

    @Test("a second seal, or one that is not 64 hex digits, is refused")
    func malformedSeals() throws {
        let (store, record, path) = try Self.archive()
        let seal = try #require(record.units[0].manifest.fieldsSha256)
        try Self.edit(path, "\"\(SealedJSON.key)\" : \"\(seal)\"", "\"\(SealedJSON.key)\" : \"\(seal.prefix(10))\"")
        #expect(Self.refusal { _ = try store.record(record.id) }.contains("not 64 lower-case hex digits"))
        try Self.edit(path, "\"\(SealedJSON.key)\" : \"\(seal.prefix(10))\"", "\"\(SealedJSON.key)\" : \"\(seal)\", \"\(SealedJSON.key)\" : \"\(seal)\"")
        #expect(Self.refusal { _ = try store.record(record.id) }.contains("expected one"))
    }

    @Test("a manifest without a seal (written before seals) is read and listed as unsealed; resealed, a forgery reads: a seal is no signature")
    func unsealedAndResealed() throws {
        let (store, record, path) = try Self.archive()
        #expect(store.unsealedFiles(record).isEmpty)
        var manifest = try store.unitManifest(record.units[0].manifest.unitId)
        manifest.fieldsSha256 = nil
        manifest.sessions[0].environment.cpu = "a machine it never ran on"
        try AtomicFile.writeJSON(manifest, to: path)
        let unsealed = try store.record(record.id)
        #expect(store.unsealedFiles(unsealed) == [path])
        try SealedJSON.write(manifest, to: path)
        let resealed = try store.record(record.id)
        #expect(store.unsealedFiles(resealed).isEmpty && resealed.units[0].manifest.sessions[0].environment.cpu == "a machine it never ran on")
    }

    @Test("a light copy of a run written before seals carries its manifests sealed, with the same fields")
    func lightCopySealed() throws {
        let (store, record, path) = try Self.archive()
        let check = try Verifier(store: store, record: record, threads: 1, kernel: .portable).verify(epochs: nil, data: S.data)
        try AtomicFile.writeJSON(check, to: store.layout.runFile(record.id, RunLayout.verification))
        for file in [path, store.layout.runFile(record.id, RunLayout.manifest)] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.split(separator: "\n").filter { !$0.contains(SealedJSON.key) }.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        }
        let unsealed = try store.record(record.id)
        #expect(store.unsealedFiles(unsealed).count == 3)
        let light = NSTemporaryDirectory() + "hw2-light-\(UUID().uuidString)"
        try store.exportLight(record.id, to: light)
        let copy = RunStore(root: light)
        let copied = try copy.record(record.id)
        #expect(copy.unsealedFiles(copied).isEmpty)
        func unsealedFields(_ r: RunRecord) -> (RunManifest, [UnitManifest], Verification?) {
            var run = r.manifest, verification = r.verification
            run.fieldsSha256 = nil
            verification?.fieldsSha256 = nil
            return (run, r.units.map { var m = $0.manifest; m.fieldsSha256 = nil; return m }, verification)
        }
        #expect(unsealedFields(copied) == unsealedFields(unsealed))
    }

    @Test("every committed archive still reads (those older than seals as unsealed)")
    func committedArchives() throws {
        let reports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("reports").path
        for name in try FileManager.default.contentsOfDirectory(atPath: reports).sorted() {
            let store = RunStore(root: reports + "/" + name + "/archive")
            let record = try store.record(try store.resolve(nil))
            #expect(!record.units.isEmpty, "\(name)")
        }
    }

    @Test("a run's config.json that differs from its manifest's configuration is refused, naming it")
    func runConfig() throws {
        let (store, record, _) = try Self.archive()
        var config = record.config
        config.settings.epochs = 30
        let path = store.layout.runFile(record.id, RunLayout.config)
        try AtomicFile.writeJSON(config, to: path)
        let message = Self.refusal { _ = try store.record(record.id) }
        #expect(message.contains(path) && message.contains("differs from the configuration"), "\(message)")
        try AtomicFile.write("", to: path)
        #expect(Self.refusal { _ = try store.record(record.id) }.contains(path))
    }

    @Test("a unit's config.json that differs from its manifest's, with the manifest's digest of it recomputed, is refused")
    func unitConfig() throws {
        let (store, record, path) = try Self.archive()
        let uid = record.units[0].manifest.unitId
        var config = record.units[0].config
        config.seed = 99
        let configPath = store.layout.unitFile(uid, RunLayout.config)
        try AtomicFile.writeJSON(config, to: configPath)
        var manifest = try store.unitManifest(uid)
        let index = try #require(manifest.files.firstIndex { $0.path == RunLayout.config })
        manifest.files[index] = FileRecord(path: RunLayout.config, contents: Array(try #require(FileManager.default.contents(atPath: configPath))))
        try SealedJSON.write(manifest, to: path)
        let message = Self.refusal { _ = try store.record(record.id) }
        #expect(message.contains(configPath) && message.contains("differs from the configuration"), "\(message)")
    }

    @Test("a unit file, a unit folder or a manifest planted as a link is refused without reading or describing what it points at",
          arguments: ["file", "folder", "manifest"])
    func plantedLinks(kind: String) throws {
        let (store, record, manifestPath) = try Self.archive()
        let uid = record.units[0].manifest.unitId
        let outside = NSTemporaryDirectory() + "hw2-outside-\(UUID().uuidString)"
        let folder = store.layout.unitFolder(uid)
        try FileManager.default.copyItem(atPath: folder, toPath: outside)
        let metrics = store.layout.unitFile(uid, RunLayout.metrics)
        let outsideDigest = Digest.sha256(try #require(FileManager.default.contents(atPath: outside + "/" + RunLayout.metrics)))
        switch kind {
        case "file":
            try FileManager.default.removeItem(atPath: metrics)
            try FileManager.default.createSymbolicLink(atPath: metrics, withDestinationPath: outside + "/" + RunLayout.metrics)
        case "folder":
            try FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: outside)
        default:
            try FileManager.default.removeItem(atPath: manifestPath)
            try FileManager.default.createSymbolicLink(atPath: manifestPath, withDestinationPath: outside + "/" + RunLayout.manifest)
        }
        let message = Self.refusal { _ = try store.record(record.id) }
        #expect(message != "accepted" && message.contains(kind == "folder" ? folder : kind == "file" ? metrics : manifestPath), "\(message)")
        #expect(!message.contains(outsideDigest) && !message.contains(outside), "\(message)")
    }
}
