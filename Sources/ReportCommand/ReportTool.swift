import ArgumentParser
import Dataset
import Engine
import Foundation
import RunArchive
import Training

@main
struct ReportTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate the HW2 write-up: verified MNIST, three CNNs trained with fixed seeds, plots and a checked report.",
        discussion: """
        With no subcommand, runs the whole pipeline: get and verify the data, train \
        (or reuse) every model, render the figures and write reports/<name>/report.md and report.html.

        Examples:
          report                       the homework: 3 models, \(Homework.epochs) epochs, seed \(SeedList(Homework.seeds))
          report --epochs 2            a quick run (written to reports/hw2-epochs2)
          report train --model 2 --epochs 1
          report data --verify         re-check the data's SHA-256 digests
        """,
        subcommands: [PipelineCommand.self, DataCommand.self, TrainCommand.self, RenderCommand.self,
                      RunsCommand.self, VerifyCommand.self, DiffCommand.self, ArchiveCommand.self, UnitCommand.self, ModelCommand.self, PlotCommand.self, BenchCommand.self],
        defaultSubcommand: PipelineCommand.self
    )
}
