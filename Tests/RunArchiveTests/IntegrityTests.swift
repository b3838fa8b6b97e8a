import Dataset
import Engine
import Foundation
@testable import Support
import Testing
import Training
@testable import RunArchive

/// Each trial: break something at a bad moment, then require identical bits
/// or a clear refusal that names the file.
@Suite("Integrity: every file checked, every write survivable")
struct IntegrityTests {
    typealias S = Synthetic

    @Test("a JSON file that does not decode is named with the place, spelt as in the file, and what was wrong there")
    func jsonErrors() throws {
        struct Sample: Decodable {
            struct Item: Decodable { let sizeBytes: Int }
            let unitId: String
            let items: [Item]
        }
        func message(_ json: String) -> String {
            let result = Result { try JSON.decode(Sample.self, from: Data(json.utf8), path: "runs/x/manifest.json") }
            if case let .failure(error) = result { return "\(error)" }
            return "decoded"
        }
        #expect(message(#"{"items": []}"#) == #"runs/x/manifest.json: expected Sample as JSON: at the top level: no "unit_id""#)
        #expect(message(#"{"unit_id": "a", "items": [{"size_bytes": "12"}]}"#)
            .hasPrefix("runs/x/manifest.json: expected Sample as JSON: at items[0].size_bytes: "))
        #expect(message(#"{"unit_id": "a", "items": {}}"#) == "runs/x/manifest.json: expected Sample as JSON: at items: Expected to decode a list but found an object instead.")
        #expect(message(#"{"unit_id": "a", "items": [}"#) == "runs/x/manifest.json: expected Sample as JSON: not valid JSON around line 1, column 28")
        #expect(message("{\n  \"unit_id\": \"a\",\n  \"items\": x\n}\n").hasSuffix("not valid JSON around line 3, column 12"))
        #expect(JSON.snakeCase("filesSha256") == "files_sha256" && JSON.snakeCase("kernelSHA") == "kernel_sha" && JSON.snakeCase("URLPath") == "url_path")
    }

    @Test("a manifest's file paths are plain names inside the unit's folder: a forged ../ or absolute path is refused, naming it",
          arguments: ["../../victim.txt", "/etc/passwd", "..", "a/b", ""])
    func manifestPaths(path: String) throws {
        let json = #"{"path": "\#(path)", "bytes": 1, "sha256": "00"}"#
        let result = Result { try JSON.decode(FileRecord.self, from: Data(json.utf8), path: "runs/x/manifest.json") }
        guard case let .failure(error) = result else {
            Issue.record("\(path.debugDescription) was accepted as a manifest path")
            return
        }
        #expect("\(error)".contains("runs/x/manifest.json") && "\(error)".contains("expected a plain file name"), "\(error)")
        #expect((try? JSON.decode(FileRecord.self, from: Data(#"{"path": "weights.safetensors", "bytes": 1, "sha256": "00"}"#.utf8), path: "m")) != nil)
    }

    @Test("a failure at any write, then a rerun: the same bits as an undisturbed run, no temporary file left")
    func failureAtEveryWrite() throws {
        let config = S.config(epochs: 2)
        let clean = try #require(S.finished(try S.execute(S.temporaryStore(), config)))
        var write = 1
        while true {
            let store = S.temporaryStore()
            FaultInjection.failWrite(number: write, under: store.root)
            let failed: Bool
            do {
                _ = try S.execute(store, config)
                failed = false
            } catch {
                failed = true
            }
            FaultInjection.clear(under: store.root)
            let again = try #require(S.finished(try S.execute(store, config)))
            #expect(again.units[0].metrics.map(\.weightsSha256) == clean.units[0].metrics.map(\.weightsSha256), "failure at write \(write)")
            #expect(again.units[0].predictions == clean.units[0].predictions)
            let leftovers = (FileManager.default.enumerator(atPath: store.root)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "failure at write \(write) left \(leftovers)")
            if !failed { break }  // every write of the run has had its failure
            write += 1
        }
        #expect(write > 10, "the run makes \(write - 1) writes")
    }

    @Test("a checkpoint write that fails (a full disk) is not claimed: the manifest and the count of `report runs` keep the epochs on disk")
    func failedCheckpoint() throws {
        let store = S.temporaryStore()
        let config = S.config(epochs: 3)
        let uid = config.units[0].id
        FaultInjection.failWrite(number: 2, under: store.root, named: RunLayout.checkpoint)
        #expect(throws: FileError.self) { try S.execute(store, config) }
        FaultInjection.clear(under: store.root)
        let manifest = try store.unitManifest(uid)
        #expect(manifest.status == .failed)
        #expect(manifest.sessions.last?.lastEpoch == 1, "epoch 2's checkpoint was never written")
        #expect(store.checkpointedEpochs(uid) == 1)
        let checkpoint = store.layout.unitFile(uid, RunLayout.previousCheckpoint)
        var bytes = try #require(FileManager.default.contents(atPath: checkpoint))
        bytes[100] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: checkpoint))
        #expect(store.checkpointedEpochs(uid) == 0, "a checkpoint that fails its digest counts nothing")
        let again = try #require(S.finished(try S.execute(store, config)))
        let clean = try #require(S.finished(try S.execute(S.temporaryStore(), config)))
        #expect(again.units[0].metrics.map(\.weightsSha256) == clean.units[0].metrics.map(\.weightsSha256))
    }

    @Test("an unreadable unit manifest is not rebuilt over its files: the unit is made again from its checkpoint")
    func unreadableManifest() throws {
        let store = S.temporaryStore()
        let original = try #require(S.finished(try S.execute(store, S.config())))
        let uid = original.units[0].manifest.unitId
        try "{ not json".write(toFile: store.layout.unitFile(uid, RunLayout.manifest), atomically: true, encoding: .utf8)
        var metrics = try JSON.decode([EpochMetrics].self, from: store.layout.unitFile(uid, RunLayout.metrics))
        metrics[0].testAccuracy = 1
        try AtomicFile.writeJSON(metrics, to: store.layout.unitFile(uid, RunLayout.metrics))
        #expect(throws: FileError.self) { try store.record(original.id) }
        let log = LogLines()
        let again = try #require(S.finished(try S.execute(store, S.config(), log: log.add)))
        #expect(log.all.contains { $0.contains("cannot be vouched for") })
        #expect(again.units[0].metrics.map(\.testAccuracy) == original.units[0].metrics.map(\.testAccuracy))
    }

    @Test("asking for the toolchain's version leaves nothing in the temporary folder (swift --version leaves an empty TemporaryDirectory.* there)")
    func swiftVersionScratch() throws {
        let parent = NSTemporaryDirectory() + "hw2-tmp-\(UUID().uuidString)"
        try AtomicFile.createFolder(parent)
        #expect(RunEnvironment.swiftVersion(scratchIn: parent)?.contains("Swift") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    @Test("stale temporary files of a killed writer are removed at the next start")
    func staleTemporaries() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config())))
        let stale = store.layout.unitFile(record.units[0].manifest.unitId, RunLayout.metrics) + ".tmp-999999999"
        try "half".write(toFile: stale, atomically: false, encoding: .utf8)
        _ = try S.execute(store, S.config())
        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    @Test("a corrupt checkpoint is named and the previous one is used")
    func corruptCheckpoint() throws {
        let store = S.temporaryStore()
        let config = S.config(epochs: 3)
        let checkpoint = store.layout.unitFile(config.units[0].id, RunLayout.checkpoint)
        // Stop once epoch 2's checkpoint is written (epoch 1's is then checkpoint.prev.bin).
        let outcome = try S.execute(store, config, shouldStop: {
            (try? Checkpoint.decode(Array(FileManager.default.contents(atPath: checkpoint) ?? Data()), path: checkpoint))?.epoch == 2
        })
        guard case .interrupted = outcome else { Issue.record("expected an interruption"); return }
        var bytes = try #require(FileManager.default.contents(atPath: checkpoint))
        bytes[100] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: checkpoint))
        let log = LogLines()
        let resumed = try #require(S.finished(try S.execute(store, config, log: log.add)))
        #expect(log.all.contains { $0.contains("\(checkpoint): digest mismatch") })
        #expect(resumed.units[0].manifest.resumedAfter == [1])
        let clean = try #require(S.finished(try S.execute(S.temporaryStore(), config)))
        #expect(resumed.units[0].metrics.map(\.weightsSha256) == clean.units[0].metrics.map(\.weightsSha256))
    }

    @Test("a run's name comes from a whitelist, whatever its config says")
    func names() {
        var config = S.config()
        config.settings.dataset.name = "x/../../../../ESCAPED"
        #expect(!config.reportName.contains("/") && !config.reportName.contains(".."))
        #expect(config.reportName.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
    }

    @Test("test labels are kept only when they are the dataset's own")
    func testLabels() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config())))
        #expect(throws: ArchiveError.self) { try store.saveTestLabels([0, 0, 8, 1, 0, 0, 0, 1, 7], run: record.id) }
        #expect(try store.record(record.id).testLabels == nil)
    }
}
