import Engine
import Foundation
import Testing
import RunArchive
import Support
import Training
@testable import Report

/// The claim rules on constructed numbers, each where the old rule and the new one disagree.
@Suite("Claim rules")
struct ClaimRuleTests {
    func checker(_ accuracy: [[Double]], loss: [[Double]]? = nil, specs: [ModelSpec] = Homework.models) throws -> ClaimChecker {
        try ClaimChecker(models: Fixture.models(accuracy: accuracy, loss: loss, specs: specs), labels: Fixture.labels)
    }

    func verdict(_ id: String, _ checker: ClaimChecker) throws -> Claim.Verdict { try #require(checker.claim(id)).verdict }

    /// A study's claim from per-seed claims whose measures take the given values.
    func combined(_ values: [[Double]], tieAgainst: Bool = false, verdict: Claim.Verdict = .notDecided) throws -> StudyClaim {
        try #require(StudyClaim.combine(values.map { seed in
            Claim(id: "c", source: .original, verdict: verdict, statement: Localized("s", "s"), evidence: Localized("e", "e"), rule: Localized("r", "r"),
                  measures: seed.enumerated().map { Measure(name: Localized("m\($0.offset)", "m\($0.offset)"), value: $0.element, unit: .points, tieAgainst: tieAgainst) })
        }))
    }

    @Test("the knee is read on the linear axis the original plotted, the log reading beside it")
    func kneeLinear() throws {
        // A fast early drop, then a slow one that steepens on a log axis only: the linear knee is at epoch 4,
        // while on a log axis the curve stays above its chord and the knee falls at an end (the old rule: does not hold).
        let loss = [1, 0.5, 0.25, 0.12, 0.1, 0.09, 0.08, 0.06, 0.03, 0.005, 1e-4, 1e-6]
        #expect(ClaimChecker.knee(loss) == 4)
        let logKnee = try #require(ClaimChecker.knee(loss.map(log10)))
        #expect(!(2...6).contains(logKnee), "log knee at \(logKnee)")
        let accuracy = Array(repeating: (0..<12).map { 0.98 + 0.0005 * Double($0) }, count: 3)
        let claim = try #require(try checker(accuracy, loss: [loss, loss, loss]).claim("claim-knee"))
        #expect(claim.verdict == .holds, "\(claim.evidence.en)")
        #expect(claim.evidence.en.contains("on the linear axis: Model 1 epoch 4") && claim.evidence.en.contains("on a log axis: Model 1 epoch \(logKnee)"))
        #expect(ClaimChecker.knee([1, 0.3, 0.1, 0.08, 0.07, 0.06]) == 3)  // chord - loss: 0, .51, .52, .36, .18, 0
        #expect(ClaimChecker.knee([1, 1]) == nil)
    }

    @Test("reaching a level at the same epoch does not hold for \"needs more epochs\", in one run and across seeds")
    func ties() throws {
        let flat = Array(repeating: [0.985, 0.986, 0.987, 0.988, 0.989, 0.990], count: 3)
        let claim = try #require(try checker(flat).claim("claim-epochs-98"))
        #expect(claim.verdict == .doesNotHold && claim.measures.map(\.value) == [0])
        #expect(try combined([[0], [0], [0]], tieAgainst: true, verdict: .doesNotHold).verdict == .doesNotHold, "no lag on any seed")
        #expect(try combined([[0], [0], [0]], tieAgainst: false).verdict == .notDecided, "a tie is within noise where it does not count against")
        #expect(try combined([[8], [3], [12], [14], [9]], tieAgainst: true, verdict: .holds).verdict == .holds)
    }

    @Test("a model that never reaches the level is later than one that does, without an invented lag; two that never reach it cannot be compared")
    func neverReached() throws {
        let slow = [0.970, 0.975, 0.978, 0.979, 0.979, 0.979], fast = [0.975, 0.981, 0.985, 0.987, 0.988, 0.989]
        // Model 1 never reaches 98%, the others do: later, so it holds, but no lag in epochs for the paired interval.
        let later = try #require(try checker([slow, fast, fast]).claim("claim-epochs-98"))
        #expect(later.verdict == .holds && later.measures.isEmpty, "\(later.measures.map(\.value))")
        // Model 1 and Model 2 never reach it, Model 3 does: Model 1 cannot be compared with Model 2 (the old rule counted both at epoch 7: does not hold).
        #expect(try verdict("claim-epochs-98", checker([slow, slow, fast])) == .notTestable)
        // Model 1 reaches it, Model 2 never does: Model 1 is not the latest.
        let earlier = try #require(try checker([fast, slow, fast]).claim("claim-epochs-98"))
        #expect(earlier.verdict == .doesNotHold && earlier.measures.isEmpty)
        // Nobody reaches it: not testable.
        #expect(try verdict("claim-epochs-98", checker([slow, slow, slow])) == .notTestable)
        // Every model reaches it: the lag in epochs is measured.
        let lagging = try #require(try checker([[0.970, 0.975, 0.978, 0.979, 0.981, 0.982], fast, fast]).claim("claim-epochs-98"))
        #expect(lagging.verdict == .holds && lagging.measures.map(\.value) == [3])
        // Across seeds, a seed without a lag leaves the interval out: the seeds' verdicts decide.
        let seeds = [try checker([slow, fast, fast]), try checker([[0.970, 0.975, 0.978, 0.979, 0.981, 0.982], fast, fast]),
                     try checker([[0.970, 0.975, 0.978, 0.979, 0.979, 0.981], fast, fast])].compactMap { $0.claim("claim-epochs-98") }
        let study = try #require(seeds.count == 3 ? StudyClaim.combine(seeds) : nil)
        #expect(study.verdict == .holds && study.evidence.en.contains("a paired difference on 2 of 3 seeds only"), "\(study.evidence.en)")
    }

    @Test("\"depends on the conditions\" is the epoch-budget crossover; a null result is never read as support")
    func crossover() throws {
        // Model 3 ahead in epochs 1-11, Model 2 from epoch 20 on: holds.
        let m1 = Array(repeating: 0.980, count: 30)
        let m2 = (0..<30).map { $0 < 12 ? 0.985 : 0.991 }, m3 = (0..<30).map { $0 < 12 ? 0.988 : 0.989 }
        let crossing = try checker([m1, m2, m3])
        #expect(try verdict("claim-depends", crossing) == .holds)
        #expect(try verdict("claim-early-leader", crossing) == .holds && verdict("claim-late-leader", crossing) == .holds)
        // Model 2 ahead throughout: the early half goes the other way.
        let ahead = try checker([m1, Array(repeating: 0.991, count: 30), Array(repeating: 0.989, count: 30)])
        #expect(try verdict("claim-depends", ahead) == .doesNotHold)
        // Across seeds: the winner changes between seeds and both intervals contain 0; the old rule said "holds".
        let null = try combined([[0.001, -0.001], [-0.002, 0.002], [0.001, -0.0005]])
        #expect(null.verdict == .notDecided, "\(null.evidence.en)")
        #expect(try combined([[0.001, 0.002], [0.002, 0.001], [0.0015, 0.0012]]).verdict == .holds)
        #expect(try combined([[0.001, -0.002], [0.002, -0.001], [0.0015, -0.0012]]).verdict == .doesNotHold)
    }

    @Test("[2,5] is read relatively: Model 1 lags, whatever band its best falls in; the bands are reported apart")
    func relativeEarly() throws {
        // Model 1's best in epochs 2-5 is 98.9%, "high 98%", but well below both others: the old absolute rule said "does not hold".
        let checker = try checker([
            [0.97, 0.989, 0.989, 0.989, 0.989, 0.989, 0.989],
            [0.98, 0.995, 0.995, 0.995, 0.995, 0.995, 0.995],
            [0.98, 0.996, 0.996, 0.996, 0.996, 0.996, 0.996],
        ])
        let claim = try #require(checker.claim("claim-epochs-2-5"))
        #expect(claim.verdict == .holds, "\(claim.evidence.en)")
        #expect(claim.evidence.en.contains("Model 1 high 98% (98.60-98.99%)"))
        #expect(abs(try #require(claim.measures.first).value - 0.006) < 1e-12)
    }

    @Test("\"worst\" is judged on the curves: early best, best and mean accuracy, paired across seeds")
    func worst() throws {
        // Final accuracies equal (the old final-epoch McNemar: not decided), but Model 1 lower on every other epoch.
        let m1 = [0.980, 0.984, 0.985, 0.986, 0.987, 0.988, 0.989, 0.990, 0.991, 0.992]
        let checker = try checker([m1, m1.map { $0 + 0.002 }.dropLast() + [0.992], m1.map { $0 + 0.003 }.dropLast() + [0.992]])
        let claim = try #require(checker.claim("claim-worst"))
        #expect(claim.verdict == .holds, "\(claim.evidence.en)")
        #expect(claim.measures.count == 3 && claim.measures.allSatisfy { $0.value > 0 })
        #expect(try combined([[0.0018, 0.001, 0.0017], [0.002, 0.0012, 0.0015], [0.0015, 0.0008, 0.0019]]).verdict == .holds)
        #expect(try combined([[0.0018, 0.001, 0.0017], [0.002, 0.0012, 0.0015], [0.0015, -0.0008, 0.0019]]).verdict == .notDecided)
    }

    @Test("every rule judged in one run by the sign test over epochs or by McNemar on test-chosen best epochs says that test is lenient and the seed study's is stronger")
    func lenientOneRunTests() throws {
        let checker = try checker(Array(repeating: (0..<30).map { 0.98 + 0.0003 * Double($0) }, count: 3))
        for spec in ClaimSpec.homework {
            let reason: String
            switch spec.rule {
            case .ahead, .worst, .crossover: reason = "neighbouring epochs are not independent"
            case .lowestBest: reason = "chosen on the same test images"
            default: continue
            }
            let rule = try #require(checker.claim(spec.id)).rule
            #expect(rule.en.contains("lenient, descriptive only") && rule.en.contains(reason) && rule.en.contains("is the stronger test"), "\(spec.id): \(rule.en)")
            #expect(rule.ko.contains("느슨한 기술적 판정") && rule.ko.contains("더 강한 검정"), "\(spec.id): \(rule.ko)")
        }
    }

    @Test("the rules run over any set of models: two and four")
    func anyModels() throws {
        let low = [0.970, 0.975, 0.980, 0.982, 0.984, 0.985, 0.986]
        let high = low.map { $0 + 0.006 }
        let two = try checker([low, high], specs: [.model1, .model2])
        #expect(try verdict("claim-worst", two) == .holds, "Model 1 against the one other model")
        #expect(try verdict("claim-epochs-2-5", two) == .holds)
        #expect(try verdict("claim-compute", two) == .notTestable && verdict("claim-final", two) == .notTestable, "they name Model 3")
        #expect(try #require(two.claim("claim-compute")).evidence.en == "Needs model3, which this run did not train.")
        #expect(try verdict("claim-params-m2", two) == .holds)

        let four = try checker([low, high, high, high.map { $0 + 0.001 }], specs: Homework.models + [Fixture.model4])
        #expect(try verdict("claim-worst", four) == .holds, "lowest of four")
        #expect(try #require(four.claim("claim-worst")).evidence.en.contains("Model 1 against Model 4"))
        let fourthLowest = try checker([low, high, high, low.map { $0 - 0.006 }], specs: Homework.models + [Fixture.model4])
        #expect(try verdict("claim-worst", fourthLowest) == .doesNotHold, "Model 4 is below Model 1")
        #expect(try verdict("claim-epochs-2-5", fourthLowest) == .doesNotHold)
    }

    @Test("no rule names a model: the homework's ids appear only in data (the claims, the original's numbers)")
    func noModelIdsInRules() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Report")
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") && !["ClaimList.swift", "Original.swift"].contains(file) {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("\"model1\"") && !text.contains("\"model2\"") && !text.contains("\"model3\""), "\(file) names a model")
        }
    }
}

@Suite("Words come from the catalog")
struct CatalogSourceTests {
    @Test("no word of the report is written in code: figure labels, legends and claim items come from the catalog")
    func noTextInCode() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Report")
        let patterns = [#"xLabel: ""#, #"yLabel: ""#, #"Series(""#, #"valueSuffix: ""#, #"epoch \("#, #""%@ "#, #")) \("#]
        for file in ["Claims.swift", "Figures.swift", "StudyModel.swift"] {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for pattern in patterns {
                let found = text.contains(pattern)
                #expect(!found, "\(file) writes text in code: \(pattern)")
            }
        }
    }

    @Test("the figures' axis labels and legends are the catalog's, in the figure's language")
    func figureLabels() throws {
        let run = Fixture.run()
        for language in [Language.en, .ko] {
            let figures = Figures.all(run.models.map { ($0.spec, $0.metrics) }, language: language)
            let comparison = try #require(figures.first { $0.name == "comparison" })
            guard case let .line(accuracy) = comparison.figure.panels[1] else { Issue.record("not a line chart"); continue }
            #expect(accuracy.xLabel == Catalog.text(.figureEpoch, language) && accuracy.yLabel == Catalog.text(.figureTestAccuracy, language))
        }
    }
}

@Suite("The report's story and page")
struct StoryTests {
    @Test("the assumptions derive the other pooling's compute from the plans: pooling after the residual blocks makes Model 3 the most expensive")
    func pooling() throws {
        let plans = try Homework.models.map { try ModelPlan($0) }
        let rows = Story.assumptions(plans, config: RunConfig(), language: .en)
        let pooling = try #require(rows.first { $0.choice == "where Model 3 pools" })
        let later = try ModelPlan(try #require(Story.pooledLater(.model3)))
        #expect(later.parameterCount == plans[2].parameterCount && later.forwardMACs > plans[0].forwardMACs)
        #expect(pooling.depends.contains(TextFormat.thousands(later.forwardMACs)) && pooling.depends.contains("Model 3 > Model 1 > Model 2"))
        #expect(Story.pooledLater(.model2) == nil, "no residual blocks, no other placement")
    }

    @Test("the overfitting note is measured: a rising test loss is named, a flat one is not")
    func overfitting() {
        var rising = Fixture.models(accuracy: Array(repeating: Array(repeating: 0.99, count: 6), count: 3))
        for e in 0..<6 { rising[0].metrics[e].testLoss = [0.05, 0.03, 0.035, 0.045, 0.05, 0.06][e] }
        let note = Story.overfitting(rising, language: .en)
        #expect(note.contains("Model 1's test loss falls to 0.030 at epoch 2 and rises to 0.060 by epoch 6") && !note.contains("Model 2's"), "\(note)")
        #expect(Story.overfitting(Array(rising.dropFirst()), language: .en).hasPrefix("No model's test loss rises"))
    }

    @Test("wide tables stack on a phone: every body cell carries its column's header")
    func stackedTables() {
        let html = "<table><thead><tr><th>a</th><th>b \"q\"</th><th><code>c</code></th><th>d</th></tr></thead><tbody><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></tbody></table>"
            + "<table><thead><tr><th>x</th><th>y</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        let out = PageLayout.stackable(html)
        #expect(out.contains("<table class=\"stacked\">") && out.contains("<td data-label=\"b &quot;q&quot;\">2</td>") && out.contains("<td data-label=\"c\">3</td>"))
        #expect(out.contains("<table><thead><tr><th>x</th>"), "a narrow table is left as it is")
    }
}

@Suite("The conclusion and the figures' order")
struct ConclusionTests {
    func conclusion(_ verdicts: [String: Claim.Verdict], worstSupports: [Bool] = [], models: [ModelSpec] = Homework.models,
                    language: Language = .en) throws -> String {
        var findings = verdicts.mapValues { Story.Finding(verdict: $0) }
        findings["claim-worst"]?.supports = worstSupports
        return Story.conclusion(findings: findings, specs: ClaimSpec.homework, plans: try models.map { try ModelPlan($0) }, epochs: 30,
                                noise: "N.", language: language)
    }

    @Test("\"the worst model trails early, at its best, on average\" says only what its measures show, and \"the most compute\" only when counted so, in both languages")
    func worstFromEvidence() throws {
        let partly = try conclusion(["claim-worst": .holds], worstSupports: [true, false, true])
        #expect(partly.contains("Model 1 trails every other model early, on average over the epochs.") && !partly.contains("at its best"), "\(partly)")
        #expect(partly.contains("It also needs the most multiply-adds per sample: 15,479,936, against 5,676,800 (Model 2), 7,853,184 (Model 3)."))
        let ko = try conclusion(["claim-worst": .holds], worstSupports: [true, false, true], language: .ko)
        #expect(ko.contains("Model 1은 초반, epoch 평균에서 다른 모든 모델보다 뒤진다.") && !ko.contains("최고치") && ko.contains("가장 많다"), "\(ko)")
        let unknown = try conclusion(["claim-worst": .holds])
        #expect(unknown.hasPrefix("Not Model 1: the original's firm answer holds.") && !unknown.contains("trails"), "no measures, no aspect named: \(unknown)")
        // With Model 3 pooling after its residual blocks, Model 3 needs more multiply-adds than Model 1.
        let costlier = try conclusion(["claim-worst": .holds], worstSupports: [true, true, true],
                                      models: [.model1, .model2, try #require(Story.pooledLater(.model3))])
        #expect(costlier.contains("early, at its best, on average over the epochs.") && !costlier.contains("most multiply-adds"), "\(costlier)")
        let koCostlier = try conclusion(["claim-worst": .holds], worstSupports: [true, true, true],
                                        models: [.model1, .model2, try #require(Story.pooledLater(.model3))], language: .ko)
        #expect(!koCostlier.contains("곱셈-덧셈"), "\(koCostlier)")
    }

    @Test("the noise sentence compares a seed's spread with the gap between the models and says which is larger")
    func noiseComparesSpreadAndGap() throws {
        func noise(_ model2Shifts: [Double]) throws -> String {
            try ReportModel(run: Fixture.run(), language: .en, study: "study", studyRun: Fixture.study(model2Shifts: model2Shifts))
                .context(commands: Fixture.commands).conclusion
        }
        let wide = try noise([0.0, -0.0025, 0.0010])
        #expect(wide.contains("moves by up to 0.35 points, more than the models' means differ (0.14 points)"), "\(wide)")
        let narrow = try noise([0, 0, 0])
        #expect(narrow.contains("moves by up to 0.08 points, no more than the models' means differ (0.19 points)") && !narrow.contains("points, more than"),
                "\(narrow)")
    }

    @Test("the conclusion follows the verdicts: the worst model, then the pair by the crossover and the final ranking, then the cheaper of the two")
    func fromVerdicts() throws {
        let open = try conclusion(["claim-worst": .holds, "claim-depends": .notDecided, "claim-early-leader": .notDecided, "claim-late-leader": .notDecided,
                                   "claim-final": .notDecided, "claim-long": .notTestable])
        #expect(open.hasPrefix("Not Model 1: the original's firm answer holds."))
        #expect(open.contains("Between Model 3 and Model 2 nothing is decided here") && open.contains("the cheaper model is the better choice: Model 2"))
        #expect(open.contains("recommendation of Model 3 for much longer training") && open.hasSuffix(" N."))
        let crossing = try conclusion(["claim-worst": .notDecided, "claim-depends": .holds, "claim-final": .notDecided])
        #expect(crossing.hasPrefix("That Model 1 performs worst is not decided here.") && crossing.contains("the epoch budget decides"))
        #expect(!crossing.contains("cheaper"), "a real crossover is the answer; cost does not break a tie that is not there")
    }

    @Test("a final comparison that is decided names the better model, never the cheaper one; \"within noise\" only where all three comparisons are")
    func decidedFinal() throws {
        // Model 2 significantly better at the end, Model 3 at the end: the better one is named whichever it is.
        let model2 = try conclusion(["claim-depends": .notDecided, "claim-early-leader": .notDecided, "claim-late-leader": .holds, "claim-final": .holds])
        #expect(!model2.contains("cheaper") && !model2.contains("within noise"), "\(model2)")
        #expect(model2.contains("At the end Model 2 is ahead of Model 3 beyond noise, so for this epoch budget Model 2 is the better choice."))
        #expect(model2.contains("(Model 3 ahead in [0,10]: not decided; Model 2 ahead from epoch 20 on: holds), the final ranking holds"))
        let model3 = try conclusion(["claim-depends": .doesNotHold, "claim-early-leader": .holds, "claim-late-leader": .doesNotHold, "claim-final": .doesNotHold])
        #expect(!model3.contains("cheaper") && model3.contains("At the end Model 3 is ahead of Model 2 beyond noise"), "\(model3)")
        // Model 3 significantly ahead early, the end within noise: not "all within noise", but the cheaper model at the end.
        let early = try conclusion(["claim-depends": .notDecided, "claim-early-leader": .holds, "claim-late-leader": .notDecided, "claim-final": .notDecided])
        #expect(!early.contains("within noise") && early.contains("the cheaper model is the better choice: Model 2"), "\(early)")
        // A final comparison not tested recommends nothing.
        let untested = try conclusion(["claim-depends": .notDecided, "claim-early-leader": .notDecided, "claim-late-leader": .notDecided])
        #expect(!untested.contains("cheaper") && !untested.contains("better choice") && !untested.contains("within noise"), "\(untested)")
    }

    @Test("figures are numbered in the order the page shows them")
    func figureOrder() throws {
        let rendered = try ReportWriter(templates: Fixture.templates).render(Fixture.run(), language: .en, commands: Fixture.commands)
        let md = String(decoding: try #require(rendered.files["report.md"]), as: UTF8.self)
        let numbers = md.matches(of: /\n\*Figure (\d+)\./).compactMap { Int($0.output.1) }
        #expect(numbers == Array(1...numbers.count) && numbers.count == 6, "\(numbers)")
    }
}
