import Dataset
import Engine
import Foundation
import Testing
@testable import Training

/// The committed 30-epoch run (reports/hw2/run) is the reference: a change
/// that silently alters training results fails here. Retrains the cheapest
/// model, Model 2, for one epoch on MNIST (about half a minute on two cores)
/// and requires its metrics and weight digest bit for bit (on another CPU or
/// BLAS core, agreement within `Verification.tolerance`). Needs the data:
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
        let check = try Verifier(record: record, threads: 2).verify(epochs: 1, models: [.model2], data: try folder.load())
        #expect(check.models.map(\.model) == ["model2"])
        if check.sameEnvironment {
            #expect(check.identical, "Model 2, epoch 1 differs from the committed run: \(check.models)")
        } else {
            // Another CPU or BLAS core may round differently: bits are not promised, agreement is.
            #expect(check.models[0].largestDifference <= Verification.tolerance,
                    "on \(check.environment.cpu) / \(check.environment.blasCore), Model 2 epoch 1 is off by \(check.models[0].largestDifference)")
        }
    }
}
