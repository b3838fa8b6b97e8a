import ArgumentParser
import Foundation
import Report
import Training

/// Where and how the write-up is rendered; shared by `report` and `report render`.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the Mustache templates, read at run time.", valueName: "path"))
    var templates: String = "templates"

    @Option(help: ArgumentHelp("Folder that receives reports/<name>/.", valueName: "path"))
    var reportsDir: String = "reports"

    @Option(help: ArgumentHelp("Report folder name (default: hw2 for the homework's configuration, otherwise a name that says how the run differs, e.g. hw2-epochs2).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Language of the write-up: en or ko.", valueName: "lang"))
    var lang: String = "en"

    func validate() throws {
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang: expected en or ko, found '\(lang)'") }
        if let name, name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw ValidationError("--name: expected a plain folder name, found '\(name)'")
        }
    }

    /// Renders and writes the report, with the run's light artifacts in run/; returns its folder.
    @discardableResult
    func render(_ run: RunRecord, from store: RunStore) throws -> String {
        let language = Language(rawValue: lang)!
        var folderName = name ?? run.config.reportName
        if name == nil && language == .ko { folderName += "-ko" }
        let folder = (reportsDir as NSString).appendingPathComponent(folderName)
        let rendered = try ReportWriter(templates: templates).render(run, language: language)
        for warning in rendered.warnings { print("warning: \(warning)") }
        try rendered.write(to: folder)
        try store.exportLight(run.manifest.runId, to: (folder as NSString).appendingPathComponent("run"))
        print("report: wrote \(folder)/report.md, report.html, \(rendered.files.keys.filter { $0.hasPrefix("figures/") }.count) figures and the run's metrics and manifest in run/")
        return folder
    }
}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render the write-up of an archived run again (no training).",
        discussion: "Edit a template under templates/ and run this to see the change; nothing is recompiled.")

    @Argument(help: ArgumentHelp("Run id, unique prefix, or run folder (default: the newest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var runs: RunStoreOptions
    @OptionGroup var output: ReportOptions

    func run() throws {
        let (store, id) = try locateRun(runID, in: runs)
        let manifest = try store.manifest(id)
        guard manifest.status == .finished else {
            throw ValidationError("run \(id) is \(manifest.status.rawValue); run `report` with its configuration to finish it first")
        }
        try output.render(try store.record(id), from: store)
    }
}
