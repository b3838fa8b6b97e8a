import Dataset
import Engine
import Foundation
import Testing
import Training
@testable import RunArchive

/// The committed 30-epoch run (reports/hw2/archive) is the reference: a change
/// that silently alters training results fails here. Retrains the cheapest
/// model, Model 2, for one epoch on MNIST and requires its metrics, its test
/// predictions and its weight digest bit for bit, on any CPU and kernel path
/// (the kernel contract). Needs the data: `swift run report data` fetches and
/// verifies it (the README's test command does that first).
@Suite("The committed reference run")
struct ReferenceRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Model 2's first epoch reproduces reports/hw2/archive bit for bit")
    func modelTwoEpochOne() throws {
        let store = RunStore(root: Self.root.appendingPathComponent("reports/hw2/archive").path)
        let record = try store.record(try store.resolve(nil))
        #expect(record.config.isHomework)
        let folder = DataFolder(kind: .mnist, explicit: ProcessInfo.processInfo.environment[DataFolder.environmentVariable]
                                ?? Self.root.appendingPathComponent("data/mnist").path)
        try #require(folder.missingFiles.isEmpty, "MNIST is not in \(folder.path); run `swift run report data` first")
        let kernel = try KernelPath.selected()
        let check = try Verifier(store: store, record: record, threads: 2, kernel: kernel)
            .verify(epochs: 1, models: [.model2], data: try folder.load())
        #expect(check.units.map(\.model) == ["model2"])
        #expect(check.bitsPromised, "the committed run was made under another reduction order: retrain and commit it")
        #expect(check.identical, "on \(check.environment.cpu), kernel path \(kernel.rawValue), Model 2 epoch 1 differs from the committed run: \(check.units)")
    }
}
