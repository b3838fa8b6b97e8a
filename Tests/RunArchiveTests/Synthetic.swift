import Dataset
import Engine
import Foundation
import RunArchive
import Training

/// Generated "digits": class k is a bright 6x6 square at one of ten places on a
/// noisy 28x28 canvas, so a small CNN learns it in an epoch or two.
enum Synthetic {
    static func images(count: Int, seed: UInt64) -> LabeledImages {
        var random = SeededGenerator(seed: seed, stream: "test/synthetic")
        var pixels = [Float](repeating: 0, count: count * 784)
        var labels = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let label = random.nextBelow(10)
            labels[i] = UInt8(label)
            let top = 3 + (label / 5) * 12, left = 2 + (label % 5) * 5
            for p in 0..<784 { pixels[i * 784 + p] = 0.3 * random.nextUnitFloat() - 0.4 }
            for y in top..<(top + 6) { for x in left..<(left + 4) { pixels[i * 784 + y * 28 + x] = 2 } }
        }
        return LabeledImages(count: count, pixelsPerImage: 784, pixels: pixels, labels: labels)
    }

    static let data = LabeledData(kind: .mnist, train: images(count: 1000, seed: 1), test: images(count: 200, seed: 2))

    /// A small model of the same layer kinds as the homework's, fast enough for a unit test.
    static let model = ModelSpec(id: "tiny", title: "Tiny", layers: [
        .conv("conv1", 1, 4), .relu, .maxPool(4), .residual("res1", channels: 4), .flatten,
        .linear("fc1", 4 * 7 * 7, 16), .relu, .linear("fc2", 16, 10),
    ])

    static let second = ModelSpec(id: "tiny2", title: "Tiny 2", layers: model.layers)

    static func config(epochs: Int = 2, seeds: [UInt64] = [0], models: [ModelSpec] = [model]) -> RunConfig {
        RunConfig(models: models, seeds: seeds, settings: TrainingSettings(epochs: epochs, batchSize: 20))
    }

    static func temporaryStore() -> RunStore {
        RunStore(root: NSTemporaryDirectory() + "hw2-runs-\(UUID().uuidString)")
    }

    static func execute(_ store: RunStore, _ config: RunConfig, jobs: Int = 1, threads: Int = 2, force: Bool = false,
                        light: Set<UnitID> = [], shouldStop: @escaping @Sendable () -> Bool = { false },
                        log: @escaping @Sendable (String) -> Void = { _ in }) throws -> RunExecutor.Outcome {
        try RunExecutor(store: store, config: config)
            .execute(with: LocalExecutor(store: store, jobs: jobs, threads: threads, kernel: .fastest), force: force, light: light,
                     loadData: { data }, log: log, shouldStop: shouldStop)
    }

    static func finished(_ outcome: RunExecutor.Outcome) -> RunRecord? {
        if case let .finished(record) = outcome { return record }
        return nil
    }
}
