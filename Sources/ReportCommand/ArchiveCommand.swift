import ArgumentParser
import Foundation
import RunArchive

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Bundle a run, its units and its rendered report into one zip.",
        discussion: """
        Every unit file is checked against its manifest first; a changed file is refused, \
        never packed. Of the report folder, only the files its SHA256SUMS lists are packed, \
        each checked (render it again if it has none). The zip holds SHA256SUMS; \
        `sha256sum -c SHA256SUMS` in the unpacked folder checks every file. An existing \
        -o file is replaced only when it is a zip this command wrote.
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or archive folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The zip file to write.", valueName: "file.zip"))
    var output: String

    @OptionGroup var runs: RunStoreOptions

    @Option(help: ArgumentHelp("Folder that holds reports/<name>/.", valueName: "path"))
    var reportsDir: String = "reports"

    func validate() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--output: expected a file name like run.zip, found the folder '\(output)'")
        }
    }

    func run() throws {
        let (store, id) = try runs.locate(runID)
        let config = try store.runManifest(id).config
        let report = (reportsDir as NSString).appendingPathComponent(config.reportName)
        let hasReport = FileManager.default.fileExists(atPath: report)
        if !hasReport { Console.current.line("note: no rendered report in \(report); `report render \(id)` makes one") }
        let count = try store.zip(id, report: hasReport ? report : nil, to: output)
        Console.current.line("archive: wrote \(output) (\(count) files and SHA256SUMS)")
    }
}
