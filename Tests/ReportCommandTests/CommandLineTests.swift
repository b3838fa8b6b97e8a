import ArgumentParser
import Foundation
import Support
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

    @Test("--help, help and help <command> print the help and exit 0 from the real binary",
          .enabled(if: CommandLineTests.binary != nil, "needs the report binary (swift run report data builds it; .ci/run runs that first)"))
    func helpFromTheBinary() throws {
        let report = try #require(Self.binary)
        for (arguments, expected) in [(["--help"], "SUBCOMMANDS"), (["help"], "SUBCOMMANDS"), (["help", "train"], "--threads"), (["train", "--help"], "--threads")] {
            let result = try ProcessRunner.run([report] + arguments)
            #expect(result.status == 0, "report \(arguments.joined(separator: " ")) exited \(result.status): \(result.errors)")
            #expect(result.output.contains(expected), "report \(arguments.joined(separator: " ")) did not print its help")
            #expect(!result.errors.contains("CommandError"))
        }
    }

    @Test("main hands ArgumentParser a help request as it is (report help <command> throws one from its run), and makes only our errors printable")
    func presentable() throws {
        var command = try ReportTool.parseAsRoot(["help", "train"])
        do {
            try command.run()
            Issue.record("report help train ran without asking for help")
        } catch {
            let handed = ReportTool.presentable(error)
            #expect(ReportTool.exitCode(for: handed) == .success)
            #expect(ReportTool.fullMessage(for: handed).contains("--threads"))
        }
        struct Ours: Error, CustomStringConvertible { var description: String }
        let ours = ReportTool.presentable(Ours(description: "bad \u{1B}[31mname"))
        #expect(ReportTool.exitCode(for: ours) != .success)
        #expect(!ReportTool.message(for: ours).contains("\u{1B}"))
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
        (["train", "--threads", "\(ThreadOptions.limit + 1)"], "--threads: expected 1 to \(ThreadOptions.limit) (\(ThreadOptions.cores) core(s) here), found \(ThreadOptions.limit + 1)"),
        (["train", "--threads", "0"], "--threads: expected 1 to"),
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
        (["--batch-size", "100000000"], "--batch-size: expected a whole number from 1 to 60000 (the training images), found 100000000"),
        (["train", "--batch-size", "9223372036854775807"], "--batch-size: expected a whole number from 1 to 60000 (the training images), found 9223372036854775807"),
        (["--batch-size", "200", "--limit-train", "100"], "--batch-size: expected a whole number from 1 to 100 (the training images --limit-train keeps), found 200"),
        (["--executor", "slurm", "--slurm-time", "1:00\nid"], "--slurm-time: expected one word without blanks or control characters, found \"1:00\\nid\""),
        (["--executor", "slurm", "--slurm-time", "1:00 --wrap=id"], "--slurm-time: expected one word without blanks or control characters"),
        (["--executor", "slurm", "--slurm-partition", "a\rb"], "--slurm-partition: expected one word without blanks or control characters"),
        (["--executor", "slurm", "--slurm-partition", ""], "--slurm-partition: expected one word without blanks or control characters"),
        (["--executor", "slurm", "--slurm-arg=--account=ml\n#SBATCH --x"], "--slurm-arg: expected one argument without control characters"),
        (["--seeds", "-1"], "--seeds <seeds>': expected seeds like 0-4 or 0,3,7"),
        (["--seeds", "-1"], "a seed is not negative"),
        (["verify", "--seeds", "-1"], "a seed is not negative"),
        (["train", "--seed", "-1"], "The value '-1' is invalid for '--seed <n>'"),
    ])
    func badValues(arguments: [String], message: String) {
        do {
            _ = try ReportTool.parseAsRoot(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(ReportTool.message(for: error).contains(message))
        }
    }

    @Test("render --name of a folder that is not a report refuses before any work, naming it, and leaves it as it was")
    func nameOfNotAReport() throws {
        let reports = NSTemporaryDirectory() + "hw2-cli-reports-\(UUID().uuidString)"
        let weights = reports + "/runs/units/u/weights.safetensors"
        try FileManager.default.createDirectory(atPath: reports + "/runs/units/u", withIntermediateDirectories: true)
        try Data("weights".utf8).write(to: URL(fileURLWithPath: weights))
        do {
            _ = try ReportTool.parseAsRoot(["render", Self.root + "/reports/hw2/archive", "--reports-dir", reports, "--name", "runs", "--no-pdf"])
            Issue.record("accepted --name runs over a folder that is not a report")
        } catch {
            let message = ReportTool.message(for: error)
            #expect(message.contains("--name runs") && message.contains(reports + "/runs") && message.contains("no report.json"), "\(message)")
        }
        #expect(FileManager.default.contents(atPath: weights) == Data("weights".utf8))
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

    /// The package root, where the committed report archives are.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `report` binary of the debug build, which the README's test command builds first.
    static var binary: String? {
        #if arch(arm64)
        let triple = "aarch64-unknown-linux-gnu"
        #else
        let triple = "x86_64-unknown-linux-gnu"
        #endif
        return [".build/debug/report", ".build/\(triple)/debug/report"].map { root + "/" + $0 }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Parses and runs a command line as `report` would, returning what it printed and whether it exited non-zero.
    static func run(_ arguments: [String]) throws -> (output: String, errors: String, failed: Bool) {
        let captured = CapturedConsole()
        var failed = false
        var command = try ReportTool.parseAsRoot(arguments)
        try captured.capture {
            do {
                try command.run()
            } catch let exit as ExitCode where exit != .success {
                failed = true
            }
        }
        return (captured.output, captured.errors, failed)
    }

    @Test("report runs prints each run's row, and says where there is none")
    func runs() throws {
        let archive = Self.root + "/reports/hw2/archive"
        let listed = try Self.run(["runs", "--runs-dir", archive])
        #expect(listed.output == """
            id                started               status       epochs  seeds     final test accuracy
            5f671e9d23643ce5  2026-12-05T13:22:06Z  finished     30      0         M1 99.01%, M2 99.28%, M3 99.22%

            """)
        let empty = NSTemporaryDirectory() + "hw2-no-runs-\(UUID().uuidString)"
        #expect(try Self.run(["runs", "--runs-dir", empty]).output == "\(empty): no runs yet; `report` makes one\n")
    }

    @Test("a control character from a forged archive reaches the terminal shown, not acted on")
    func controlCharacters() throws {
        #expect(TextFormat.printable("a\u{1B}[31mb\n\t\u{202E}c") == "a\\u{1B}[31mb\n\t\\u{202E}c")
        let copy = NSTemporaryDirectory() + "hw2-escape-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.root + "/reports/hw2/archive", toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: copy).first { $0 != "units" })
        let manifest = copy + "/\(run)/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"status\" : \"finished\"", with: "\"status\" : \"\\u001b]0;PWNED\\u0007finished\"")
            .write(toFile: manifest, atomically: false, encoding: .utf8)
        let listed = try Self.run(["runs", "--runs-dir", copy])
        #expect(listed.output.contains("\\u{1B}]0;PWNED\\u{7}finished"), "\(listed.output)")
        #expect(!listed.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("report diff: identical archives say so and exit 0; another configuration is named field by field, its extra units by side, exit non-zero")
    func diff() throws {
        let hw2 = Self.root + "/reports/hw2/archive", ko = Self.root + "/reports/hw2-ko/archive", study = Self.root + "/reports/hw2-seeds0-4/archive"
        let same = try Self.run(["diff", hw2, ko])
        #expect(!same.failed && same.errors.isEmpty)
        #expect(same.output == """
            diff: \(hw2) (run 5f671e9d23643ce5) against \(ko) (run 5f671e9d23643ce5)
            model     seed  result
            model1    0     identical (30 epochs)
            model2    0     identical (30 epochs)
            model3    0     identical (30 epochs)
            diff: identical

            """)
        let other = try Self.run(["diff", hw2, study])
        #expect(other.failed)
        let lines = other.output.split(separator: "\n").map(String.init)
        // The study is the reference's configuration with four more seeds: its seed 0 units are the reference's.
        #expect(lines.prefix(3) == ["diff: \(hw2) (run 5f671e9d23643ce5) against \(study) (run 20987a6cb51ff05d)",
                                    "config: seeds: [0] vs [0,1,2,3,4]",
                                    "model     seed  result"])
        #expect(lines.dropFirst(3).prefix(3) == ["model1    0     identical (30 epochs)", "model2    0     identical (30 epochs)",
                                                 "model3    0     identical (30 epochs)"])
        #expect(lines.dropFirst(6).dropLast() == ArraySlice((1...4).flatMap { seed in (1...3).map { "model\($0)    \(seed)     only in \(study)" } }))
        #expect(lines.last == "diff: the runs differ")
    }
}
