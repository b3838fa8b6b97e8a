import Engine
import Foundation
import Testing
@testable import RunArchive
import Support
import Training
@testable import Report

/// Replaces each embedded PNG with a short digest, so the HTML golden file
/// stays readable while still pinning the images.
func withoutImages(_ html: String) -> String {
    let pattern = try! NSRegularExpression(pattern: "data:image/png;base64,([A-Za-z0-9+/=]+)")
    var out = html
    for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
        let range = Range(match.range, in: html)!
        let payload = Data(base64Encoded: String(html[Range(match.range(at: 1), in: html)!]))!
        out.replaceSubrange(range, with: "data:image/png;base64,<\(payload.count) bytes sha256 \(Digest.sha256(payload).prefix(16))>")
    }
    return out
}

/// Compares with a committed golden file. `UPDATE_GOLDEN=1 swift test` rewrites
/// them after an intended change (then review the diff before committing).
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = Fixture.golden + "/" + name
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == expected, "differs from \(name); if intended, rerun with UPDATE_GOLDEN=1 and review the diff", sourceLocation: sourceLocation)
}

@Suite("The report, rendered from a fixed run")
struct ReportTests {
    func render(_ run: RunRecord = Fixture.run(), _ language: Language = .en) throws -> (md: String, html: String, files: [String: [UInt8]]) {
        let rendered = try ReportWriter(templates: Fixture.templates).render(run, language: language, commands: Fixture.commands)
        return (String(decoding: rendered.files["report.md"]!, as: UTF8.self),
                String(decoding: rendered.files["report.html"]!, as: UTF8.self), rendered.files)
    }

    @Test("Markdown and HTML match the golden files")
    func golden() throws {
        let (md, html, _) = try render()
        try expectGolden(md, "report.en.md")
        try expectGolden(withoutImages(html), "report.en.html")
    }

    @Test("the Korean rendering follows the original's headings")
    func korean() throws {
        let (md, _, _) = try render(Fixture.run(), .ko)
        try expectGolden(md, "report.ko.md")
        #expect(md.contains("좌: loss 우: accuracy") && md.contains("## 모델이 틀리는 곳"))
        #expect(md.contains("## 분석"))
        #expect(md.contains("Training loss는 원문과 같이 한 epoch의 batch loss 평균이다"), "the original's note in Korean, not its mixed English")
        for unresolved in ["(으)로", "을(를)", "이(가)"] { #expect(!md.contains(unresolved), "an unresolved particle: \(unresolved)") }
    }

    @Test("the HTML is self-contained: every figure embedded, no local path")
    func selfContained() throws {
        let (_, html, files) = try render()
        let figures = files.keys.filter { $0.hasPrefix("figures/") }
        #expect(figures.count == 6)
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == figures.count)
        #expect(!html.contains("src=\"figures/"))
        #expect(!html.contains("/work/") && !html.contains("file:") && !html.contains(NSTemporaryDirectory()))
        #expect(!html.contains("<link") && html.contains("<style>"))
    }

    @Test("a hostile model name is escaped in the HTML")
    func escaping() throws {
        let hostile = ModelSpec(id: "model1", title: "<script>alert('x')</script><img src=x onerror=alert(1)>",
                                layers: ModelSpec.model1.layers)
        let (_, html, _) = try render(Fixture.run(models: [hostile, .model2, .model3]))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;") && !html.contains("&amp;lt;"), "escaped once")
    }

    @Test("values with Markdown never become links, images or markup, in the Markdown or the HTML")
    func markdownValues() throws {
        let hostile = ModelSpec(id: "model1", title: "[clickme](javascript:alert(3)) ![x](javascript:alert(1)) *em* `code` a|b <b>bold</b>",
                                layers: ModelSpec.model1.layers)
        let (md, html, _) = try render(Fixture.run(models: [hostile, .model2, .model3]))
        #expect(md.contains("\\[clickme\\](javascript:alert(3))"))
        #expect(!html.contains("<a href=\"javascript") && !html.contains("<img src=\"javascript") && !html.contains("<em>em</em>") && !html.contains("<b>bold"))
        #expect(html.contains("[clickme](javascript:alert(3))") && html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(html.contains("\">1*3*3*32</td>"), "formulas keep their asterisks")
    }

    /// The elements and attribute names of a page, and any tag that is not
    /// a name followed by well-formed double-quoted attributes.
    static func markup(_ html: String) -> (elements: Set<String>, attributes: Set<String>, malformed: [String]) {
        var elements: Set<String> = [], attributes: Set<String> = [], malformed: [String] = []
        for tag in html.matches(of: /<\/?(?<name>[A-Za-z][A-Za-z0-9]*)(?<rest>[^>]*)>/) {
            elements.insert(String(tag.output.name).lowercased())
            var rest = tag.output.rest
            while let attribute = rest.prefixMatch(of: /\s+(?<name>[a-z-]+)(="(?<value>[^"]*)")?/) {
                attributes.insert(String(attribute.output.name))
                rest = rest[attribute.range.upperBound...]
            }
            if !(rest.isEmpty || rest == "/") && tag.output.name.lowercased() != "!doctype" { malformed.append(String(tag.output.0)) }
        }
        return (elements, attributes, malformed)
    }

    @Test("a forged archive's strings stay text: no element or attribute the page did not put there, the caption an escaped alt, Figure 1 kept",
          arguments: Language.allCases)
    func forgedStrings(language: Language) throws {
        let hostile = "M2 \" onload=\"alert(1)\" ' <b> ` x\ny](javascript:alert(1)) <script>alert(1)</script>\u{7}"
        let model = ModelSpec(id: "model1", title: hostile, layers: ModelSpec.model1.layers)
        let environment = RunEnvironment(cpu: hostile, kernel: .avx2, workers: 2, swiftVersion: hostile, os: "\(hostile)\n| a | b |")
        let forged = Fixture.run(models: [model, .model2, .model3], environment: environment, commit: "c` <img src=x onerror=alert(1)> \"")
        let (md, html, _) = try render(forged, language)
        let (_, normal, _) = try render(Fixture.run(), language)
        let seen = Self.markup(html), expected = Self.markup(normal)
        #expect(seen.malformed.isEmpty, "\(seen.malformed)")
        #expect(seen.elements.subtracting(expected.elements).isEmpty && seen.attributes.subtracting(expected.attributes).isEmpty,
                "\(seen.elements.subtracting(expected.elements)) \(seen.attributes.subtracting(expected.attributes))")
        #expect(!html.lowercased().contains("<script") && !html.contains("<b>") && !html.contains("href=\"javascript"))
        let single = hostile.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\u{7}", with: " ")
        let alt = single.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        #expect(html.contains("alt=\"\(alt): "), "the caption is the title, escaped as an attribute")
        #expect(md.contains("\n## " + Escape.markdownText(single)), "the title's heading stays one line")
        #expect(md.contains(language == .en ? "\n*Figure 1. " : "\n*그림 1. ") && md.contains("](figures/model1.png)"))
        #expect(!md.contains("\u{7}") && !md.contains("\n| a | b |"))
    }

    @Test("a template naming a value the report does not provide is an error, not a blank")
    func missingValue() throws {
        let folder = NSTemporaryDirectory() + "hw2-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "# {{course}}\n{{#models}}{{title}} {{colour}}{{/models}}\n".write(toFile: folder + "/report.en.md.mustache", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Fixture.templates + "/report.html.mustache", toPath: folder + "/report.html.mustache")
        #expect(throws: ReportError.template(path: folder + "/report.en.md.mustache",
                                             reason: "names a value the report does not provide: 'colour' (line 2)")) {
            try ReportWriter(templates: folder).render(Fixture.run(), language: .en, commands: Fixture.commands)
        }
        #expect(throws: ReportError.self) { try ReportWriter(templates: folder + "/nowhere").render(Fixture.run(), language: .en, commands: Fixture.commands) }
    }

    @Test("the Model 1 parameter-sum discrepancy is called out")
    func discrepancy() throws {
        let (md, _, _) = try render()
        #expect(md.contains("The write-up states 819,176 for Model 1, but its own rows add up to 822,176 (a difference of 3,000)."))
        #expect(md.contains("64\\*14\\*14\\*64 (typed 61\\*14\\*14\\*64)"))
    }

    @Test("every claim of the original appears with a verdict and its rule; the extension is listed apart")
    func claims() throws {
        let claims = try ClaimChecker(models: Fixture.run().models, labels: Fixture.labels).all()
        #expect(claims.filter { $0.source == .original }.count == 13 && claims.filter { $0.source == .extension_ }.map(\.id) == ["claim-epochs-99"])
        let verdicts = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0.verdict) })
        #expect(verdicts["claim-compute"] == .holds)
        #expect(verdicts["claim-params-m2"] == .holds)   // 3.64x, within 15% of 4x
        #expect(verdicts["claim-params-m3"] == .holds)   // 1.87x
        #expect(verdicts["claim-cost"] == .holds)        // 52 s against 22 and 35
        #expect(verdicts["claim-epochs-98"] == .holds)   // Model 1 reaches 98% at epoch 2, the others at 1
        #expect(verdicts["claim-knee"] == .notDecided, "every linear knee at epoch 2: in [2,5] read from 1, not from 0")
        #expect(verdicts["claim-early-leader"] == .notTestable)  // 6 epochs < 11
        #expect(verdicts["claim-late-leader"] == .notTestable)
        #expect(verdicts["claim-final"] == .notDecided, "99.24% against 99.04%: within noise on 10,000 images")
        #expect(verdicts["claim-worst"] == .holds, "lower than each other model in 6 of 6 epochs (p = 0.031)")
        #expect(verdicts["claim-depends"] == .notTestable)
        #expect(verdicts["claim-long"] == .notTestable)
        #expect(verdicts["claim-epochs-99"] == .doesNotHold, "Model 1 ties Model 3 at epoch 6: a tie is not needing more epochs")
        let (md, _, _) = try render()
        let escape = MarkdownContentType().escapeText
        for claim in claims { #expect(md.contains(escape(claim.evidence.en)) && md.contains(escape(claim.rule.en))) }
    }

    @Test("Wilson, McNemar and the t interval against values computed by hand")
    func statistics() throws {
        let w = Statistics.wilson(95, 100)
        #expect(abs(w.lowerBound - 0.88825) < 1e-4 && abs(w.upperBound - 0.97847) < 1e-4)
        #expect(Statistics.wilson(0, 10).lowerBound == 0 && abs(Statistics.wilson(0, 10).upperBound - 0.27753) < 1e-4)
        #expect(abs(Statistics.wilson(10, 10).lowerBound - 0.72247) < 1e-4 && abs(Statistics.wilson(10, 10).upperBound - 1) < 1e-12)
        #expect(Statistics.binomialTwoSided(0, 0) == 1, "no discordant pairs: no evidence")
        #expect(Statistics.binomialTwoSided(0, 5) == 0.0625)
        #expect(abs(Statistics.binomialTwoSided(1, 9) - 22.0 / 1024) < 1e-12)
        #expect(abs(Statistics.binomialTwoSided(9, 1) - 22.0 / 1024) < 1e-12)
        #expect(Statistics.binomialTwoSided(5, 5) == 1, "a tie")
        #expect(Statistics.binomialTwoSided(600, 700) > 0 && Statistics.binomialTwoSided(600, 700) < 0.01, "large n stays finite")
        let d = Statistics.discordant([1, 2, 3, 4], [1, 0, 3, 5], labels: [1, 2, 0, 5])
        #expect(d.onlyFirst == 1 && d.onlySecond == 1)
        let m = try #require(Statistics.meanInterval([1, 2, 3]))
        #expect(m.mean == 2 && abs(m.interval.upperBound - (2 + 4.302653 / 3.0.squareRoot())) < 1e-9)
        #expect(Statistics.meanInterval([1]) == nil)
        // Beyond the table: t(0.975) for 31, 40, 60 and 120 degrees of freedom (scipy's t.ppf); the
        // tolerance is below the expansion's last term (1.7e-6 at df 31), so each term is checked.
        for (df, t) in [(31, 2.0395134464), (40, 2.0210753903), (60, 2.0002978220), (120, 1.9799304051)] {
            #expect(abs(Statistics.t975(df) - t) < 1e-7, "df \(df): \(Statistics.t975(df))")
        }
    }

    @Test("a seed study reports spreads, per-seed verdicts and an overall verdict from the paired differences")
    func study() throws {
        let run = Fixture.study()
        let related = RelatedReports(study: nil, seeds: [.init(seed: 0, folder: "hw2-epochs6")])
        let rendered = try ReportWriter(templates: Fixture.templates).render(run, language: .en, commands: Fixture.commands, related: related)
        let md = String(decoding: try #require(rendered.files["report.md"]), as: UTF8.self)
        try expectGolden(md, "study.en.md")
        try expectGolden(withoutImages(String(decoding: try #require(rendered.files["report.html"]), as: UTF8.self)), "study.en.html")
        #expect(md.contains("seed study") && md.contains("seeds 0-2: 3 seeds, 9 trainings"))
        #expect(md.contains("| Model 2 | 99.19 ± 0.18% (98.99-99.34) |"), "mean ± sd (min-max) of the final accuracies")
        #expect(md.contains("| 1 | 99.05% | 98.99% | 99.08% |"))
        #expect(md.contains("| Model 2 − Model 3 | +0.20 | −0.09 | +0.22 | +0.11 | (−0.32, +0.54) | not decided |"),
                "paired differences per seed, their mean and t interval: Model 2 ahead on two seeds, behind on one")
        let claims = try (0...2).map { try ClaimChecker(models: run.units(seed: $0), labels: run.testLabels).all() }
        let final = try #require(StudyClaim.combine(claims.map { $0.first { $0.id == "claim-final" }! }))
        #expect(final.verdict == .notDecided && final.evidence.en.contains("95% t interval"))
        let depends = try #require(StudyClaim.combine(claims.map { $0.first { $0.id == "claim-depends" }! }))
        #expect(depends.verdict == .notTestable, "6 epochs reach neither epoch 20 nor the end of [0,10] read from 0")
        #expect(md.contains(MarkdownContentType().escapeText(final.evidence.en)))
        #expect(rendered.files.keys.sorted() == ["figures/study.png", "report.html", "report.md"])
        let printed = String(decoding: rendered.printPage, as: UTF8.self)
        #expect(printed.contains("seed 0 (../hw2-epochs6/)") && !printed.contains("href=\"../") && !printed.contains("href=\"figures/"),
                "the PDF's page names the other report's folder and keeps no relative link")
        let ko = String(decoding: try #require(try ReportWriter(templates: Fixture.templates).render(run, language: .ko, commands: Fixture.commands, related: related).files["report.md"]), as: UTF8.self)
        try expectGolden(ko, "study.ko.md")
        #expect(ko.contains("seed 연구") && ko.contains("판정 보류"))
    }

    @Test("a claim without a paired difference holds across seeds when every seed that can test it agrees")
    func studyClaimSetsAsideUntestableSeeds() throws {
        func combined(_ verdicts: [Claim.Verdict]) throws -> StudyClaim {
            try #require(StudyClaim.combine(verdicts.map {
                Claim(id: "claim-cost", source: .original, verdict: $0, statement: Localized("s", "s"),
                      evidence: Localized("e", "e"), rule: Localized("r", "r"), measures: [])
            }))
        }
        let timedApart = try combined([.holds, .holds, .notTestable])
        #expect(timedApart.verdict == .holds)
        #expect(timedApart.evidence.en == "holds on 2 of 3 seeds, not testable on 1 (no paired difference).")
        #expect(try combined([.holds, .doesNotHold, .notTestable]).verdict == .notDecided)
        #expect(try combined([.notTestable, .notTestable, .holds]).verdict == .notDecided, "one seed alone never decides")
        #expect(try combined([.doesNotHold, .doesNotHold]).verdict == .doesNotHold)
        #expect(try combined([.notTestable, .notTestable]).verdict == .notTestable)
        #expect(try combined([.notDecided, .holds]).verdict == .notDecided)
        #expect(try combined([.holds, .notTestable]).verdict == .notDecided, "one of two seeds alone never decides")
        #expect(try combined([.holds]).verdict == .notDecided && combined([.doesNotHold]).verdict == .notDecided, "nor does a one-seed study")
        #expect(try combined([.holds, .holds, .notTestable, .notTestable]).verdict == .holds, "two agreeing seeds of four do")
    }

    @Test("a single run links to the seed study of its settings, a study to the single-seed write-ups of its seeds")
    func relatedReports() throws {
        let single = Fixture.run().config, study = Fixture.study().config
        var otherEpochs = study
        otherEpochs.settings.epochs = 7
        var seed1 = single, seed5 = single, larger = study, without = study
        seed1.seeds = [1]
        seed5.seeds = [5]
        larger.seeds = [0, 1, 2, 3]
        without.seeds = [3, 4, 5, 6, 7, 8]
        let rendered = [("a-copy", single), ("a-study", study), ("b-other", otherEpochs), ("c-larger", larger), ("d-without", without),
                        ("hw2-epochs6", single), ("hw2-seed1", seed1), ("hw2-seed5", seed5)]
        #expect(RelatedReports(single, language: .en, among: rendered) == RelatedReports(study: "c-larger", seeds: []),
                "the study with the most seeds among those that hold the run's seed")
        #expect(RelatedReports(study, language: .en, among: rendered).seeds == [.init(seed: 0, folder: "hw2-epochs6"), .init(seed: 1, folder: "hw2-seed1")],
                "the study's own seeds only; the default name before another folder of the same run")
        #expect(RelatedReports(otherEpochs, language: .en, among: rendered) == .none, "other settings link nowhere")
        let linked = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands,
                                                                           related: RelatedReports(single, language: .en, among: rendered))
        #expect(String(decoding: try #require(linked.files["report.md"]), as: UTF8.self).contains("[the seed study](../c-larger/report.md)"))

        // With the study's run at hand, the single run shows the spread a seed adds beside its own numbers.
        let withSpread = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands, related: RelatedReports(study: "s", seeds: []),
                                                                               studyRun: Fixture.study())
        let md = String(decoding: try #require(withSpread.files["report.md"]), as: UTF8.self)
        #expect(md.contains("| Model 2 | 99.19 ± 0.18% (98.99-99.34) | 99.24% |"), "the study's mean ± sd (min-max) beside this run's")
        #expect(md.contains("varies across seeds by more than 0.35 points, and the models' means differ by at most 0.14 points"))
        #expect(md.contains("Across seeds 0-2, by the seed study's rules: holds 5, does not hold 0, not decided 4, not testable 4 (each claim's verdict and evidence across seeds: [the seed study](../s/report.md))."),
                "the claims section gives the study's overall verdicts beside this run's")
        var otherStudy = Fixture.study()
        otherStudy.manifest.config.settings.epochs = 7
        let unrelated = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands, related: RelatedReports(study: "s", seeds: []),
                                                                              studyRun: otherStudy)
        #expect(!String(decoding: try #require(unrelated.files["report.md"]), as: UTF8.self).contains("varies across seeds"),
                "a study of other settings says nothing of this run's noise")

        // A folder's language is read from the record its writer leaves, whatever its name.
        let reports = NSTemporaryDirectory() + "hw2-related-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: reports) }
        #expect(ReportFolder.language(of: reports + "/any-name") == nil)
        let ko = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .ko, commands: Fixture.commands)
        let folder = try ReportFolder(reports: reports, name: "any-name").write(ko) { _ in }
        #expect(ReportFolder.language(of: folder) == .ko)
    }

    @Test("a report folder's language is its record's, not its page's; a folder without a record is not a report of ours")
    func reportRecord() throws {
        let reports = NSTemporaryDirectory() + "hw2-record-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let ko = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .ko, commands: Fixture.commands)
        let folder = try ReportFolder(reports: reports, name: "hw2").write(ko) { _ in }
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: folder + "/report.html")), as: UTF8.self).contains("<html lang=\"ko\""))
        try AtomicFile.writeJSON(ReportRecord(language: .en), to: folder + "/" + ReportRecord.fileName)
        #expect(ReportFolder.language(of: folder) == .en)
        try FileManager.default.removeItem(atPath: folder + "/" + ReportRecord.fileName)
        #expect(ReportFolder.language(of: folder) == nil, "a page alone does not make a report of ours")
    }

    @Test("a report folder is replaced whole: a failure midway leaves the old report, and a killed writer's left-overs are cleaned")
    func atomicReport() throws {
        let reports = NSTemporaryDirectory() + "hw2-reports-\(UUID().uuidString)"
        let rendered = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands)
        let folder = try ReportFolder(reports: reports, name: "hw2")
        _ = try folder.write(rendered) { try "old".write(toFile: $0 + ".txt", atomically: true, encoding: .utf8) }
        struct Injected: Error {}
        #expect(throws: Injected.self) { _ = try folder.write(rendered) { _ in throw Injected() } }
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports) == ["hw2"], "no staging folder left")
        #expect(FileManager.default.fileExists(atPath: reports + "/hw2/report.md"))

        // A file the render did not write (SHA256SUMS does not list it) is not ours to remove.
        try AtomicFile.write("my notes\n", to: reports + "/hw2/NOTES.md")
        let refused = #expect(throws: FileError.self) { _ = try folder.write(rendered) { _ in } }
        #expect(refused?.description.contains("holds files its render did not write (NOTES.md)") == true, "\(String(describing: refused))")
        #expect(FileManager.default.fileExists(atPath: reports + "/hw2/NOTES.md"))
        try FileManager.default.removeItem(atPath: reports + "/hw2/NOTES.md")

        // A writer killed between moving the old report aside and moving the new one in.
        try FileManager.default.moveItem(atPath: reports + "/hw2", toPath: reports + "/.hw2.old-999999999")
        try AtomicFile.writeJSON(ReportRecord(language: .en), to: reports + "/.hw2.staging-999999998/" + ReportRecord.fileName)
        try FileManager.default.createDirectory(atPath: reports + "/.hw2.staging-999999997", withIntermediateDirectories: true)
        // A killed print of another report: its staging folder, with Chromium's profile in it.
        try AtomicFile.writeJSON(ReportRecord(language: .ko), to: reports + "/.hw2-ko.staging-999999996/" + ReportRecord.fileName)
        try AtomicFile.write("profile\n", to: reports + "/.hw2-ko.staging-999999996/.chromium-profile/Default/Preferences")
        #expect(throws: Injected.self) { _ = try folder.write(rendered) { _ in throw Injected() } }
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == [".hw2.staging-999999997", "hw2"],
                "the old report is back, the staging folder gone; a folder without our record is left alone")
        #expect(throws: FileError.self) { try ReportFolder(reports: reports, name: "../escape") }
    }

    @Test("a stop (Ctrl-C, SIGTERM) during a write, the PDF's print included, removes what was written, Chromium's profile and scratch with it, and leaves the old report",
          arguments: [false, true])
    func stopped(duringPrint: Bool) throws {
        if duringPrint && PDFPrinter.chromium == nil { return }
        let reports = NSTemporaryDirectory() + "hw2-reports-\(UUID().uuidString)"
        let rendered = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands)
        let folder = try ReportFolder(reports: reports, name: "hw2")
        _ = try folder.write(rendered) { _ in }
        let old = try #require(FileManager.default.contents(atPath: reports + "/hw2/report.md"))
        // Stops at once, or once Chromium is printing (its profile exists in the staging folder); a stop, once asked, stays asked.
        final class Request: @unchecked Sendable {
            let lock = NSLock()
            var made = false
        }
        let request = Request()
        let stop: @Sendable () -> Bool = {
            request.lock.withLock {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
                request.made = request.made || !duringPrint
                    || names.contains { FileManager.default.fileExists(atPath: reports + "/" + $0 + "/.chromium-profile") }
                return request.made
            }
        }
        let scratch = PDFPrinter.scratchPrefix + "\(ProcessInfo.processInfo.processIdentifier)-"
        let scratchBefore = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix(scratch) }.count
        var archived = false
        #expect(throws: ReportFolder.Stopped.self) { _ = try folder.write(rendered, pdf: duringPrint, shouldStop: stop) { _ in archived = true } }
        #expect(!archived, "stopped before the archive")
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports) == ["hw2"], "no staging folder left")
        #expect(FileManager.default.contents(atPath: reports + "/hw2/report.md") == old)
        #expect(!FileManager.default.fileExists(atPath: reports + "/hw2/report.pdf"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix(scratch) }.count <= scratchBefore)
    }

    @Test("a folder that is not a report of ours is never replaced: the write refuses, naming it, and leaves it as it was",
          arguments: ["folder", "link", "file"])
    func notOurs(kind: String) throws {
        let reports = NSTemporaryDirectory() + "hw2-reports-\(UUID().uuidString)"
        let runs = reports + "/runs"
        let elsewhere = reports + "/elsewhere"
        try AtomicFile.write("weights\n", to: elsewhere + "/units/u/weights.safetensors")
        switch kind {
        case "folder": try AtomicFile.write("weights\n", to: runs + "/units/u/weights.safetensors")
        case "link": try FileManager.default.createSymbolicLink(atPath: runs, withDestinationPath: elsewhere)
        default: try AtomicFile.write("notes\n", to: runs)
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: reports).sorted()
        let rendered = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands)
        var archived = false
        let error = #expect(throws: FileError.self) { _ = try ReportFolder(reports: reports, name: "runs").write(rendered) { _ in archived = true } }
        #expect(error?.description.contains(runs) == true && error?.description.contains("nothing was written over it") == true, "\(String(describing: error))")
        #expect(!archived, "refused before any work")
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == before)
        #expect(FileManager.default.fileExists(atPath: elsewhere + "/units/u/weights.safetensors"))
        switch kind {
        case "folder": #expect(FileManager.default.fileExists(atPath: runs + "/units/u/weights.safetensors"))
        case "link": #expect(try FileManager.default.destinationOfSymbolicLink(atPath: runs) == elsewhere)
        default: #expect(try String(contentsOfFile: runs, encoding: .utf8) == "notes\n")
        }
    }

    @Test("a folder planted as a dead writer's old report is not put in place of the report, nor removed")
    func plantedOldReport() throws {
        let reports = NSTemporaryDirectory() + "hw2-planted-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let planted = reports + "/.hw2.old-2147483000"  // a pid no process has
        try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: true)
        try AtomicFile.write(Array("not a report".utf8), to: planted + "/notes.txt")
        let en = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands)
        let folder = try ReportFolder(reports: reports, name: "hw2").write(en) { _ in }
        #expect(ReportFolder.language(of: folder) == .en)
        #expect(FileManager.default.contents(atPath: planted + "/notes.txt") == Data("not a report".utf8))
    }

    @Test("report.pdf: A4 pages, each with content, in English and Korean; printing leaves nothing behind (Chromium's profile in the staging folder, its temporary folder removed, a killed print's cleared)",
          .enabled(if: PDFPrinter.chromium != nil && ProcessRunner.firstLine(of: ["which", "pdftoppm"]) != nil,
                   "needs chromium and poppler-utils (.ci/run installs both)"))
    func pdf() throws {
        let temporary = NSTemporaryDirectory()
        let stale = temporary + PDFPrinter.scratchPrefix + "999999999-killed"
        try AtomicFile.write("a killed print's socket folder\n", to: stale + "/SingletonSocket")
        defer {
            let ours = PDFPrinter.scratchPrefix + "\(ProcessInfo.processInfo.processIdentifier)-"
            #expect(!FileManager.default.fileExists(atPath: stale), "a dead print's temporary folder is removed")
            #expect(!((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).contains { $0.hasPrefix(ours) })
        }
        for language in Language.allCases {
            let reports = NSTemporaryDirectory() + "hw2-pdf-\(UUID().uuidString)"
            let rendered = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: language, commands: Fixture.commands,
                                                                                related: RelatedReports(study: "hw2-seeds0-4", seeds: []))
            let folder = try ReportFolder(reports: reports, name: "hw2").write(rendered, pdf: true) { _ in }
            #expect(try FileManager.default.contentsOfDirectory(atPath: reports) == ["hw2"])
            #expect(!(try Checksums.files(under: folder)).contains { $0.contains("chromium") }, "no profile in the report")
            let pdf = folder + "/report.pdf"
            let bytes = try #require(FileManager.default.contents(atPath: pdf))
            #expect(bytes.range(of: Data("file:".utf8)) == nil, "no link to a path of this machine (or of the staging folder)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/.print.html"))
            #expect(bytes.range(of: Data("/CreationDate (D:20261129083000".utf8)) != nil, "dated by the run's end, not the time of printing")
            if language == .en {
                let again = try ReportFolder(reports: reports, name: "hw2").write(rendered, pdf: true) { _ in }
                #expect(FileManager.default.contents(atPath: again + "/report.pdf") == bytes, "the same report gives the same PDF bytes")
            }
            let info = try ProcessRunner.run(["pdfinfo", pdf])
            let pages = try #require(info.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }
                .flatMap { Int($0.split(separator: " ").last ?? "") })
            #expect(pages >= 5 && info.output.contains("(A4)"), "\(info.output)")
            let text = try ProcessRunner.run(["pdftotext", "-layout", pdf, "-"]).output
            #expect(text.contains(language == .ko ? "재현성" : "Reproducibility") && text.contains(" / \(pages)"), "page numbers in the margin")
            #expect(text.contains("(../hw2-seeds0-4/)"), "a link to another report names its folder")
            let appendix = Catalog.text(.appendixTitle, language)
            let pagesText = text.components(separatedBy: "\u{0C}")
            let appendixPage = try #require(pagesText.firstIndex { $0.contains(appendix) }, "the appendix is printed")
            #expect(pagesText[appendixPage].split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                .trimmingCharacters(in: .whitespaces) == appendix, "the appendix starts a page")
            if language == .ko, !(ProcessRunner.firstLine(of: ["fc-list", "NanumGothic"]) ?? "").isEmpty {
                #expect(!(try ProcessRunner.run(["pdffonts", pdf]).output.contains("Type 3")), "outline fonts, not Type 3, where a TrueType Hangul font is installed")
            }
            let images = try ProcessRunner.run(["pdftoppm", "-r", "30", "-gray", pdf, folder + "/page"])
            #expect(images.status == 0)
            let sizes = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("page") }
                .map { FileManager.default.contents(atPath: folder + "/" + $0)?.count ?? 0 }
            #expect(sizes.count == pages && sizes.allSatisfy { $0 > 2_000 }, "every page has content: \(sizes)")
        }
    }

    @Test("the verification result appears in the reproducibility section")
    func verification() throws {
        let run = Fixture.run()
        let check = Verification(date: "2026-11-29T09:00:00Z", epochs: 1, threads: 2, bitsPromised: true,
                                 environment: Fixture.environment,
                                 units: [.init(model: "model2", seed: 0, unitId: run.units[1].manifest.unitId,
                                               unitFilesSha256: run.units[1].manifest.filesSha256, epochsCompared: 1, identical: true,
                                               firstDifferingEpoch: nil, largestDifference: 0, weightsIdentical: true, predictionsIdentical: true)])
        let (md, _, _) = try render(Fixture.run(verification: check))
        #expect(md.contains("| Model 2 | 1 | identical | 0 |"))
        #expect(!md.contains("No reproducibility check has been run"))
    }
}
