import Dataset
import Engine
import Foundation

/// What the trainer reports while it works; the CLI draws progress from it.
public enum TrainingEvent: Sendable {
    case batch(model: String, epoch: Int, batch: Int, of: Int, runningLoss: Double, samplesPerSecond: Double, elapsed: Double)
    case epochFinished(model: String, metrics: EpochMetrics)
}

/// Trains one model epoch by epoch on a dataset. Every random choice comes from
/// a stream named by model and purpose (`shuffle/model2/epoch7`), so epoch k
/// can start from a checkpoint without replaying anything before it.
public final class Trainer {
    public let network: Network
    public let spec: ModelSpec
    public let seed: UInt64
    public let batchSize: Int
    public let evalBatchSize = 200
    public private(set) var history: [EpochMetrics] = []

    public init(spec: ModelSpec, seed: UInt64, batchSize: Int, threads: Int, adam: AdamConfig = AdamConfig(),
                kernel: KernelPath = .fastest) throws {
        network = try Network(spec: spec, seed: seed, threads: threads, adam: adam, kernel: kernel)
        self.spec = spec
        self.seed = seed
        self.batchSize = batchSize
    }

    public var completedEpochs: Int { history.count }

    /// Continues from a checkpoint: weights, Adam state and the metrics so far.
    public func restore(_ checkpoint: Checkpoint) throws {
        guard checkpoint.parameters.count == network.parameterCount else {
            throw TrainingError.corrupt(path: "checkpoint of \(spec.id)",
                                        reason: "it holds \(checkpoint.parameters.count) parameters, the model has \(network.parameterCount)")
        }
        network.parameters = checkpoint.parameters
        network.optimizerState = checkpoint.optimizer
        history = checkpoint.history
    }

    public var checkpoint: Checkpoint {
        Checkpoint(model: spec.id, parameters: network.parameters, optimizer: network.optimizerState, history: history)
    }

    public static func digest(_ bytes: [UInt8]) -> String { DataFolder.sha256(bytes) }

    /// SHA-256 of every parameter as little-endian Float32, in declaration order.
    public var weightsSha256: String { Self.digest(Checkpoint.littleEndian(network.parameters)) }

    /// Trains the next epoch and evaluates on the whole test set.
    /// `shouldStop` is polled between batches; when it says yes the epoch is
    /// abandoned and nil returned. The weights in memory are then mid-epoch and
    /// must not be saved: resuming starts from the last finished epoch's checkpoint.
    public func trainEpoch(on data: LabeledData, observe: (TrainingEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) -> EpochMetrics? {
        let epoch = history.count + 1
        let train = data.train, pixels = train.pixelsPerImage
        var shuffle = SeededGenerator(seed: seed, stream: "shuffle/\(spec.id)/epoch\(epoch)")
        let order = shuffle.permutation(train.count)
        let batches = (train.count + batchSize - 1) / batchSize
        var images = [Float](repeating: 0, count: batchSize * pixels)   // [batch, 1, 28, 28]
        var labels = [UInt8](repeating: 0, count: batchSize)            // [batch]
        var lossSum = 0.0, lastLoss = 0.0, correct = 0
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

        for b in 0..<batches {
            if shouldStop() { return nil }
            let lo = b * batchSize, n = min(batchSize, train.count - lo)
            train.pixels.withUnsafeBufferPointer { source in
                images.withUnsafeMutableBufferPointer { batch in
                    for i in 0..<n {
                        let from = Int(order[lo + i]) * pixels
                        (batch.baseAddress! + i * pixels).update(from: source.baseAddress! + from, count: pixels)
                        labels[i] = train.labels[Int(order[lo + i])]
                    }
                }
            }
            let result = images.withUnsafeMutableBufferPointer { x in
                labels.withUnsafeBufferPointer { y in network.trainStep(images: x.baseAddress!, labels: y.baseAddress!, batch: n) }
            }
            lastLoss = result.lossSum / Double(n)
            lossSum += lastLoss
            correct += result.correct
            if (b + 1) % 10 == 0 || b + 1 == batches {
                let elapsed = seconds()
                observe(.batch(model: spec.id, epoch: epoch, batch: b + 1, of: batches, runningLoss: lossSum / Double(b + 1),
                               samplesPerSecond: Double(lo + n) / elapsed, elapsed: elapsed))
            }
        }
        let trainSeconds = seconds()
        let test = evaluate(data.test)
        let metrics = EpochMetrics(
            epoch: epoch, trainLoss: lossSum / Double(batches), lastBatchLoss: lastLoss,
            trainAccuracy: Double(correct) / Double(train.count), testLoss: test.lossSum / Double(data.test.count),
            testAccuracy: Double(test.correct) / Double(data.test.count),
            trainSeconds: trainSeconds, evalSeconds: seconds() - trainSeconds, weightsSha256: weightsSha256)
        history.append(metrics)
        observe(.epochFinished(model: spec.id, metrics: metrics))
        return metrics
    }

    public func evaluate(_ set: LabeledImages) -> Network.BatchResult {
        set.pixels.withUnsafeBufferPointer { x in
            set.labels.withUnsafeBufferPointer { y in
                network.evaluate(images: x.baseAddress!, labels: y.baseAddress!, count: set.count, batch: evalBatchSize)
            }
        }
    }
}
