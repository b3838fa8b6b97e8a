import Charts
import Foundation
import Ink
import Mustache
import RunArchive
import Support
import Training

public enum ReportError: Error, CustomStringConvertible, Equatable {
    case template(path: String, reason: String)

    public var description: String {
        switch self {
        case let .template(path, reason): return "\(path): \(reason)"
        }
    }
}

/// What a rendering produced, as bytes by relative path (report.md,
/// report.html, figures/*.png), plus chart warnings. Pure: nothing is written
/// until `write(to:)`.
public struct RenderedReport {
    public var files: [String: [UInt8]]
    public var warnings: [String]
    /// report.html as the PDF prints it: Chromium's print-to-pdf writes a
    /// relative link as this machine's absolute path, so a link to another
    /// report shows that report's folder as text and no other relative link is kept.
    public var printPage: [UInt8]
    /// When the reported run ended (an archive timestamp): the PDF's date, so
    /// rendering the same run again gives the same PDF bytes.
    public var date: String
    public var language: Language

    /// Writes every file atomically into `folder` (ReportFolder swaps whole
    /// folders and writes the folder's record before these).
    func write(to folder: String) throws {
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            try AtomicFile.write(bytes, to: (folder as NSString).appendingPathComponent(path))
        }
    }
}

/// Renders a run into the write-up from the Mustache templates in a folder,
/// read at run time so a template edit needs no rebuild:
/// `report.<lang>.md.mustache` (Markdown) and `report.html.mustache` (the page
/// around the Markdown converted by Ink, with CSS inline and figures embedded).
public struct ReportWriter {
    public let templates: String

    public init(templates: String) { self.templates = templates }

    /// `commands` are the command lines the report prints to make and check it
    /// again; `related` names the report folders beside this one to link to;
    /// `studyRun` is the linked seed study's run, whose spread across seeds a
    /// single-run report shows.
    public func render(_ run: RunRecord, language: Language, commands: ReproduceCommands, related: RelatedReports = .none,
                       studyRun: RunRecord? = nil) throws -> RenderedReport {
        var files: [String: [UInt8]] = [:]
        var warnings: [String] = []
        var widths: [String: Int] = [:]  // points: the PNGs are drawn at 2x for sharp high-DPI display
        let isStudy = run.config.isStudy
        let errors = ErrorsSection(models: run.models, labels: run.testLabels, language: language)
        let confusion = run.models.compactMap { m in errors?.confusion[m.spec.id].map { (m.spec.title, $0) } }
        var missed: [Figures.Missed] = []
        if let errors, let images = run.testImages {
            let size = images.rows * images.cols
            missed = errors.hardest.filter { ($0.index + 1) * size <= images.pixels.count }.map { item in
                (Array(images.pixels[(item.index * size)..<((item.index + 1) * size)]),
                 "\(item.label) → " + item.predicted.map(String.init).joined(separator: "/"))
            }
        }
        let figures = isStudy ? [StudyModel.figure(run, language: language)]
            : Figures.all(run.models.map { ($0.spec, $0.metrics) }, language: language, confusion: confusion, missed: missed)
        for named in figures {
            let rendered = try Renderer.png(named.figure)
            files["figures/\(named.name).png"] = rendered.png
            widths["figures/\(named.name).png"] = Int(named.figure.width)
            warnings += rendered.warnings
        }
        let context = TemplateValue.dictionary(isStudy ? try StudyModel(run: run, language: language, seedReports: related.seeds).context(commands: commands)
                                                       : try ReportModel(run: run, language: language, study: related.study, studyRun: studyRun).context(commands: commands))
        let markdownPath = path((isStudy ? "study" : "report") + ".\(language.rawValue).md.mustache")
        let markdownSource = try load(markdownPath, context: context)
        let markdown = try parse(MarkdownContentType.pragma + markdownSource, markdownPath).render(context)
        files["report.md"] = Array(markdown.utf8)

        // The page's body is the same Markdown; links between reports point at report.html there.
        // A figure's caption goes to the page as an attribute we write (Ink would copy it into
        // alt="…" unescaped), so Ink sees the figure without it.
        var alts: [String: String] = [:]
        let figureless = markdown.replacing(/!\[(?<alt>(?:\\.|[^\\\]\n])*)\]\((?<name>figures\/[^)\s"]+)\)/) { match in
            alts[String(match.output.name)] = Escape.markdownUnescaped(match.output.alt)
            return "![](\(match.output.name))"
        }
        var body = PageLayout.markAppendix(PageLayout.stackable(MarkdownParser().html(from: figureless).replacingOccurrences(of: "/report.md\"", with: "/report.html\"")),
                                           title: Catalog.text(.appendixTitle, language))
        // Each figure is embedded (the page stands alone) and links to its full-size PNG beside the page.
        body = body.replacing(/<img src="(?<name>figures\/[^"]+)"\/>/) { match in
            let name = String(match.output.name)
            guard let png = files[name] else { return String(match.output.0) }
            return "<a href=\"\(name)\"><img width=\"\(widths[name] ?? 760)\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\""
                + " alt=\"\(Escape.htmlAttribute(alts[name] ?? ""))\"/></a>"
        }
        let printBody = body
            .replacing(/<a href="(?<folder>\.\.\/[^"\/]+)\/report\.html">(?<text>[^<]*)<\/a>/) { "\($0.output.text) (\($0.output.folder)/)" }
            .replacing(/<a href="(?<href>[^"]*)"[^>]*>(?<inner>.*?)<\/a>/) { match in
                let href = match.output.href
                return href.contains(":") || href.hasPrefix("#") ? String(match.output.0) : String(match.output.inner)
            }
        let htmlPath = path("report.html.mustache")
        var page = context
        page["title"] = "\(Original.course): \(Original.assignment)"
        page["body"] = ""
        let template = try parse(try load(htmlPath, context: page), htmlPath)
        func render(_ body: String) -> [UInt8] {
            page["body"] = body
            return Array(template.render(page).utf8)
        }
        files["report.html"] = render(body)
        return RenderedReport(files: files, warnings: warnings, printPage: render(printBody),
                              date: run.units.flatMap(\.manifest.sessions).compactMap(\.finished).max() ?? "", language: language)
    }

    private func path(_ name: String) -> String { (templates as NSString).appendingPathComponent(name) }

    private func load(_ path: String, context: [String: Any]) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError.template(path: path, reason: "template not found (expected it in the --templates folder)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let missing = TemplateCheck.missingNames(in: text, context: context)
        guard missing.isEmpty else {
            throw ReportError.template(path: path, reason: "names a value the report does not provide: \(missing.joined(separator: ", "))")
        }
        return text
    }

    private func parse(_ text: String, _ path: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw ReportError.template(path: path, reason: "not a valid Mustache template: \(error)")
        }
    }
}
