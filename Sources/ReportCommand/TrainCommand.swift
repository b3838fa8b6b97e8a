import ArgumentParser
import Dataset
import Engine
import Foundation
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model (or all) and print per-epoch metrics and the weights' SHA-256.",
        discussion: """
        Nothing is archived: this is the engine on its own, for checking speed and \
        determinism. The same --seed gives the same weights_sha256 for any --threads.
        """)

    @Option(help: ArgumentHelp("Model to train: 1, 2, 3, a list like 1,3, or all.", valueName: "n"))
    var model: String = "all"

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var threads: ThreadOptions

    @Flag(help: "Print one JSON object per model on stdout instead of the table.")
    var json = false

    func validate() throws {
        _ = try parseModels(model, flag: "--model")
    }

    func run() throws {
        let models = try parseModels(model, flag: "--model")
        let folder = data.folder
        let loaded = try folder.load().limitingTrain(training.limitTrain)
        for spec in models {
            let trainer = try Trainer(spec: spec, seed: training.seed, batchSize: training.batchSize, threads: threads.threads,
                                      kernel: try threads.kernel())
            if !json { print("\(spec.title) (\(spec.summary)): \(trainer.network.parameterCount) parameters") }
            for _ in 0..<training.epochs {
                let m = trainer.trainEpoch(on: loaded)!
                if !json {
                    print(String(format: "  epoch %3d  train loss %.6f  train acc %6.2f%%  test loss %.6f  test acc %6.2f%%  %.1fs + %.1fs",
                                 m.epoch, m.trainLoss, 100 * m.trainAccuracy, m.testLoss, 100 * m.testAccuracy, m.trainSeconds, m.evalSeconds))
                }
            }
            let last = trainer.history.last!
            if json {
                let summary: [String: Any] = [
                    "model": spec.id, "epochs": training.epochs, "seed": training.seed, "threads": threads.threads,
                    "kernel": try threads.kernel().rawValue,
                    "test_accuracy": last.testAccuracy, "train_loss": last.trainLoss, "test_loss": last.testLoss,
                    "weights_sha256": trainer.weightsSha256, "epoch_seconds": trainer.history.map(\.trainSeconds),
                ]
                let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("  weights_sha256 \(trainer.weightsSha256)")
            }
        }
    }
}
