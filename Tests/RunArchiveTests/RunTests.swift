import Dataset
import Engine
import Foundation
import Support
import Testing
import Training
@testable import RunArchive

/// Collects log lines from the executor's jobs.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("Run archive: units, ids, cache, resume")
struct RunTests {
    typealias S = Synthetic

    @Test("a study's units equal single-seed runs bit for bit, whatever --jobs and --threads")
    func jobsNeverChangeBits() throws {
        let study = try #require(S.finished(try S.execute(S.temporaryStore(), S.config(seeds: [0, 1], models: [S.model, S.second]), jobs: 2, threads: 1)))
        let single = try #require(S.finished(try S.execute(S.temporaryStore(), S.config(seeds: [1], models: [S.second]), jobs: 1, threads: 2)))
        #expect(study.units.map(\.seed) == [0, 0, 1, 1])
        let unit = try #require(study.units.first { $0.seed == 1 && $0.spec == S.second })
        #expect(unit.manifest.unitId == single.units[0].manifest.unitId)
        #expect(unit.metrics.map(\.weightsSha256) == single.units[0].metrics.map(\.weightsSha256))
        #expect(unit.predictions == single.units[0].predictions)
        #expect(study.units[0].weightsSha256 != study.units[2].weightsSha256, "another seed, other weights")
        #expect(unit.metrics.last.map { $0.testAccuracy > 0.9 } == true, "the synthetic task is learnable in 2 epochs")
    }

    @Test("the predictions are one byte per test image per epoch and agree with the accuracy")
    func predictions() throws {
        let record = try #require(S.finished(try S.execute(S.temporaryStore(), S.config())))
        let unit = record.units[0]
        #expect(unit.predictions.count == 2 && unit.predictions.allSatisfy { $0.count == S.data.test.count })
        for (epoch, predicted) in unit.predictions.enumerated() {
            let correct = zip(predicted, S.data.test.labels).filter { $0 == $1 }.count
            #expect(Double(correct) / Double(S.data.test.count) == unit.metrics[epoch].testAccuracy)
        }
    }

    @Test("a unit's id follows from its configuration: every constant that decides a result changes it")
    func unitIDs() {
        let base = S.config().units[0]
        var changed: [UnitConfig] = []
        var c = base; c.seed = 1; changed.append(c)
        c = base; c.settings.dataset.mean = 0.2; changed.append(c)
        c = base; c.settings.dataset.sha256["t10k-labels-idx1-ubyte"] = "0"; changed.append(c)
        c = base; c.settings.evalBatchSize = 100; changed.append(c)
        c = base; c.settings.reduction.shards = 2; changed.append(c)
        c = base; c.settings.reduction.kernelContract += 1; changed.append(c)
        c = base; c.model = S.second; changed.append(c)
        #expect(Set(changed.map(\.id) + [base.id]).count == changed.count + 1)
        #expect(S.config().units[0].id == base.id)
        #expect(base.bitsPromisedEverywhere && !changed[5].bitsPromisedEverywhere)
    }

    @Test("the default split: one job per core while units last, threads for the rest, never more jobs than half the memory holds")
    func split() {
        #expect(LocalExecutor.split(cores: 2, pending: 15, memory: 24 << 30) == (2, 1))
        #expect(LocalExecutor.split(cores: 8, pending: 1, memory: 24 << 30) == (1, 8))
        #expect(LocalExecutor.split(cores: 64, pending: 15, memory: 4 << 30) == (4, 16))
        #expect(LocalExecutor.split(cores: 1, pending: 0, memory: 1 << 20) == (1, 1))
    }

    @Test("the homework's unit ids are pinned: a change of what decides a result, or of how it is encoded, must be deliberate")
    func homeworkIDs() {
        let homework = RunConfig()
        #expect(homework.units.map(\.id.rawValue) == ["6429d93d5a063647", "190eb69843ec232e", "ee237e15e9243b87"])
        #expect(homework.id.rawValue == "5f671e9d23643ce5")
        #expect(homework.isHomework && homework.reportName == "hw2")
    }

    @Test("a unit's id is the SHA-256 of the canonical encoding written out here, which holds no display text")
    func canonicalEncoding() throws {
        let expected = """
            hw2-unit 1
            model 6:model3
            input 1 28 28
            layer 1 conv 5:conv1 1 32 3 1 1
            layer 2 relu
            layer 3 max_pool 2
            layer 4 residual 4:res1 32
            layer 5 residual 4:res2 32
            layer 6 flatten
            layer 7 linear 3:fc1 6272 64
            layer 8 relu
            layer 9 linear 3:fc2 64 10
            seed 0
            epochs 30
            batch_size 100
            eval_batch_size 200
            limit_train all
            adam.learning_rate f64:3f50624dd2f1a9fc
            adam.beta1 f64:3feccccccccccccd
            adam.beta2 f64:3feff7ced916872b
            adam.epsilon f64:3e45798ee2308c3a
            dataset.mean f32:3e05d639
            dataset.std f32:3e9dbf48
            dataset.sha256 22:t10k-images-idx3-ubyte 64:0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
            dataset.sha256 22:t10k-labels-idx1-ubyte 64:ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
            dataset.sha256 23:train-images-idx3-ubyte 64:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
            dataset.sha256 23:train-labels-idx1-ubyte 64:65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
            reduction.shards 4
            reduction.kernel_contract 2

            """
        let unit = UnitConfig(model: .model3, seed: 0)
        #expect(unit.canonicalEncoding == expected)
        #expect(unit.id.rawValue == "ee237e15e9243b87")
        // A unit archived under kernel contract 1 recorded its chunk sizes, and its id still checks.
        var older = unit
        older.settings.reduction.convChunkBytes = 524_288
        older.settings.reduction.winogradChunkBytes = 1_048_576
        older.settings.reduction.kernelContract = 1
        #expect(older.canonicalEncoding.contains("reduction.shards 4\nreduction.conv_chunk_bytes 524288\nreduction.winograd_chunk_bytes 1048576\nreduction.kernel_contract 1\n"))
        #expect(older.id.rawValue == "53fb80343ead1f99")
        // The title is display text: renaming a model keeps its units.
        let renamed = UnitConfig(model: ModelSpec(id: "model3", title: "Residual net", layers: ModelSpec.model3.layers), seed: 0)
        #expect(renamed.id == unit.id)
        let json = String(decoding: try JSON.encode(unit), as: UTF8.self)
        #expect(!json.contains("Model 3") && !json.contains("title") && !json.contains("summary"))
        let decoded = try JSON.decode(UnitConfig.self, from: Data(json.utf8), path: "config.json")
        #expect(decoded == unit && decoded.model.title == "Model 3", "the title comes back from the declaration")
        // Every field that decides the bits moves the id.
        var other = unit
        other.settings.adam.learningRate = 1e-3.nextUp
        #expect(other.id != unit.id)
        other = unit
        other.settings.dataset.mean = Float(0.1307).nextUp
        #expect(other.id != unit.id)
        other = unit
        other.settings.reduction.kernelContract += 1
        #expect(other.id != unit.id)
    }

    @Test("a Slurm submission is read back from its JSON record; a forged one (another run, a job id that is not digits, not JSON) is skipped")
    func submissionRecords() throws {
        let store = S.temporaryStore()
        let run = S.config().id, folder = store.layout.slurmFolder(run) as NSString
        try AtomicFile.createFolder(folder as String)
        let good = SlurmExecutor.Submission(run: run, jobID: "42", script: RunLayout.submissionScript(1), units: S.config().units.map(\.id))
        let forged = [good, SlurmExecutor.Submission(run: RunID(rawValue: "0123456789abcdef"), jobID: "43", script: "x", units: []),
                      SlurmExecutor.Submission(run: run, jobID: "-h --all", script: "x", units: [])]
        for (index, submission) in forged.enumerated() {
            try AtomicFile.write("#!/bin/sh\n", to: folder.appendingPathComponent(RunLayout.submissionScript(index + 1)))
            try AtomicFile.writeJSON(submission, to: folder.appendingPathComponent(RunLayout.submissionRecord(index + 1)))
        }
        try AtomicFile.write("#!/bin/sh\n", to: folder.appendingPathComponent(RunLayout.submissionScript(4)))
        try AtomicFile.write("{\"run\": ", to: folder.appendingPathComponent(RunLayout.submissionRecord(4)))
        #expect(SlurmExecutor.recorded(of: run, in: store.layout) == [good])
        #expect(SlurmExecutor.scripts(in: folder as String) == 4, "the next submission takes number 5, whatever the records hold")
    }

    @Test("a forged model id (a path, markup, a newline) is refused when an archive is read: ids name files")
    func forgedModelID() throws {
        let json = String(decoding: try JSON.encode(UnitConfig(model: .model2, seed: 0)), as: UTF8.self)
        for forged in ["../../victim", "<b>m</b>", "model\\n2", "Model 2", ""] {
            let data = Data(json.replacingOccurrences(of: "\"id\" : \"model2\"", with: "\"id\" : \"\(forged)\"").utf8)
            #expect(throws: FileError.self, "\(forged)") { try JSON.decode(UnitConfig.self, from: data, path: "config.json") }
        }
        #expect(try JSON.decode(UnitConfig.self, from: Data(json.utf8), path: "config.json") == UnitConfig(model: .model2, seed: 0))
    }

    @Test("a study reuses a single-seed run; one more seed trains only that seed")
    func studyReuse() throws {
        let store = S.temporaryStore()
        _ = try S.execute(store, S.config(seeds: [0]))
        let log = LogLines()
        let study = try #require(S.finished(try S.execute(store, S.config(seeds: [0, 1]), log: log.add)))
        #expect(try store.runManifest(study.id).units.map(\.origin) == [.reused, .trained])
        let more = try #require(S.finished(try S.execute(store, S.config(seeds: [0, 1, 2]))))
        #expect(try store.runManifest(more.id).units.map(\.origin) == [.reused, .reused, .trained])
        #expect(RunExecutor(store: store, config: S.config(seeds: [0, 1, 2])).cached() != nil)
    }

    @Test("a study takes finished units from a light copy without training them, only when asked; a changed copy is not taken")
    func adoptLight() throws {
        let first = S.temporaryStore()
        let seed0 = try #require(S.finished(try S.execute(first, S.config(seeds: [0]))))
        let light = NSTemporaryDirectory() + "hw2-light-\(UUID().uuidString)"
        try first.exportLight(seed0.id, to: light)

        let store = S.temporaryStore(), config = S.config(seeds: [0, 1])
        let taken = try store.adoptLight(config.units, from: RunStore(root: light))
        #expect(taken == [seed0.units[0].manifest.unitId])
        #expect(RunExecutor(store: store, config: config).pendingUnits(light: taken).map(\.seed) == [1])
        #expect(RunExecutor(store: store, config: config).pendingUnits().map(\.seed) == [0, 1], "without --reuse a unit without weights is trained again")
        let study = try #require(S.finished(try S.execute(store, config, light: taken)))
        #expect(try store.runManifest(study.id).units.map(\.origin) == [.reused, .trained])
        #expect(!FileManager.default.fileExists(atPath: store.layout.unitFile(seed0.units[0].manifest.unitId, RunLayout.weights)))
        let full = try #require(S.finished(try S.execute(S.temporaryStore(), config)))
        #expect(study.units.map(\.weightsSha256) == full.units.map(\.weightsSha256) && study.units.map(\.predictions) == full.units.map(\.predictions))
        #expect(try store.adoptLight(config.units, from: RunStore(root: light)) == taken, "taken earlier, still light")
        #expect(throws: FileError.self, "the runs folder itself would make a unit that lost its weights light") {
            try store.adoptLight(config.units, from: RunStore(root: store.root + "/"))
        }

        let metrics = RunLayout(root: light).unitFile(seed0.units[0].manifest.unitId, RunLayout.metrics)
        try Data("[]".utf8).write(to: URL(fileURLWithPath: metrics))
        #expect(try S.temporaryStore().adoptLight(config.units, from: RunStore(root: light)).isEmpty)
    }

    @Test("a run stopped after epoch 1 and resumed equals an uninterrupted run, bit for bit")
    func resume() throws {
        let uninterrupted = try #require(S.finished(try S.execute(S.temporaryStore(), S.config(epochs: 3))))
        let store = S.temporaryStore()
        // Stop as soon as epoch 1's checkpoint is on disk.
        let checkpoint = store.layout.unitFile(S.config(epochs: 3).units[0].id, RunLayout.checkpoint)
        let outcome = try S.execute(store, S.config(epochs: 3), shouldStop: { FileManager.default.fileExists(atPath: checkpoint) })
        guard case .interrupted = outcome else {
            Issue.record("expected an interrupted run")
            return
        }
        #expect(try store.runManifest(S.config(epochs: 3).id).status == .interrupted)
        let resumed = try #require(S.finished(try S.execute(store, S.config(epochs: 3))))
        #expect(try store.runManifest(resumed.id).units[0].origin == .resumed)
        #expect(resumed.units[0].manifest.resumedAfter == [1])
        #expect(resumed.units[0].metrics.map(\.weightsSha256) == uninterrupted.units[0].metrics.map(\.weightsSha256))
        #expect(resumed.units[0].predictions == uninterrupted.units[0].predictions)
        let log = try String(contentsOfFile: store.layout.unitFile(resumed.units[0].manifest.unitId, RunLayout.log), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3, "every finished epoch keeps its line")
    }

    @Test("a changed file is refused when read, and the pipeline makes it again with the same bits")
    func tamperedFiles() throws {
        let store = S.temporaryStore()
        let original = try #require(S.finished(try S.execute(store, S.config())))
        let uid = original.units[0].manifest.unitId
        let path = store.layout.unitFile(uid, RunLayout.metrics)
        var metrics = try JSON.decode([EpochMetrics].self, from: path)
        metrics[1].testAccuracy = 0.9906
        try AtomicFile.writeJSON(metrics, to: path)
        do {
            _ = try store.record(original.id)
            Issue.record("read a changed metrics file")
        } catch ArchiveError.mismatch(let mismatch) {
            #expect(mismatch.path == path && mismatch.kind != .missing)
        }
        #expect(RunExecutor(store: store, config: S.config()).cached() == nil)
        let again = try #require(S.finished(try S.execute(store, S.config())))
        #expect(again.units[0].metrics.map(\.deterministicFields.description) == original.units[0].metrics.map(\.deterministicFields.description))

        let weights = store.layout.unitFile(uid, RunLayout.weights)
        var bytes = try #require(FileManager.default.contents(atPath: weights))
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: URL(fileURLWithPath: weights))
        #expect(throws: ArchiveError.self) { try store.record(original.id, requireWeights: true) }
        #expect(throws: ArchiveError.self) { try store.zip(original.id, report: nil, to: NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip") }
    }

    @Test("a run left 'running' by a killed process is listed as interrupted")
    func killedRun() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config())))
        var manifest = try store.runManifest(record.id)
        manifest.status = .running
        try SealedJSON.write(manifest, to: store.layout.runFile(record.id, RunLayout.manifest))
        let lockPath = store.layout.runFile(record.id, RunLayout.lock)
        try "999999999\n".write(toFile: lockPath, atomically: true, encoding: .utf8)
        #expect(try store.status(record.id) == .interrupted)
        let live = try RunLock(acquire: lockPath)
        #expect(try store.status(record.id) == .running)
        live.release()
    }

    @Test("the lock refuses a second writer and names the holder; a dead writer's lock is free")
    func lock() throws {
        let folder = NSTemporaryDirectory() + "hw2-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let first = try RunLock(acquire: folder + "/lock")
        #expect(RunLock.isHeld(folder + "/lock"))
        let holder = "process \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName)"
        #expect(throws: ArchiveError.locked(path: folder, holder: holder + " (lock file \(folder)/lock)")) {
            _ = try RunLock(acquire: folder + "/lock")
        }
        first.release()
        #expect(!RunLock.isHeld(folder + "/lock"))
        // What a killed writer leaves: the file, with its pid, but no lock.
        try "process 999999999 on elsewhere\n".write(toFile: folder + "/lock", atomically: true, encoding: .utf8)
        try RunLock(acquire: folder + "/lock").release()
    }

    @Test("runs resolve by id, unique prefix or newest, with clear errors")
    func resolve() throws {
        let store = S.temporaryStore()
        #expect(throws: ArchiveError.self) { try store.resolve(nil) }
        let a = try #require(S.finished(try S.execute(store, S.config(seeds: [0]))))
        let b = try #require(S.finished(try S.execute(store, S.config(seeds: [1]))))
        #expect(try store.resolve(nil) == b.id)
        #expect(try store.resolve(String(a.id.rawValue.prefix(6))) == a.id)
        #expect(throws: ArchiveError.notFound("\(store.root): no run matches 'zz' (see `report runs --runs-dir \(store.root)`)")) { try store.resolve("zz") }
        #expect(throws: ArchiveError.notFound("\(store.root): '' matches 2 runs; give more of the id")) { try store.resolve("") }
        let file = NSTemporaryDirectory() + "hw2-file-\(UUID().uuidString)"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: FileError.io(path: file, reason: "is a file, expected the runs folder")) { try RunStore(root: file).runIDs() }
    }

    @Test("a light export is an archive of its own; the zip's SHA256SUMS match its entries")
    func export() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config())))
        let light = NSTemporaryDirectory() + "hw2-light-\(UUID().uuidString)"
        try store.exportLight(record.id, to: light)
        let copy = RunStore(root: light)
        #expect(try copy.resolve(nil) == record.id)
        let reread = try copy.record(record.id)
        #expect(reread.units.map(\.metrics) == record.units.map(\.metrics) && reread.units.map(\.predictions) == record.units.map(\.predictions))
        #expect(!FileManager.default.fileExists(atPath: copy.layout.unitFile(record.units[0].manifest.unitId, RunLayout.weights)))
        #expect(throws: ArchiveError.self) { try copy.record(record.id, requireWeights: true) }

        let zip = NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip"
        let count = try store.zip(record.id, report: nil, to: zip)
        let unpacked = NSTemporaryDirectory() + "hw2-unzip-\(UUID().uuidString)"
        let unzip = try ProcessRunner.run(["python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, unpacked])
        #expect(unzip.status == 0, "\(unzip.errors)")
        let check = try ProcessRunner.run(["sha256sum", "-c", "SHA256SUMS"], in: unpacked)
        #expect(check.status == 0 && check.output.components(separatedBy: ": OK").count - 1 == count, "\(check.output)")
        #expect(check.output.contains("weights.safetensors: OK"))
    }

    @Test("a verification applies only to the units it checked; a retrained unit makes it stale")
    func verify() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config())))
        let check = try Verifier(store: store, record: record, threads: 1, kernel: .portable).verify(epochs: nil, data: S.data)
        #expect(check.identical && check.units[0].epochsCompared == 2 && check.bitsPromised)
        try store.saveVerification(check, run: record.id)
        var saved = try store.record(record.id).verification
        #expect(saved?.fieldsSha256 != nil, "sealed as written")
        saved?.fieldsSha256 = nil
        #expect(saved == check)

        var manifest = try store.unitManifest(record.units[0].manifest.unitId)
        manifest.files[0].sha256 = String(repeating: "0", count: 64)
        let changed = Verification(date: check.date, epochs: 1, threads: 1, bitsPromised: true, environment: check.environment,
                                   units: check.units.map { var u = $0; u.unitFilesSha256 = manifest.filesSha256; return u })
        try store.saveVerification(changed, run: record.id)
        #expect(try store.record(record.id).verification == nil, "checked against other files: stale")

        // A narrower check laid over an earlier one keeps the earlier results of the units it did not retrain.
        let a = check.units[0]
        var b = a
        b.unitId = UnitID(rawValue: "00000000000000bb")
        var earlier = check, narrow = check
        earlier.units = [a, b]
        b.epochsCompared = 1
        b.identical = false
        narrow.units = [b]
        narrow.epochs = 1
        let merged = narrow.merged(over: earlier, order: [a.unitId, b.unitId])
        #expect(merged.units == [a, b] && merged.epochs == 2, "the earlier result of a, the new one of b, in the run's order")
        #expect(narrow.merged(over: nil, order: [a.unitId, b.unitId]) == narrow)
    }

    @Test("the results of Slurm verification tasks are collected in order; every failed task or missing result is named")
    func collectSlurmResults() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let check = try Verifier(store: store, record: record, threads: 1, kernel: .portable).verify(epochs: 1, data: S.data)
        let a = check.units[0], b = UnitID(rawValue: "00000000000000bb"), c = UnitID(rawValue: "00000000000000cc")
        let output = NSTemporaryDirectory() + "hw2-collect-\(UUID().uuidString)/verify-%u.json"
        func path(_ id: UnitID) -> String { output.replacingOccurrences(of: "%u", with: id.rawValue) }
        let written = UnitVerification(result: a, environment: check.environment, threads: 1)
        try AtomicFile.writeJSON(written, to: path(a.unitId))
        try AtomicFile.writeJSON(written, to: path(b))
        #expect(try Verifier.collect([a.unitId], results: [.finished], output: output) == [written])
        #expect(throws: SlurmExecutor.SlurmError.noResult(unit: b, path: path(b), reason: "it records unit \(a.unitId)")) {
            try Verifier.collect([b], results: [.finished], output: output)
        }
        do {
            _ = try Verifier.collect([a.unitId, c], results: [.failed(unit: a.unitId, log: "task-7_0.log", status: "exit status 1"), .finished], output: output)
            Issue.record("a failed task and a missing result must be an error")
        } catch let SlurmExecutor.SlurmError.several(errors) {
            #expect(errors.count == 2 && "\(errors[0])".contains("task-7_0.log") && "\(errors[1])".contains(path(c)), "\(errors)")
        }
    }

    @Test("the commit is the working folder's checkout (unknown outside one), and swift --version leaves no folder behind")
    func codeAndToolchain() throws {
        let outside = NSTemporaryDirectory() + "hw2-nogit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        #expect(CodeVersion.current(in: outside) == CodeVersion(gitCommit: "unknown", gitDirty: false))
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let commit = CodeVersion.current(in: package).gitCommit
        #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "\(commit)")
        let version = try #require(RunEnvironment.swiftVersion(scratchIn: outside))
        #expect(version.contains("Swift version"), "\(version)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        // From an archive, only a commit id or "unknown": a forged one would land in reports and terminals.
        for forged in ["`](javascript:x)", "abc", String(repeating: "g", count: 40), String(repeating: "\u{FF41}", count: 40)] {
            #expect(throws: FileError.self) { try JSON.decode(CodeVersion.self, from: Data(#"{"git_commit": "\#(forged)", "git_dirty": false}"#.utf8), path: "m") }
        }
        #expect(try JSON.decode(CodeVersion.self, from: Data(#"{"git_commit": "\#(commit)", "git_dirty": true}"#.utf8), path: "m").gitCommit == commit)
    }

    /// An x86-64 kernel's /proc/cpuinfo names the CPU; an AArch64 kernel's
    /// gives only numbers, and lscpu names the core from them.
    @Test("the CPU's name from /proc/cpuinfo (x86-64) or lscpu (AArch64), whatever this machine is")
    func cpuName() {
        let x86 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7R32\nflags\t\t: fpu avx2\n"
        let arm = "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n"
        let lscpu = "Architecture:            aarch64\n  CPU op-mode(s):        32-bit, 64-bit\nVendor ID:               ARM\n  Model name:            Neoverse-N1\n    Model:               1\n"
        #expect(RunEnvironment.field("model name", in: x86) == "AMD EPYC 7R32")
        #expect(RunEnvironment.field("model name", in: arm) == nil)
        #expect(RunEnvironment.field("Model name", in: lscpu) == "Neoverse-N1")
        #expect(RunEnvironment.field("Model name", in: "Model name:   \n") == nil)
        let here = RunEnvironment.cpuModel()
        #expect(!here.hasPrefix("unknown") && !here.hasPrefix(" ") && here.hasSuffix(" cores)"), "\(here)")
    }
}

@Suite("Seed lists")
struct SeedListTests {
    @Test("ranges and lists parse; names say what they hold")
    func parse() throws {
        #expect(try SeedList(parsing: "0-4").seeds == [0, 1, 2, 3, 4])
        #expect(try SeedList(parsing: "0,3,7").seeds == [0, 3, 7])
        #expect(try SeedList(parsing: "2").name == "seed2")
        #expect(try SeedList(parsing: "0-4").name == "seeds0-4")
        #expect(try SeedList(parsing: "0,3,7").name == "seeds0_3_7")
        #expect(try SeedList(parsing: "5,3").name == "seeds5_3")
        #expect(try SeedList(parsing: "18446744073709551615").seeds == [UInt64.max])
    }

    @Test("bad seed lists are refused with the reason", arguments: [
        ("5-3", "the range 5-3 runs backwards"), ("a", "'a' is not a whole number"), ("", "an empty entry"),
        ("1,1", "seed 1 appears twice"), ("0-2,2", "seed 2 appears twice"), ("18446744073709551616", "is not a whole number"),
        ("-1", "a seed is not negative"),
        ("3,-1", "a seed is not negative"), ("3,", "an empty entry"),
    ])
    func bad(text: String, reason: String) {
        do {
            _ = try SeedList(parsing: text)
            Issue.record("accepted '\(text)'")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }
}

@Suite("Checkpoints and safetensors")
struct FileFormatTests {
    func checkpoint() throws -> Checkpoint {
        let trainer = try Trainer(unit: Synthetic.config().units[0], threads: 1)
        _ = trainer.trainEpoch(on: Synthetic.data)
        return trainer.checkpoint
    }

    @Test("a checkpoint round-trips with its predictions, and one flipped byte or a truncation is caught")
    func checkpointIntegrity() throws {
        let original = try checkpoint()
        #expect(original.predictions.count == 1 && original.predictions[0].count == Synthetic.data.test.count)
        let bytes = try original.encoded()
        #expect(try Checkpoint.decode(bytes, path: "c") == original)
        for index in [3, 20, bytes.count / 2, bytes.count - 40, bytes.count - 1] {
            var flipped = bytes
            flipped[index] ^= 0x10
            #expect(throws: TrainingError.self) { try Checkpoint.decode(flipped, path: "c") }
        }
        #expect(throws: TrainingError.self) { try Checkpoint.decode(Array(bytes.prefix(bytes.count - 100)), path: "c") }
    }

    @Test("a checkpoint of another unit is named and the previous one is used")
    func wrongCheckpoint() throws {
        let store = Synthetic.temporaryStore()
        let config = Synthetic.config(epochs: 2)
        let unit = config.units[0]
        let good = try checkpoint()
        let other = try Trainer(unit: Synthetic.config(models: [Synthetic.second]).units[0], threads: 1)
        try AtomicFile.write(try other.checkpoint.encoded(), to: store.layout.unitFile(unit.id, RunLayout.checkpoint))
        try AtomicFile.write(try good.encoded(), to: store.layout.unitFile(unit.id, RunLayout.previousCheckpoint))
        let log = LogLines()
        let record = try #require(Synthetic.finished(try Synthetic.execute(store, config, log: log.add)))
        #expect(log.all.contains { $0.contains("checkpoint.bin: is a checkpoint of unit \(other.unit.id), expected \(unit.id)") })
        #expect(log.all.contains { $0.contains("continuing after epoch 1") })
        let fresh = try #require(Synthetic.finished(try Synthetic.execute(Synthetic.temporaryStore(), config)))
        #expect(record.units[0].metrics.map(\.weightsSha256) == fresh.units[0].metrics.map(\.weightsSha256))
    }

    @Test("safetensors: written, read back identical, and within the format's rules")
    func safetensors() throws {
        let summary = try ModelPlan(Synthetic.model)
        let parameters = try checkpoint().parameters
        let tensors = SafeTensors.tensors(of: summary, parameters: parameters)
        #expect(tensors.map(\.name) == ["conv1.weight", "conv1.bias", "res1.conv1.weight", "res1.conv1.bias",
                                        "res1.conv2.weight", "res1.conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(tensors[0].shape == [4, 1, 3, 3] && tensors[6].shape == [16, 196])
        let metadata = ["unit_id": "abc", "model": "tiny", "note": "quote \" and backslash \\"]
        let bytes = SafeTensors.encode(tensors, metadata: metadata)
        let headerLength = Int(LittleEndian.uint64(bytes[0..<8]))
        #expect((8 + headerLength) % 8 == 0, "data starts 8-byte aligned")
        #expect(bytes.count == 8 + headerLength + 4 * parameters.count, "no trailing bytes")
        let decoded = try SafeTensors.decode(bytes, path: "w")
        #expect(decoded.tensors == tensors)
        #expect(decoded.metadata == metadata)
        #expect(throws: FileError.self) { try SafeTensors.decode(bytes + [0], path: "w") }
        #expect(throws: FileError.self) { try SafeTensors.decode(Array(bytes.prefix(12)), path: "w") }
    }

    /// A safetensors file of this header and `data` zero bytes.
    private func safetensorsFile(_ header: String, data: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8) + [UInt8](repeating: 0, count: data)
    }

    @Test("safetensors: tensors are read in the order of their offsets, whatever the header's order; metadata apart")
    func safetensorsOrder() throws {
        let header = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}"#
        let decoded = try SafeTensors.decode(safetensorsFile(header, data: 8), path: "w")
        #expect(decoded.tensors.map(\.name) == ["a", "b"] && decoded.tensors[0].shape == [1, 1])
        #expect(decoded.metadata == ["k": "v"])
    }

    @Test("safetensors: a bad header is refused with the reason, and sizes past Int are an error, not a trap", arguments: [
        (#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, 2, "tensor a needs dtype F32"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, 4, "tensor a needs dtype F32, an integer shape and two data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, 4, "tensor a needs dtype F32, an integer shape"),
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}"#, 0, "tensor a: offsets do not match its shape"),
        (#"{"a":{"dtype":"F32","shape":[2147483648,2147483648,4],"data_offsets":[0,0]}}"#, 0, "tensor a: offsets do not match its shape"),
        (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,-4]}}"#, 0, "tensor a: offsets do not match its shape"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,9223372036854775807]}}"#, 4, "tensor a: offsets do not match its shape"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-9223372036854775807,4]}}"#, 4, "tensor a: offsets do not match its shape"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}}"#, 4, "tensor a starts at 9223372036854775803, expected 0"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2305843009213693950],"data_offsets":[4,9223372036854775804]}}"#, 8,
         "data is 8 bytes, the header describes 9223372036854775804"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4, "starts at 0, expected 4"),
        (#"[1,2]"#, 0, "the header is not a JSON object"),
    ])
    func safetensorsRefused(header: String, data: Int, reason: String) throws {
        do {
            _ = try SafeTensors.decode(safetensorsFile(header, data: data), path: "w.safetensors")
            Issue.record("accepted \(header)")
        } catch let error as FileError {
            #expect("\(error)".hasPrefix("w.safetensors: not a valid safetensors file: ") && "\(error)".contains(reason), "\(error)")
        }
    }
}
