import Dataset
import Engine
import Foundation
import Support

/// What the trainer reports while it works; the CLI draws progress from it.
public enum TrainingEvent: Sendable {
    case batch(unit: String, epoch: Int, batch: Int, of: Int, runningLoss: Double, samplesPerSecond: Double, elapsed: Double)
    case epochFinished(unit: String, metrics: EpochMetrics)
}

/// Trains one unit (one model, one seed) epoch by epoch. Every random choice
/// comes from a stream named by model and purpose (`shuffle/model2/epoch7`),
/// so epoch k can start from a checkpoint without replaying anything before it.
public final class Trainer {
    public let network: Network
    public let unit: UnitConfig
    public private(set) var history: [EpochMetrics] = []
    /// After each epoch, the predicted class of every test image: [epoch][test image].
    public private(set) var predictions: [[UInt8]] = []

    public init(unit: UnitConfig, threads: Int, kernel: KernelPath = .fastest) throws {
        network = try Network(spec: unit.model, seed: unit.seed, threads: threads, adam: unit.settings.adam, kernel: kernel)
        self.unit = unit
    }

    public var spec: ModelSpec { unit.model }
    public var completedEpochs: Int { history.count }

    /// Continues from a checkpoint: weights, Adam state, metrics and predictions so far.
    public func restore(_ checkpoint: Checkpoint, from path: String) throws {
        guard checkpoint.parameters.count == network.parameterCount else {
            throw TrainingError.corrupt(path: path, reason: "it holds \(checkpoint.parameters.count) parameters, \(unit.model.title) has \(network.parameterCount)")
        }
        guard checkpoint.predictions.count == checkpoint.history.count else {
            throw TrainingError.corrupt(path: path, reason: "it holds predictions of \(checkpoint.predictions.count) epochs and metrics of \(checkpoint.history.count)")
        }
        network.parameters = checkpoint.parameters
        network.optimizerState = checkpoint.optimizer
        history = checkpoint.history
        predictions = checkpoint.predictions
    }

    public var checkpoint: Checkpoint {
        Checkpoint(unit: unit.id, parameters: network.parameters, optimizer: network.optimizerState,
                   history: history, predictions: predictions)
    }

    /// SHA-256 of every parameter as little-endian Float32, in declaration order.
    public var weightsSha256: String { Digest.sha256(LittleEndian.bytes(network.parameters)) }

    /// Trains the next epoch and evaluates on the whole test set.
    /// `shouldStop` is polled between batches; when it says yes the epoch is
    /// abandoned and nil returned. The weights in memory are then mid-epoch and
    /// must not be saved: resuming starts from the last finished epoch's checkpoint.
    public func trainEpoch(on data: LabeledData, observe: (TrainingEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) -> EpochMetrics? {
        let epoch = history.count + 1
        let train = data.train, pixels = train.pixelsPerImage, batchSize = unit.settings.batchSize
        var shuffle = SeededGenerator(seed: unit.seed, stream: "shuffle/\(spec.id)/epoch\(epoch)")
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
            for i in 0..<n {
                let from = Int(order[lo + i]) * pixels
                images.replaceSubrange((i * pixels)..<((i + 1) * pixels), with: train.pixels[from..<(from + pixels)])
                labels[i] = train.labels[Int(order[lo + i])]
            }
            let result = images.withUnsafeMutableBufferPointer { x in
                labels.withUnsafeBufferPointer { y in network.trainStep(images: x.baseAddress!, labels: y.baseAddress!, batch: n) }
            }
            lastLoss = result.lossSum / Double(n)
            lossSum += lastLoss
            correct += result.correct
            if (b + 1) % 10 == 0 || b + 1 == batches {
                let elapsed = seconds()
                observe(.batch(unit: unit.label, epoch: epoch, batch: b + 1, of: batches, runningLoss: lossSum / Double(b + 1),
                               samplesPerSecond: Double(lo + n) / elapsed, elapsed: elapsed))
            }
        }
        let trainSeconds = seconds()
        let (test, predicted) = evaluate(data.test)
        let metrics = EpochMetrics(
            epoch: epoch, trainLoss: lossSum / Double(batches), lastBatchLoss: lastLoss,
            trainAccuracy: Double(correct) / Double(train.count), testLoss: test.lossSum / Double(data.test.count),
            testAccuracy: Double(test.correct) / Double(data.test.count),
            trainSeconds: trainSeconds, evalSeconds: seconds() - trainSeconds, weightsSha256: weightsSha256)
        history.append(metrics)
        predictions.append(predicted)
        observe(.epochFinished(unit: unit.label, metrics: metrics))
        return metrics
    }

    /// Loss and accuracy on a set, and the predicted class of each image.
    public func evaluate(_ set: LabeledImages) -> (Network.BatchResult, [UInt8]) {
        var predicted = [UInt8](repeating: 0, count: set.count)
        let result = set.pixels.withUnsafeBufferPointer { x in
            set.labels.withUnsafeBufferPointer { y in
                predicted.withUnsafeMutableBufferPointer { p in
                    network.evaluate(images: x.baseAddress!, labels: y.baseAddress!, count: set.count, batch: unit.settings.evalBatchSize,
                                     predictions: p.baseAddress!)
                }
            }
        }
        return (result, predicted)
    }
}
