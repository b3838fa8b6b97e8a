import Charts
import Engine
import Foundation
import RunArchive
import Support
import Training

/// The template context of a seed study: every model trained once per seed,
/// summarised across seeds, with each claim judged on every seed and overall.
struct StudyModel {
    let run: RunRecord
    let language: Language
    /// Single-seed write-ups of the study's seeds rendered beside it, to link to.
    var seedReports: [RelatedReports.SeedReport] = []

    /// "99.16 ± 0.05% (99.10-99.22)": mean ± standard deviation (min-max) of
    /// percentages; losses in the report's notation, "2.561×10⁻³ ± 1.402×10⁻⁴ (2.401×10⁻³ – 2.712×10⁻³)".
    static func spread(_ values: [Double], percent: Bool) -> String {
        let m = Statistics.mean(values), sd = Statistics.standardDeviation(values)
        if percent {
            return String(format: "%.2f ± %.2f%% (%.2f-%.2f)", 100 * m, 100 * sd, 100 * (values.min() ?? 0), 100 * (values.max() ?? 0))
        }
        return "\(ReportModel.loss(m)) ± \(ReportModel.loss(sd)) (\(ReportModel.loss(values.min() ?? 0)) – \(ReportModel.loss(values.max() ?? 0)))"
    }

    func text(_ message: Message, _ values: [String: any CatalogValue] = [:]) -> String { Catalog.text(message, language, values) }

    var seeds: [UInt64] { run.config.seeds }

    /// Each model's units, one per seed, in seed order.
    var byModel: [(spec: ModelSpec, units: [UnitRecord])] {
        run.config.models.map { spec in (spec, run.units.filter { $0.spec == spec }) }
    }

    /// Every claim judged on each seed and overall, in the single-run report's order.
    func claims() throws -> [StudyClaim] {
        var perSeedClaims: [[Claim]] = []
        for seed in seeds { perSeedClaims.append(try ClaimChecker(models: run.units(seed: seed), labels: run.testLabels).all()) }
        let claimIDs = perSeedClaims.first?.map(\.id) ?? []
        return claimIDs.compactMap { id in StudyClaim.combine(perSeedClaims.compactMap { $0.first { $0.id == id } }) }
    }

    func context(commands: ReproduceCommands) throws -> StudyContext {
        let config = run.config
        let summaries = byModel.map { model in
            StudyContext.Model(
                title: model.spec.title,
                final: Self.spread(model.units.map { $0.metrics.last?.testAccuracy ?? 0 }, percent: true),
                best: Self.spread(model.units.map { $0.metrics.map(\.testAccuracy).max() ?? 0 }, percent: true),
                loss: Self.spread(model.units.map { $0.metrics.last?.trainLoss ?? 0 }, percent: false))
        }
        let perSeed = seeds.map { seed in
            StudyContext.SeedRow(seed: String(seed), cells: byModel.map { model in
                .init(accuracy: model.units.first { $0.seed == seed }.flatMap { $0.metrics.last }.map { Numbers.percent($0.testAccuracy) } ?? "-")
            })
        }

        let combined = try claims()
        func row(_ c: StudyClaim) -> StudyContext.ClaimRow {
            StudyContext.ClaimRow(mark: c.verdict.mark, statement: c.claim.statement.text(language),
                                  perSeed: Claim.Verdict.tally(c.perSeed, language: language, omittingZero: true),
                                  verdict: c.verdict.words.text(language), evidence: c.evidence.text(language), rule: c.claim.rule.text(language))
        }
        let original = combined.filter { $0.claim.source == .original }

        let sessions = run.units.flatMap(\.manifest.sessions)
        let tally = Claim.Verdict.tally(original.map(\.verdict), language: language)
        let conclusion = Story.conclusion(findings: Dictionary(combined.map { ($0.claim.id, $0.finding) }, uniquingKeysWith: { a, _ in a }),
                                          specs: ClaimSpec.homework, plans: try byModel.map { try ModelPlan($0.spec) }, epochs: config.settings.epochs,
                                          noise: text(.conclusionStudyNoise, ["seeds": String(seeds.count), "tally": tally]), language: language)
        return StudyContext(
            lang: language.rawValue, course: Original.course, assignment: Original.assignment,
            runId: run.id.rawValue, seeds: SeedList(seeds).description, seedCount: String(seeds.count),
            dataset: ReportModel.datasetName(config.settings.dataset.name),
            epochs: String(config.settings.epochs), batchSize: String(config.settings.batchSize), unitCount: String(run.units.count),
            models: summaries, modelTitles: byModel.map { TitleRow(title: $0.spec.title) }, perSeed: perSeed, pairs: pairs(),
            figure: "figures/study.png",
            claims: original.map(row), extensionClaims: combined.filter { $0.claim.source == .extension_ }.map(row),
            claimTally: tally, claimsTotal: String(original.count),
            seedReports: seedReports.map { .init(seed: String($0.seed), folder: $0.folder) }, hasSeedReports: !seedReports.isEmpty,
            regenerate: commands.regenerate, verifyFirstEpoch: commands.verifyFirstEpoch,
            units: run.units.map { .init(title: $0.spec.title, seed: String($0.seed), unit: $0.manifest.unitId.rawValue, sha256: $0.weightsSha256) },
            machine: ReportModel.machines(sessions.map(\.environment), language: language),
            shards: String(config.settings.reduction.shards), evalBatch: String(config.settings.evalBatchSize),
            contract: String(config.settings.reduction.kernelContract),
            started: sessions.map(\.started).min().map(ReportModel.time) ?? "-", finished: sessions.compactMap(\.finished).max().map(ReportModel.time) ?? "-",
            trainingHours: String(format: "%.1f", run.units.flatMap { $0.metrics.map { $0.trainSeconds + $0.evalSeconds } }.reduce(0, +) / 3600),
            conclusion: conclusion)
    }

    /// Each pair of models seed by seed: the difference of their final test
    /// accuracies, its mean with the 95% t interval across seeds, and on how
    /// many seeds McNemar's exact test tells the two apart on the same images.
    func pairs() -> [StudyContext.PairRow] {
        let models = byModel
        return models.indices.flatMap { i in models.indices.filter { $0 > i }.map { j in (models[i], models[j]) } }.map { a, b in
            var differences: [Double] = []
            var separated = 0, tested = 0
            let cells = seeds.map { seed -> StudyContext.PairRow.Cell in
                guard let x = a.units.first(where: { $0.seed == seed }), let y = b.units.first(where: { $0.seed == seed }),
                      let fx = x.metrics.last, let fy = y.metrics.last else { return .init(difference: "-") }
                differences.append(fx.testAccuracy - fy.testAccuracy)
                if let m = Statistics.mcnemar(x.predictions.last, y.predictions.last, labels: run.testLabels) {
                    tested += 1
                    if m.p < ClaimChecker.level { separated += 1 }
                }
                return .init(difference: Numbers.signed(100 * (fx.testAccuracy - fy.testAccuracy)))
            }
            let m = Statistics.meanInterval(differences)
            let reading = m.map { m in
                m.interval.lowerBound > 0 ? text(.better, ["model": a.spec.title])
                    : m.interval.upperBound < 0 ? text(.better, ["model": b.spec.title]) : text(.notDecided)
            }
            return StudyContext.PairRow(
                pair: "\(a.spec.title) − \(b.spec.title)", cells: cells,
                mean: m.map { Numbers.signed(100 * $0.mean) } ?? "-",
                interval: m.map { "(" + Numbers.signed(100 * $0.interval.lowerBound) + ", " + Numbers.signed(100 * $0.interval.upperBound) + ")" } ?? "-",
                reading: reading ?? "-",
                separated: tested == 0 ? "-" : text(.ofSeeds, ["count": String(separated), "seeds": String(tested)]))
        }
    }

    /// Mean curves with a min-max band across seeds: test accuracy and train loss (log).
    static func figure(_ run: RunRecord, language: Language) -> Figures.Named {
        let models = run.config.models.map { spec in run.units.filter { $0.spec == spec } }
        /// The centre line is the mean, or on a log axis the geometric mean (the mean of the logarithms), which sits where the eye puts the middle.
        func series(_ units: [UnitRecord], logScale: Bool = false, _ value: (EpochMetrics) -> Double) -> Series {
            let epochs = units.map(\.metrics.count).min() ?? 0
            let columns = (0..<epochs).map { e in units.map { value($0.metrics[e]) } }
            let centre = logScale ? { (xs: [Double]) in pow(10, Statistics.mean(xs.map(log10))) } : Statistics.mean
            return Series(units.first?.spec.title ?? "", perEpoch: columns.map(centre),
                          low: columns.map { $0.min() ?? 0 }, high: columns.map { $0.max() ?? 0 })
        }
        let accuracy = models.map { series($0, { 100 * $0.testAccuracy }) }
        let lowest = accuracy.flatMap { $0.band.map(\.low) + $0.points.map(\.y) }.min() ?? 97
        return Figures.Named(name: "study", figure: Figure(panels: [
            .line(LineChart(title: Catalog.text(.figureStudyLoss, language), xLabel: Catalog.text(.figureEpoch, language),
                            yLabel: Catalog.text(.figureMeanBatchLoss, language), series: models.map { series($0, logScale: true, \.trainLoss) }, logY: true)),
            .line(LineChart(title: Catalog.text(.figureStudyAccuracy, language), xLabel: Catalog.text(.figureEpoch, language),
                            yLabel: Catalog.text(.figureTestAccuracy, language), series: accuracy, yRange: max(0, min(97, (lowest * 2).rounded(.down) / 2))...100)),
        ], font: Figures.font(language)))
    }
}
