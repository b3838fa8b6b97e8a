import ArgumentParser
import Dataset
import Engine
import Foundation
import Support
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model (or all) and print per-epoch metrics and the weights' SHA-256.",
        discussion: """
        Nothing is archived: this is the engine on its own, for checking speed and \
        determinism. The same --seed gives the same weights_sha256 for any --threads.
        """)

    @Option(help: ArgumentHelp("Model to train: 1, 2, 3, a list like 1,3, or all.", valueName: "n"), transform: ModelList.transform)
    var model: ModelList = .all

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of every random stream (initialisation, shuffling): a whole number of at least 0.", valueName: "n"))
    var seed: UInt64 = Homework.seeds[0]

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var threads: ThreadOptions

    @Flag(help: "Print one JSON object per model on stdout instead of the table.")
    var json = false

    func run() throws {
        let loaded = try data.folder.load().limitingTrain(training.limitTrain)
        for spec in model.specs {
            let unit = UnitConfig(model: spec, seed: seed, settings: training.settings(data))
            let trainer = try Trainer(unit: unit, threads: threads.resolved, kernel: try threads.kernel())
            if !json { Console.current.line("\(spec.title) (\(spec.summary)): \(trainer.network.parameterCount) parameters") }
            for _ in 0..<training.epochs {
                guard let m = trainer.trainEpoch(on: loaded) else { break }
                if !json {
                    Console.current.line(String(format: "  epoch %3d  train loss %.6f  train acc %6.2f%%  test loss %.6f  test acc %6.2f%%  %.1fs + %.1fs",
                                 m.epoch, m.trainLoss, 100 * m.trainAccuracy, m.testLoss, 100 * m.testAccuracy, m.trainSeconds, m.evalSeconds))
                }
            }
            guard let last = trainer.history.last else { continue }
            if json {
                let summary = Summary(model: spec.id, epochs: training.epochs, seed: seed, threads: threads.resolved,
                                      kernel: try threads.kernel(), testAccuracy: last.testAccuracy, trainLoss: last.trainLoss,
                                      testLoss: last.testLoss, weightsSha256: trainer.weightsSha256,
                                      epochSeconds: trainer.history.map(\.trainSeconds))
                Console.current.line(try summary.line())
            } else {
                Console.current.line("  weights_sha256 \(trainer.weightsSha256)")
            }
        }
    }

    /// One model's result as one line of JSON (`--json`), typed so every field encodes.
    struct Summary: Encodable {
        var model: ModelID
        var epochs: Int
        var seed: UInt64
        var threads: Int
        var kernel: KernelPath
        var testAccuracy, trainLoss, testLoss: Double
        var weightsSha256: String
        var epochSeconds: [Double]

        func line() throws -> String { try JSON.line(self) }
    }
}
