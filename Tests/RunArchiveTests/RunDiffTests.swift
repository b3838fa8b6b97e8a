import Foundation
import Support
import Testing
import Training
@testable import RunArchive

@Suite("report diff: two archives compared without retraining")
struct RunDiffTests {
    typealias S = Synthetic

    /// A finished two-model run of two epochs, read back from its archive.
    static let run: RunRecord? = {
        let store = S.temporaryStore()
        return (try? S.execute(store, S.config(models: [S.model, S.second]))).flatMap(S.finished)
    }()

    @Test("an archive against itself: every unit identical, nothing named")
    func identical() throws {
        let run = try #require(Self.run)
        let diff = try RunDiff(run, run)
        #expect(diff.identical && diff.configDifferences.isEmpty)
        #expect(diff.units.map(\.outcome) == [.identical(epochs: 2), .identical(epochs: 2)])
        #expect(diff.units.map(\.model) == [S.model.id, S.second.id])
    }

    @Test("one metric changed in its last bit: the epoch, the metric and both values")
    func metric() throws {
        let run = try #require(Self.run)
        var other = run
        let loss = run.units[1].metrics[1].testLoss
        other.units[1].metrics[1].testLoss = loss.nextUp
        let diff = try RunDiff(run, other)
        #expect(!diff.identical)
        #expect(diff.units.map(\.outcome) == [.identical(epochs: 2), .differs(.metric(epoch: 2, name: "test_loss", left: loss, right: loss.nextUp))])
    }

    @Test("one prediction changed: the epoch, the test image and both classes")
    func prediction() throws {
        let run = try #require(Self.run)
        var other = run
        let original = run.units[0].predictions[0][7]
        other.units[0].predictions[0][7] = (original + 1) % 10
        let diff = try RunDiff(run, other)
        #expect(diff.units[0].outcome == .differs(.prediction(epoch: 1, image: 7, left: original, right: (original + 1) % 10)))
        #expect(!diff.identical)
    }

    @Test("a weights digest changed: the epoch and both digests")
    func weights() throws {
        let run = try #require(Self.run)
        var other = run
        other.units[0].metrics[1].weightsSha256 = String(repeating: "0", count: 64)
        let diff = try RunDiff(run, other)
        #expect(diff.units[0].outcome == .differs(.weights(epoch: 2, left: run.units[0].metrics[1].weightsSha256, right: String(repeating: "0", count: 64))))
        #expect("\(UnitComparison.Difference.weights(epoch: 2, left: "abcdef0123456789", right: "0000000000000000"))"
                == "epoch 2: weights_sha256 abcdef012345… vs 000000000000…")
    }

    @Test("a unit only one archive has is named on its side; fewer epochs are a difference")
    func missing() throws {
        let run = try #require(Self.run)
        var other = run
        other.units.removeFirst()
        other.units[0].metrics.removeLast()
        let diff = try RunDiff(run, other)
        #expect(diff.units.map(\.outcome) == [.onlyLeft, .differs(.epochCount(left: 2, right: 1))])
        #expect(try RunDiff(other, run).units.map(\.outcome) == [.differs(.epochCount(left: 1, right: 2)), .onlyRight])
        #expect(!diff.identical)
    }

    @Test("configurations that differ are named field by field, as config.json spells them")
    func config() throws {
        let run = try #require(Self.run)
        var other = run
        other.manifest.config.settings.batchSize = 10
        other.manifest.config.seeds = [0, 3]
        let diff = try RunDiff(run, other)
        #expect(diff.configDifferences == [
            JSONValue.Difference(path: "seeds", left: "[0]", right: "[0,3]"),
            JSONValue.Difference(path: "settings.batch_size", left: "20", right: "10"),
        ])
        #expect(!diff.identical && diff.units.allSatisfy(\.isIdentical), "the units are the same bits; the runs are not")
    }
}
