import ArgumentParser
import Foundation
import Testing
@testable import ReportCommand

@Suite("Command line")
struct CommandLineTests {
    @Test("--help teaches: every subcommand and an example are listed")
    func help() {
        let help = ReportTool.helpMessage()
        for command in ["run", "data", "train", "render", "runs", "verify", "diff", "archive", "plot", "bench"] {
            #expect(help.contains("  \(command) "), "missing subcommand \(command)")
        }
        #expect(help.contains("report --epochs 2"))
        #expect(ReportTool.helpMessage(for: TrainCommand.self).contains("--threads"))
    }

    @Test("an unknown flag is a clear error with a non-zero exit")
    func unknownFlag() {
        do {
            _ = try ReportTool.parseAsRoot(["train", "--bogus"])
            Issue.record("parsed an unknown flag")
        } catch {
            #expect(ReportTool.message(for: error).contains("Unknown option '--bogus'"))
            #expect(ReportTool.exitCode(for: error) != .success)
        }
    }

    @Test("bad values name the flag and what was expected", arguments: [
        (["train", "--threads", "9"], "--threads: expected 1 to 4, found 9"),
        (["train", "--epochs", "0"], "--epochs: expected a whole number of at least 1, found 0"),
        (["train", "--epochs", "-1"], "--epochs: expected a whole number of at least 1, found -1"),
        (["train", "--model", "4"], "expected model numbers 1, 2, 3 (comma-separated) or 'all', found '4'"),
        (["--dataset", "cifar"], "'cifar' is invalid for '--dataset <name>'"),
        (["render", "--lang", "fr"], "'fr' is invalid for '--lang <lang>'"),
        (["render", "--name", "../x"], "--name: expected a plain folder name"),
        (["bench", "--steps", "0"], "--steps: expected a whole number of at least 1, found 0"),
        (["--seeds", "5-3"], "the range 5-3 runs backwards"),
        (["--seeds", "1,1"], "seed 1 appears twice"),
        (["--jobs", "0"], "--jobs: expected a whole number of at least 1, found 0"),
    ])
    func badValues(arguments: [String], message: String) {
        do {
            _ = try ReportTool.parseAsRoot(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(ReportTool.message(for: error).contains(message))
        }
    }

    @Test("model lists parse in any order, without duplicates")
    func models() throws {
        #expect(try ModelList.parse("3,1,3").map(\.id) == ["model1", "model3"])
        #expect(try ModelList.parse("all").count == 3)
        #expect(throws: ModelList.Invalid.self) { try ModelList.parse("1,,2") }
    }

    @Test("train --json prints one line of JSON per model with the fields scripts read")
    func trainJSON() throws {
        let line = try TrainCommand.Summary(model: "model2", epochs: 1, seed: 3, threads: 2, kernel: .portable, testAccuracy: 0.98,
                                            trainLoss: 0.1, testLoss: 0.05, weightsSha256: "ab", epochSeconds: [1.5]).line()
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "model2" && object["kernel"] as? String == "portable" && object["weights_sha256"] as? String == "ab")
        #expect(Set(object.keys) == ["model", "epochs", "seed", "threads", "kernel", "test_accuracy", "train_loss", "test_loss",
                                     "weights_sha256", "epoch_seconds"])
    }

    @Test("report with no subcommand runs the pipeline")
    func defaultCommand() throws {
        let command = try ReportTool.parseAsRoot(["--epochs", "2", "--models", "2"])
        #expect(command is PipelineCommand)
    }
}
