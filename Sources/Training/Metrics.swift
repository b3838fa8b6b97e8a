import Foundation

/// What one epoch of one model produced. The report is built from these alone.
public struct EpochMetrics: Codable, Hashable, Sendable {
    public var epoch: Int
    /// Mean of the epoch's batch losses: the write-up's "training loss".
    public var trainLoss: Double
    /// Loss of the epoch's last batch (the write-up prints it under each plot).
    public var lastBatchLoss: Double
    /// Fraction of training samples classified right while training, 0...1.
    public var trainAccuracy: Double
    public var testLoss: Double
    /// Fraction of the test set classified right after the epoch, 0...1.
    public var testAccuracy: Double
    public var trainSeconds: Double
    public var evalSeconds: Double
    /// SHA-256 of the parameters after this epoch (little-endian Float32, declaration order).
    public var weightsSha256: String

    public init(epoch: Int, trainLoss: Double, lastBatchLoss: Double, trainAccuracy: Double, testLoss: Double,
                testAccuracy: Double, trainSeconds: Double, evalSeconds: Double, weightsSha256: String) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.lastBatchLoss = lastBatchLoss
        self.trainAccuracy = trainAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.trainSeconds = trainSeconds
        self.evalSeconds = evalSeconds
        self.weightsSha256 = weightsSha256
    }

    /// The fields that must be bitwise equal when a run is repeated (not timings).
    public var deterministicFields: [(String, Double)] {
        [("train_loss", trainLoss), ("last_batch_loss", lastBatchLoss), ("train_accuracy", trainAccuracy),
         ("test_loss", testLoss), ("test_accuracy", testAccuracy)]
    }

    public static let csvHeader = "epoch,train_loss,last_batch_loss,train_accuracy,test_loss,test_accuracy,train_seconds,eval_seconds,weights_sha256"

    /// Full precision (Swift's shortest round-trip form), so the CSV is as exact as the JSON.
    public var csvRow: String {
        "\(epoch),\(trainLoss),\(lastBatchLoss),\(trainAccuracy),\(testLoss),\(testAccuracy),\(trainSeconds),\(evalSeconds),\(weightsSha256)"
    }

    /// The line `train.log` holds for this epoch.
    public var logLine: String {
        String(format: "epoch %d train_loss %.6f test_loss %.6f test_accuracy %.4f train_s %.1f eval_s %.1f weights %@",
               epoch, trainLoss, testLoss, testAccuracy, trainSeconds, evalSeconds, weightsSha256)
    }
}
