import Dataset
import Engine
import Foundation
import Testing
@testable import Training

func temporaryRuns() -> RunStore {
    RunStore(root: NSTemporaryDirectory() + "hw2-runs-\(UUID().uuidString)")
}

func execute(_ store: RunStore, _ config: RunConfig, threads: Int = 2, force: Bool = false,
             shouldStop: @escaping () -> Bool = { false }) throws -> RunExecutor.Outcome {
    try RunExecutor(store: store, config: config, threads: threads, kernel: .fastest, loadData: { Synthetic.data }, shouldStop: shouldStop)
        .execute(force: force)
}

func finished(_ outcome: RunExecutor.Outcome) -> RunRecord? {
    if case let .finished(record) = outcome { return record }
    return nil
}

@Suite("Runs: ids, cache, resume, verify")
struct RunTests {
    @Test("the same seed gives the same run id and identical weights, with 1 or 2 threads")
    func sameSeedSameBits() throws {
        let a = try #require(finished(try execute(temporaryRuns(), Synthetic.config(), threads: 1)))
        let b = try #require(finished(try execute(temporaryRuns(), Synthetic.config(), threads: 2)))
        #expect(a.manifest.runId == b.manifest.runId)
        #expect(a.models[0].weightsSha256 == b.models[0].weightsSha256)
        #expect(a.models[0].metrics.map(\.testAccuracy) == b.models[0].metrics.map(\.testAccuracy))
        #expect(a.models[0].metrics.last!.testAccuracy > 0.9, "the synthetic task is learnable in 2 epochs")
    }

    @Test("changing the seed or one layer changes the run id")
    func idDependsOnInputs() {
        let base = Synthetic.config()
        #expect(Synthetic.config(seed: 1).id != base.id)
        var layers = Synthetic.model.layers
        layers[0] = .conv("conv1", 1, 5)
        layers[3] = .residual("res1", channels: 5)
        layers[5] = .linear("fc1", 5 * 7 * 7, 16)
        let changed = ModelSpec(id: "tiny", title: "Tiny", summary: "", layers: layers)
        #expect(Synthetic.config(models: [changed]).id != base.id)
        #expect(Synthetic.config().id == base.id)
    }

    @Test("a finished run is found again; --force retrains")
    func cache() throws {
        let store = temporaryRuns()
        _ = try execute(store, Synthetic.config())
        let executor = RunExecutor(store: store, config: Synthetic.config(), threads: 2, kernel: .fastest, loadData: { Issue.record("data loaded for a cached run"); return Synthetic.data })
        #expect(executor.cached() != nil)
        let forced = try #require(finished(try execute(store, Synthetic.config(), force: true)))
        #expect(forced.manifest.provenance["tiny"] == "trained")
    }

    @Test("a model whose files changed after the run finished is trained again, not trusted")
    func tamperedFilesRetrain() throws {
        let store = temporaryRuns()
        let original = try #require(finished(try execute(store, Synthetic.config())))
        let path = store.folder(original.manifest.runId) + "/tiny/metrics.json"
        var metrics = try JSON.decode([EpochMetrics].self, from: path)
        metrics[0].testAccuracy = 1
        try AtomicFile.writeJSON(metrics, to: path)
        let again = try #require(finished(try execute(store, Synthetic.config())))
        #expect(again.models[0].metrics == original.models[0].metrics.map { m in
            var m = m
            m.trainSeconds = again.models[0].metrics[m.epoch - 1].trainSeconds
            m.evalSeconds = again.models[0].metrics[m.epoch - 1].evalSeconds
            return m
        })
    }

    @Test("a run stopped after epoch 1 and resumed equals an uninterrupted run, bit for bit")
    func resume() throws {
        let uninterrupted = try #require(finished(try execute(temporaryRuns(), Synthetic.config(epochs: 3))))
        let store = temporaryRuns()
        var polls = 0
        // Stop at the first poll of epoch 2 (50 batches an epoch, polled before each batch).
        let outcome = try execute(store, Synthetic.config(epochs: 3), shouldStop: {
            polls += 1
            return polls > 50
        })
        guard case .interrupted = outcome else {
            Issue.record("expected an interrupted run")
            return
        }
        #expect(try store.manifest(Synthetic.config(epochs: 3).id).status == .interrupted)
        let resumed = try #require(finished(try execute(store, Synthetic.config(epochs: 3))))
        #expect(resumed.manifest.provenance["tiny"] == "resumed after epoch 1")
        #expect(resumed.models[0].weightsSha256 == uninterrupted.models[0].weightsSha256)
        #expect(resumed.models[0].metrics.map(\.deterministicFields.description) == uninterrupted.models[0].metrics.map(\.deterministicFields.description))
    }

    @Test("a model finished in another run with the same configuration is reused, not retrained")
    func reuseAcrossRuns() throws {
        let store = temporaryRuns()
        let second = ModelSpec(id: "tiny2", title: "Tiny 2", summary: "", layers: Synthetic.model.layers)
        _ = try execute(store, Synthetic.config(models: [Synthetic.model, second]))
        let alone = try #require(finished(try execute(store, Synthetic.config(models: [second]))))
        #expect(alone.manifest.provenance["tiny2"]?.hasPrefix("reused from run") == true)
    }

    @Test("verify passes on a fresh run and fails on a tampered metrics file")
    func verify() throws {
        let store = temporaryRuns()
        let record = try #require(finished(try execute(store, Synthetic.config())))
        let check = try Verifier(record: record, threads: 1, kernel: .portable).verify(epochs: nil, data: Synthetic.data)
        #expect(check.identical && check.models[0].epochsCompared == 2)

        let path = store.folder(record.manifest.runId) + "/tiny/metrics.json"
        var metrics = try JSON.decode([EpochMetrics].self, from: path)
        metrics[1].testAccuracy += 0.005
        try AtomicFile.writeJSON(metrics, to: path)
        let tampered = try store.record(record.manifest.runId)
        let failed = try Verifier(record: tampered, threads: 2, kernel: .fastest).verify(epochs: nil, data: Synthetic.data)
        #expect(!failed.identical)
        #expect(failed.models[0].firstDifferingEpoch == 2)
        #expect(abs(failed.models[0].largestDifference - 0.005) < 1e-9)
        let changed = try store.manifest(record.manifest.runId).check(folder: store.folder(record.manifest.runId))
        #expect(changed.count == 1 && changed[0].hasPrefix("tiny/metrics.json"), "the manifest notices the changed file")
    }

    @Test("a run left 'running' by a killed process is listed as interrupted")
    func killedRun() throws {
        let store = temporaryRuns()
        let record = try #require(finished(try execute(store, Synthetic.config())))
        let id = record.manifest.runId
        var manifest = try store.manifest(id)
        manifest.status = .running
        try AtomicFile.writeJSON(manifest, to: store.folder(id) + "/manifest.json")
        try "999999999\n".write(toFile: store.folder(id) + "/lock", atomically: true, encoding: .utf8)
        #expect(try store.status(id) == .interrupted)
        let live = try RunLock(acquire: store.folder(id) + "/lock")
        #expect(try store.status(id) == .running)
        live.release()
    }

    @Test("a run made over OpenBLAS still reads, and only runs under the kernel contract promise bits everywhere")
    func kernelContract() throws {
        let old = try JSONDecoder().decode(RunEnvironment.self, from: Data("""
            {"cpu": "AMD EPYC (2 cores)", "blasCore": "Cooperlake", "blasThreads": 1, "workers": 2, "swiftVersion": "6.3.1", "os": "Debian"}
            """.utf8))
        #expect(old.kernel == nil && old.blasCore == "Cooperlake")
        var config = RunConfig(dataset: .mnist, models: [.model2], epochs: 1, batchSize: 100, seed: 0)
        #expect(config.kernelContract == KernelPath.contractVersion && config.bitsPromisedEverywhere)
        let id = config.id
        config.kernelContract = nil
        #expect(!config.bitsPromisedEverywhere)
        #expect(config.id != id, "the contract version is part of the run id")

        let path = NSTemporaryDirectory() + "hw2-old-verify-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("""
            {"date": "2026-11-29T09:00:00Z", "epochs": 1, "threads": 2, "same_environment": true,
             "environment": {"cpu": "AMD EPYC (2 cores)", "blas_core": "Cooperlake", "blas_threads": 1, "workers": 2,
                             "swift_version": "6.3.1", "os": "Debian"},
             "models": [{"model": "model2", "epochs_compared": 1, "identical": true, "largest_difference": 0, "weights_identical": true}]}
            """.utf8).write(to: URL(fileURLWithPath: path))
        let check = try JSON.decode(Verification.self, from: path)
        #expect(!check.bitsPromised && check.identical && check.environment.blasCore == "Cooperlake")
    }

    @Test("the lock refuses a second writer and names the holder")
    func lock() throws {
        let folder = NSTemporaryDirectory() + "hw2-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let first = try RunLock(acquire: folder + "/lock")
        #expect(throws: TrainingError.locked(path: folder, holder: "process \(ProcessInfo.processInfo.processIdentifier) (lock file \(folder)/lock)")) {
            _ = try RunLock(acquire: folder + "/lock")
        }
        first.release()
        try "999999999\n".write(toFile: folder + "/lock", atomically: true, encoding: .utf8)
        let stale = try RunLock(acquire: folder + "/lock")  // its process is gone: taken over
        stale.release()
    }
}

@Suite("Checkpoints and safetensors")
struct FileFormatTests {
    func checkpoint() throws -> Checkpoint {
        let trainer = try Trainer(spec: Synthetic.model, seed: 3, batchSize: 20, threads: 1)
        _ = trainer.trainEpoch(on: Synthetic.data)
        return trainer.checkpoint
    }

    @Test("a checkpoint round-trips, and one flipped byte or a truncation is caught")
    func checkpointIntegrity() throws {
        let original = try checkpoint()
        let bytes = try original.encoded()
        #expect(try Checkpoint.decode(bytes, path: "c") == original)
        for index in [3, 20, bytes.count / 2, bytes.count - 1] {
            var flipped = bytes
            flipped[index] ^= 0x10
            #expect(throws: TrainingError.self) { try Checkpoint.decode(flipped, path: "c") }
        }
        #expect(throws: TrainingError.self) { try Checkpoint.decode(Array(bytes.prefix(bytes.count - 100)), path: "c") }
    }

    @Test("safetensors: written, read back identical, and within the format's rules")
    func safetensors() throws {
        let summary = try ModelSummary(Synthetic.model)
        let parameters = try checkpoint().parameters
        let tensors = SafeTensors.tensors(of: summary, parameters: parameters)
        #expect(tensors.map(\.name) == ["conv1.weight", "conv1.bias", "res1.conv1.weight", "res1.conv1.bias",
                                        "res1.conv2.weight", "res1.conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(tensors[0].shape == [4, 1, 3, 3] && tensors[6].shape == [16, 196])
        let bytes = SafeTensors.encode(tensors, metadata: ["run_id": "abc", "model": "tiny"])
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + headerLength) % 8 == 0, "data starts 8-byte aligned")
        #expect(bytes.count == 8 + headerLength + 4 * parameters.count, "no trailing bytes")
        let decoded = try SafeTensors.decode(bytes, path: "w")
        #expect(decoded.tensors == tensors)
        #expect(decoded.metadata == ["run_id": "abc", "model": "tiny"])
        #expect(throws: TrainingError.self) { try SafeTensors.decode(bytes + [0], path: "w") }
        #expect(throws: TrainingError.self) { try SafeTensors.decode(Array(bytes.prefix(12)), path: "w") }
    }
}
