import ArgumentParser
import Charts
import Engine
import Foundation
import Report
import RunArchive
import Support
import Training

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render a run's figures (or demo figures) to PNG, without the report.",
        discussion: "Example: report plot --demo /tmp/figures")

    @Argument(help: ArgumentHelp("Output folder.", valueName: "folder"))
    var folder: String

    @Option(name: .customLong("run"), help: ArgumentHelp("Run id, unique prefix, or archive folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Flag(help: "Draw made-up curves shaped like the homework's, to look at the charts without a run.")
    var demo = false

    @OptionGroup var runs: RunStoreOptions

    func run() throws {
        let models: [Figures.Curves]
        if demo {
            models = Self.demoModels()
        } else {
            let (store, id) = try runs.locate(runID)
            models = try store.record(id).models.map { ($0.spec, $0.metrics) }
        }
        for named in Figures.all(models) {
            let rendered = try Renderer.png(named.figure)
            for warning in rendered.warnings { Console.current.warning("warning: \(warning)") }
            let path = (folder as NSString).appendingPathComponent(named.name + ".png")
            try AtomicFile.write(rendered.png, to: path)
            Console.current.line("plot: wrote \(path)")
        }
    }

    /// Smooth, plausible curves: loss decaying like c/epoch^1.5, accuracy
    /// approaching about 99% — no training involved.
    static func demoModels() -> [Figures.Curves] {
        Homework.models.enumerated().map { index, spec in
            let metrics = (1...30).map { e -> EpochMetrics in
                let x = Double(e)
                let loss = (0.14 - 0.02 * Double(index)) / pow(x, 1.5) + 0.0005
                let accuracy = 0.991 - 0.012 * exp(-x / (2.5 + Double(index))) + 0.0004 * sin(x * (1.3 + Double(index)))
                return EpochMetrics(epoch: e, trainLoss: loss, lastBatchLoss: loss, trainAccuracy: 1 - loss, testLoss: loss,
                                    testAccuracy: accuracy, trainSeconds: [52, 22, 35][index], evalSeconds: 3, weightsSha256: "")
            }
            return (spec, metrics)
        }
    }
}
