import ArgumentParser
import Dataset
import Engine
import Foundation
import RunArchive
import Support
import Training

@main
struct ReportTool: ParsableCommand {
    /// As ArgumentParser's, except that an error of ours is printed with its
    /// control characters shown (a forged archive's strings end up in errors).
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            exit(withError: presentable(error))
        }
    }

    /// What `main` hands ArgumentParser for an error that `run()` threw: ArgumentParser's
    /// own (an exit code, a validation error, a request for help, which `report help`
    /// throws from its run) as it is, so it prints usage or help; any other error as the
    /// text ArgumentParser would print (a Foundation error's localized description), made printable.
    static func presentable(_ error: Error) -> Error {
        switch error {
        case is ExitCode, is ValidationError, is CleanExit:
            return error
        case _ where exitCode(for: error) == .success:
            return error
        default:
            let text = (error as? LocalizedError)?.errorDescription
                ?? (type(of: error) is NSError.Type ? (error as NSError).localizedDescription : "\(error)")
            return PrintableError(description: TextFormat.printable(text))
        }
    }

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

/// An error's text made safe for a terminal (`TextFormat.printable`).
struct PrintableError: Error, CustomStringConvertible {
    let description: String
}
