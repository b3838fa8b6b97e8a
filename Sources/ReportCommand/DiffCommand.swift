import ArgumentParser
import Foundation
import RunArchive

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two archived runs without retraining.",
        discussion: """
        Names each field of the two configurations that differs, then compares every unit \
        (matched by model and seed) epoch by epoch as `report verify` does: every metric \
        bit for bit, every test prediction and the SHA-256 of the weights. Prints, per unit, \
        identical or the first difference, names the units only one run has, and exits \
        non-zero on any difference.
        Example (a run regenerated here against the committed one):
          report diff reports/hw2/archive runs/5f671e9d23643ce5
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or archive folder such as reports/hw2/archive.", valueName: "run"))
    var left: String

    @Argument(help: ArgumentHelp("The run to compare it with (the same forms).", valueName: "run"))
    var right: String

    @OptionGroup var runs: RunStoreOptions

    func run() throws {
        let (leftStore, leftID) = try runs.locate(left)
        let (rightStore, rightID) = try runs.locate(right)
        let diff = try RunDiff(try leftStore.record(leftID), try rightStore.record(rightID))
        Console.current.line("diff: \(left) (run \(leftID)) against \(right) (run \(rightID))")
        Self.printDiff(diff, left: left, right: right)
        guard diff.identical else { throw ExitCode.failure }
    }

    /// The differences and the per-unit table; `left` and `right` name the runs as the user gave them.
    static func printDiff(_ diff: RunDiff, left: String, right: String) {
        for field in diff.configDifferences {
            Console.current.line("config: \(field.path): \(field.left ?? "(absent)") vs \(field.right ?? "(absent)")")
        }
        Console.current.line("model     seed  result")
        for unit in diff.units {
            let result: String
            switch unit.outcome {
            case let .identical(epochs): result = "identical (\(epochs) epoch\(epochs == 1 ? "" : "s"))"
            case let .differs(difference): result = "differs: \(difference)"
            case .onlyLeft: result = "only in \(left)"
            case .onlyRight: result = "only in \(right)"
            }
            Console.current.line(pad(unit.model.rawValue, 10) + pad(String(unit.seed), 6) + result)
        }
        Console.current.line(diff.identical ? "diff: identical" : "diff: the runs differ")
    }
}
