import Dataset
import Engine
import Foundation
import Testing
@testable import Training

/// The committed 30-epoch run (reports/hw2/run) is the reference: a change
/// that silently alters training results fails here. Retrains the cheapest
/// model, Model 2, for one epoch on MNIST and requires its metrics and weight
/// digest bit for bit, on any CPU and kernel path (the kernel contract). Needs the data:
/// `swift run report data` fetches and verifies it (the README's test command
/// does that first).
@Suite("The committed reference run")
struct ReferenceRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Model 2's first epoch reproduces reports/hw2/run bit for bit")
    func modelTwoEpochOne() throws {
        let run = Self.root.appendingPathComponent("reports/hw2/run")
        let store = RunStore(root: run.deletingLastPathComponent().path)
        let record = try store.record(run.lastPathComponent)
        #expect(record.config.isHomework)
        let folder = DataFolder(kind: .mnist, explicit: ProcessInfo.processInfo.environment[DataFolder.environmentVariable]
                                ?? Self.root.appendingPathComponent("data/mnist").path)
        try #require(folder.missingFiles.isEmpty, "MNIST is not in \(folder.path); run `swift run report data` first")
        let kernel = try KernelPath.selected()
        let check = try Verifier(record: record, threads: 2, kernel: kernel).verify(epochs: 1, models: [.model2], data: try folder.load())
        #expect(check.models.map(\.model) == ["model2"])
        #expect(check.bitsPromised, "the committed run predates the kernel contract: retrain and commit it")
        #expect(check.identical, "on \(check.environment.cpu), kernel path \(kernel.rawValue), Model 2 epoch 1 differs from the committed run: \(check.models)")
    }
}
