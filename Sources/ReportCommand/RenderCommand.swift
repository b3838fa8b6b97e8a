import ArgumentParser
import Foundation
import Report
import RunArchive
import Support

/// Where and how the write-up is rendered; shared by `report` and `report render`.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the Mustache templates, read at run time.", valueName: "path"))
    var templates: String = "templates"

    @Option(help: ArgumentHelp("Folder that receives reports/<name>/.", valueName: "path"))
    var reportsDir: String = "reports"

    @Option(help: ArgumentHelp("Report folder name (default: hw2 for the homework's configuration, otherwise a name that says how the run differs, e.g. hw2-epochs2).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Language of the write-up.", valueName: "lang"))
    var lang: Language = .en

    @Flag(help: ArgumentHelp("Skip report.pdf (printed by headless Chromium: apt-get install chromium fonts-noto-cjk)."))
    var noPdf = false

    func validate() throws {
        if let name, !ReportFolder.isPlainName(name) {
            throw ValidationError("--name: expected a plain folder name (letters, digits, '.', '_', '-'; not starting with '.'), found '\(name)'")
        }
        // Before any training: the report would replace this folder at the end.
        if let name {
            do {
                try ReportFolder.requireOurs((reportsDir as NSString).appendingPathComponent(name))
            } catch {
                throw ValidationError("--name \(name): \(error)")
            }
        }
    }

    /// Called by the commands that render now (not by a Slurm submission that returns at once).
    func checkPDF() throws {
        if !noPdf, PDFPrinter.chromium == nil {
            throw ValidationError("report.pdf needs Chromium: \(PDFPrinter.installHint)")
        }
    }

    /// Renders and writes the report, with the run's light archive in archive/; returns its folder.
    @discardableResult
    func render(_ run: RunRecord, from store: RunStore) throws -> String {
        let unsealed = store.unsealedFiles(run)
        if !unsealed.isEmpty {
            Console.current.warning("warning: \(unsealed.count) manifest(s) of run \(run.id) were written before seals (no \(SealedJSON.key)), so their sessions, machine and times are covered by no digest (the report's archive/ gets them sealed); the first: \(unsealed[0])")
        }
        let folderName = name ?? ReportFolder.defaultName(run.config, language: lang)
        let related = ReportFolder.related(to: run.config, language: lang, in: reportsDir)
        var studyRun: RunRecord?
        if let study = related.study {
            do {
                studyRun = try ReportFolder.archivedRun((reportsDir as NSString).appendingPathComponent(study))
            } catch {
                Console.current.warning("warning: the seed study in \(reportsDir)/\(study) cannot be read (\(error)); the report links to it without its spread")
            }
        }
        let rendered = try ReportWriter(templates: templates).render(run, language: lang, commands: .of(run.config, language: lang),
                                                                      related: related, studyRun: studyRun)
        for warning in rendered.warnings { Console.current.warning("warning: \(warning)") }
        StopSignal.install(doing: "stopping the report's write; nothing of the new report is kept")
        let folder: String
        do {
            folder = try ReportFolder(reports: reportsDir, name: folderName)
                .write(rendered, pdf: !noPdf, shouldStop: { StopSignal.isRequested }, archive: { try store.exportLight(run.id, to: $0) })
        } catch let stopped as ReportFolder.Stopped {
            Console.current.warning("report: \(stopped)")
            throw ExitCode(130)
        }
        let figures = rendered.files.keys.filter { $0.hasPrefix("figures/") }.count
        Console.current.line("report: wrote \(folder)/report.md, report.html\(noPdf ? "" : ", report.pdf"), \(figures) figure\(figures == 1 ? "" : "s") and the run's light archive in archive/")
        return folder
    }
}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render the write-up of an archived run again (no training).",
        discussion: """
        Edit a template under templates/ and run this to see the change; nothing is recompiled.
        Example: report render reports/hw2/archive --lang ko
        """)

    @Argument(help: ArgumentHelp("Run id, unique prefix, or archive folder such as reports/hw2/archive (default: the newest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var runs: RunStoreOptions
    @OptionGroup var output: ReportOptions

    func validate() throws {
        try output.checkPDF()
    }

    func run() throws {
        let (store, id) = try runs.locate(runID)
        try output.render(try store.record(id), from: store)
    }
}
