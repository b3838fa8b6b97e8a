import Charts
import Dataset
import Engine
import Foundation
import RunArchive
import Support
import Training

/// Everything the templates print, as strings ready to print: the report is a
/// function of a `RunRecord` (and the language), nothing else.
struct ReportModel {
    let run: RunRecord
    let language: Language
    /// The folder name of a seed study of the same settings, rendered beside this report, to link to.
    let study: String?
    /// That study's run: its spread across seeds is the noise a seed adds.
    let studyRun: RunRecord?

    init(run: RunRecord, language: Language, study: String? = nil, studyRun: RunRecord? = nil) {
        self.run = run
        self.language = language
        self.study = study
        self.studyRun = studyRun
    }

    func text(_ message: Message, _ values: [String: any CatalogValue] = [:]) -> String { Catalog.text(message, language, values) }
    /// Losses span 1e-6 to 1: scientific notation with four significant digits,
    /// written 2.561×10⁻³ (no hyphen a line could break at).
    static func loss(_ x: Double) -> String { scientific(x, signed: false) }

    static func scientific(_ x: Double, signed: Bool) -> String {
        let sign = x < 0 ? "−" : signed ? "+" : ""
        guard x != 0, x.isFinite else { return sign + "0" }
        var exponent = Int(log10(abs(x)).rounded(.down))
        var mantissa = abs(x) / pow(10, Double(exponent))
        if (mantissa * 1000).rounded() >= 10_000 { mantissa /= 10; exponent += 1 }
        let superscripts: [Character: Character] = ["-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"]
        return sign + String(format: "%.3f", mantissa) + "×10" + String(String(exponent).compactMap { superscripts[$0] })
    }

    /// The template context, typed (see `ReportContext`).
    func context(commands: ReproduceCommands) throws -> ReportContext {
        let config = run.config
        let summaries = try run.models.map { try ModelPlan($0.spec) }
        let claims = try ClaimChecker(models: run.models, labels: run.testLabels).all()
        guard run.models.allSatisfy({ !$0.metrics.isEmpty }) else {
            throw ReportError.template(path: "run \(run.id)", reason: "a unit has no finished epoch to report")
        }
        func claimRow(_ c: Claim) -> ReportContext.ClaimRow {
            ReportContext.ClaimRow(statement: c.statement.text(language), evidence: c.evidence.text(language),
                                   rule: c.rule.text(language), verdict: c.verdict.words.text(language), mark: c.verdict.mark)
        }
        let originalClaims = claims.filter { $0.source == .original }
        let paired = pairedRows()
        let totalSeconds = run.models.flatMap { $0.metrics.map { $0.trainSeconds + $0.evalSeconds } }.reduce(0, +)
        let verification = verificationSection()
        let errors = ErrorsSection(models: run.models, labels: run.testLabels, language: language)
        let hasMissed = errors != nil && run.testImages != nil
        // Figures are numbered in the order of the sections that show them.
        let figureOrder = run.models.map { "figures/\($0.spec.id).png" } + ["figures/comparison.png"] + (errors == nil ? [] : ["figures/confusion.png"])
            + (hasMissed ? ["figures/missed.png"] : []) + ["figures/timings.png"]
        let number = { (figure: String) in figureOrder.firstIndex(of: figure).map { String($0 + 1) } ?? "" }
        let seeds = try acrossSeeds()
        let parameterTables = parameters(summaries)
        let noise = seeds?.noise ?? text(.conclusionNoStudy)
        let conclusion = Story.conclusion(findings: Dictionary(claims.map { ($0.id, $0.finding) }, uniquingKeysWith: { a, _ in a }), specs: ClaimSpec.homework,
                                          plans: summaries, epochs: run.models.map(\.metrics.count).min() ?? 0, noise: noise, language: language)
        return ReportContext(
            lang: language.rawValue, course: Original.course, assignment: Original.assignment,
            dataset: Self.datasetName(config.settings.dataset.name),
            runId: run.id.rawValue, regenerate: commands.regenerate, verifyFirstEpoch: commands.verifyFirstEpoch, verifyEveryEpoch: commands.verifyEveryEpoch,
            seed: SeedList(config.seeds).description, epochs: String(config.settings.epochs), batchSize: String(config.settings.batchSize),
            batches: String((trainCount + config.settings.batchSize - 1) / config.settings.batchSize),
            trainCount: TextFormat.thousands(trainCount), normalisation: Self.normalisation(config),
            isHomework: config.isHomework, homeworkSeed: SeedList(Homework.seeds).description,
            homeworkEpochs: String(Homework.epochs), homeworkBatchSize: String(Homework.batchSize),
            homeworkDataset: Self.datasetName(Homework.dataset.name),
            architecture: ArchitectureSection(summaries, language: language).models,
            models: modelRows(number: number), results: results(), paired: paired, hasPaired: !paired.isEmpty,
            differenceNote: differenceNote(), study: study, hasStudy: study != nil, acrossSeeds: seeds,
            hasErrors: errors != nil, hasMissed: hasMissed,
            confusionFigure: "figures/confusion.png", confusionNumber: number("figures/confusion.png"),
            missedFigure: "figures/missed.png", missedNumber: number("figures/missed.png"),
            confusedMost: errors?.confusedMost ?? "", perClass: errors?.perClass ?? [],
            modelTitles: run.models.map { TitleRow(title: $0.spec.title) },
            parameters: parameterTables, parameterRows: Self.sideBySide(parameterTables), compute: compute(summaries), computeOrder: computeOrder(summaries),
            claims: originalClaims.map(claimRow), extensionClaims: claims.filter { $0.source == .extension_ }.map(claimRow),
            claimTally: Claim.Verdict.tally(originalClaims.map(\.verdict), language: language),
            claimsTotal: String(originalClaims.count),
            comparisonFigure: "figures/comparison.png", comparisonNumber: number("figures/comparison.png"),
            epochTable: epochTable(), timings: timings(), totalMinutes: String(format: "%.1f", totalSeconds / 60),
            timingsFigure: "figures/timings.png", timingsNumber: number("figures/timings.png"),
            reproducibility: reproducibility(),
            verification: verification, hasVerification: verification != nil,
            assumptions: Story.assumptions(summaries, config: config, language: language),
            overfitting: Story.overfitting(run.models, language: language), conclusion: conclusion,
            appendixTitle: text(.appendixTitle))
    }

    /// One section per model: its figure and the last batch's loss beside the original's.
    func modelRows(number: (String) -> String) -> [ReportContext.Model] {
        run.models.compactMap { model in
            guard let m = model.metrics.last else { return nil }
            return ReportContext.Model(
                title: model.spec.title, summary: model.spec.summary,
                figure: "figures/\(model.spec.id).png", number: number("figures/\(model.spec.id).png"),
                // Four decimals as PyTorch printed them in the original; tiny losses would all read 0.0000.
                lastBatchLoss: m.lastBatchLoss >= 1e-4 ? String(format: "%.4f", m.lastBatchLoss) : MinusSign.inText(String(format: "%.1e", m.lastBatchLoss)),
                originalLastBatchLoss: Original.result(model.spec.id).map { String(format: "%.4f", $0.lastBatchLoss) } ?? "-")
        }
    }

    /// Final and best numbers per model beside the original's, with each accuracy's Wilson interval.
    func results() -> [ReportContext.Result] {
        run.models.compactMap { model in
            guard let m = model.metrics.last else { return nil }
            let o = Original.result(model.spec.id)
            let best = model.metrics.map(\.testAccuracy).max() ?? 0
            return ReportContext.Result(
                title: model.spec.title,
                trainLoss: Self.loss(m.trainLoss),
                originalTrainLoss: o.map { Self.loss($0.finalTrainLoss) } ?? "-",
                trainLossDifference: o.map { Self.scientific(m.trainLoss - $0.finalTrainLoss, signed: true) } ?? "-",
                testAccuracy: Numbers.percent(m.testAccuracy),
                interval: Self.wilsonText(m.testAccuracy, testCount),
                originalTestAccuracy: o.map { Numbers.percent($0.finalTestAccuracy) } ?? "-",
                testAccuracyDifference: o.map { Numbers.signed(100 * (m.testAccuracy - $0.finalTestAccuracy)) + " pt" } ?? "-",
                bestTestAccuracy: Numbers.percent(best),
                bestEpoch: model.metrics.filter { $0.testAccuracy == best }.map { String($0.epoch) }.joined(separator: ", "))
        }
    }

    /// The original's parameter table per model, recomputed from the plans, its slips named.
    func parameters(_ plans: [ModelPlan]) -> [ReportContext.Parameters] {
        zip(run.models, plans).map { model, summary in
            let stated = Original.result(model.spec.id)?.statedWeightTotal
            let rows = ParameterRow.rows(summary).map { row in
                let p = row.parameter
                var formula = row.formula
                if let typed = Original.typedFormulas["\(model.spec.id)/\(p.name)"] { formula += " (" + text(.typed) + " \(typed))" }
                return ReportContext.Parameters.Row(label: row.label, formula: formula, weights: TextFormat.thousands(p.weights))
            }
            var note = ""
            if let stated, stated != summary.weightCount {
                note = text(.parameterSlip, ["stated": TextFormat.thousands(stated), "model": model.spec.title, "sum": TextFormat.thousands(summary.weightCount),
                                             "difference": TextFormat.thousands(summary.weightCount - stated)])
            }
            return ReportContext.Parameters(
                title: model.spec.title, rows: rows,
                weights: TextFormat.thousands(summary.weightCount),
                total: TextFormat.thousands(summary.parameterCount), stated: stated.map(TextFormat.thousands) ?? "-",
                note: note, hasNote: !note.isEmpty)
        }
    }

    /// The models' parameter rows side by side, line by line; a model with fewer layers leaves its cells empty.
    static func sideBySide(_ tables: [ReportContext.Parameters]) -> [ReportContext.ParameterRow] {
        (0..<(tables.map(\.rows.count).max() ?? 0)).map { i in
            ReportContext.ParameterRow(cells: tables.map { table in
                i < table.rows.count ? table.rows[i] : .init(label: "", formula: "", weights: "")
            })
        }
    }

    /// Multiply-adds and FLOPs counted from the plans.
    func compute(_ plans: [ModelPlan]) -> [ReportContext.Compute] {
        zip(run.models, plans).map { model, s in
            ReportContext.Compute(
                title: model.spec.title, forwardMACs: TextFormat.thousands(s.forwardMACs),
                forwardFLOPs: String(format: "%.1f M", 2 * Double(s.forwardMACs) / 1e6),
                trainingFLOPs: String(format: "%.1f M", 2 * Double(s.trainingMACs) / 1e6),
                epochFLOPs: String(format: "%.2f × 10¹²", 2 * Double(s.trainingMACs) * Double(trainCount) / 1e12))
        }
    }

    /// McNemar's exact test of each pair of models on their final predictions of the same test images.
    func pairedRows() -> [ReportContext.Paired] {
        let models = run.models
        let pairs = models.indices.flatMap { i in models.indices.filter { $0 > i }.map { (models[i], models[$0]) } }
        return pairs.compactMap { x, y -> ReportContext.Paired? in
            guard let m = Statistics.mcnemar(x.predictions.last, y.predictions.last, labels: run.testLabels) else { return nil }
            return ReportContext.Paired(first: x.spec.title, second: y.spec.title, onlyFirst: String(m.onlyFirst), onlySecond: String(m.onlySecond),
                                        p: Numbers.p(m.p), significant: text(m.p < ClaimChecker.level ? .yes : .no))
        }
    }

    /// Every epoch of every model: training loss and test accuracy.
    func epochTable() -> [ReportContext.EpochRow] {
        (0..<(run.models.map(\.metrics.count).max() ?? 0)).map { e in
            ReportContext.EpochRow(epoch: String(e + 1), cells: run.models.map { m in
                guard e < m.metrics.count else { return .init(loss: "-", accuracy: "-") }
                return .init(loss: Self.loss(m.metrics[e].trainLoss), accuracy: Numbers.percent(m.metrics[e].testAccuracy))
            })
        }
    }

    /// Measured seconds per epoch, on the machine of the run.
    func timings() -> [ReportContext.Timing] {
        run.models.map { m in
            let train = m.metrics.map(\.trainSeconds), eval = m.metrics.map(\.evalSeconds)
            return ReportContext.Timing(
                title: m.spec.title,
                trainSeconds: String(format: "%.1f", Statistics.mean(train)),
                evalSeconds: String(format: "%.1f", Statistics.mean(eval)),
                totalMinutes: String(format: "%.1f", (train.reduce(0, +) + eval.reduce(0, +)) / 60),
                samplesPerSecond: String(format: "%.0f", Double(trainCount) / max(Statistics.mean(train), 1e-9)))
        }
    }

    /// The run's last verification by retraining, if any.
    func verificationSection() -> ReportContext.Verification? {
        run.verification.map { v in
            ReportContext.Verification(
                date: Self.time(v.date), epochs: String(v.epochs), threads: String(v.threads),
                bitsPromised: v.bitsPromised,
                tolerance: String(Verification.tolerance),
                machine: text(.kernelPath, ["cpu": v.environment.cpu, "path": v.environment.kernel.rawValue]),
                models: v.units.map { r in
                    .init(model: run.units.first { $0.manifest.unitId == r.unitId }?.spec.title ?? r.model.rawValue, epochs: String(r.epochsCompared),
                          result: r.identical ? text(.identical) : text(.differsFrom, ["epoch": String(r.firstDifferingEpoch ?? 0)]),
                          largestDifference: String(format: "%.3g", r.largestDifference))
                })
        }
    }

    /// How far this run is from the original, and why a difference of that size is expected.
    func differenceNote() -> String {
        let largestGap = run.models.compactMap { model in
            model.metrics.last.flatMap { m in Original.result(model.spec.id).map { abs(m.testAccuracy - $0.finalTestAccuracy) * 100 } }
        }.max() ?? 0
        return run.config.isHomework
            ? text(.differenceHomework, ["gap": String(format: "%.2f", largestGap), "images": TextFormat.thousands(testCount),
                                         "point": String(format: "%g", 100 / Double(max(1, testCount)))])
            : text(.differenceOther)
    }

    /// What a reader needs to make this run again and check it: configuration, reduction order, machine, code, digests.
    func reproducibility() -> ReportContext.Reproducibility {
        let config = run.config
        let sessions = run.models.flatMap(\.manifest.sessions)
        return ReportContext.Reproducibility(
            adam: Self.adam(config),
            shards: String(config.settings.reduction.shards),
            normalisation: Self.normalisation(config),
            limitTrain: config.settings.limitTrain.map(String.init) ?? text(.allImages),
            datasetDigests: config.settings.dataset.sha256.sorted { $0.key < $1.key }.map { .init(file: $0.key, sha256: $0.value) },
            evalBatch: String(config.settings.evalBatchSize),
            machine: Self.machines(sessions.map(\.environment), language: language),
            contract: String(config.settings.reduction.kernelContract),
            guarantee: config.settings.reduction != .current
                ? text(.otherReduction)
                : text(.sameBits),
            toolchain: Self.distinct(sessions.map { "\($0.environment.swiftVersion); \($0.environment.os)" }),
            commit: Self.distinct(sessions.map { $0.code.gitCommit + ($0.code.gitDirty ? text(.uncommitted) : "") }),
            started: sessions.map(\.started).min().map(Self.time) ?? "-", finished: sessions.compactMap(\.finished).max().map(Self.time) ?? "-",
            weights: run.models.map { .init(title: $0.spec.title, unit: $0.manifest.unitId.rawValue, sha256: $0.weightsSha256) },
            resumed: run.models.filter { !$0.manifest.resumedAfter.isEmpty }.map { m in
                .init(title: m.spec.title, after: m.manifest.resumedAfter.map(String.init).joined(separator: ", "))
            })
    }

    /// Each model's final test accuracy across the linked study's seeds beside
    /// this run's, and the two numbers to weigh a difference against: the widest
    /// spread of one model across seeds, the widest gap between two models' means.
    func acrossSeeds() throws -> ReportContext.AcrossSeeds? {
        guard let studyRun, study != nil else { return nil }
        var sameSettings = run.config
        sameSettings.seeds = studyRun.config.seeds
        guard sameSettings == studyRun.config else { return nil }
        let studyModel = StudyModel(run: studyRun, language: language)
        let models = studyModel.byModel.map { model in
            (spec: model.spec, finals: model.units.compactMap { $0.metrics.last?.testAccuracy })
        }.filter { !$0.finals.isEmpty }
        guard !models.isEmpty else { return nil }
        let means = models.map { Statistics.mean($0.finals) }
        let spread = models.map { ($0.finals.max() ?? 0) - ($0.finals.min() ?? 0) }.max() ?? 0
        let gap = (means.max() ?? 0) - (means.min() ?? 0)
        let seedList = SeedList(studyRun.config.seeds).description, spreadText = String(format: "%.2f", 100 * spread), gapText = String(format: "%.2f", 100 * gap)
        let tally = Claim.Verdict.tally(try studyModel.claims().filter { $0.claim.source == .original }.map(\.verdict), language: language)
        // Compared as printed, so the sentence agrees with its own numbers.
        let noise = text((Double(spreadText) ?? 0) > (Double(gapText) ?? 0) ? .conclusionNoise : .conclusionNoiseSmall,
                         ["seeds": seedList, "spread": spreadText, "gap": gapText, "tally": tally])
        return ReportContext.AcrossSeeds(
            seeds: seedList,
            rows: models.map { model in
                .init(title: model.spec.title, final: StudyModel.spread(model.finals, percent: true),
                      thisRun: run.models.first { $0.spec == model.spec }?.metrics.last.map { Numbers.percent($0.testAccuracy) } ?? "-")
            },
            seedSpread: spreadText, modelGap: gapText, studyTally: tally, noise: noise)
    }

    /// The dataset as a reader knows it: "MNIST", "Fashion-MNIST".
    static func datasetName(_ name: String) -> String {
        switch name {
        case "mnist": return "MNIST"
        case "fashion-mnist": return "Fashion-MNIST"
        default: return name
        }
    }

    /// The optimizer's settings as the report prints them.
    static func adam(_ config: RunConfig) -> String {
        let adam = config.settings.adam
        return MinusSign.inText(String(format: "Adam (lr %g, betas %g/%g, eps %g)", adam.learningRate, adam.beta1, adam.beta2, adam.epsilon))
    }

    /// How pixels are normalised, as a formula.
    static func normalisation(_ config: RunConfig) -> String {
        String(format: "(x/255 − %g) / %g", config.settings.dataset.mean, config.settings.dataset.std)
    }

    /// The machines the sessions ran on, one entry per CPU and kernel path with
    /// the thread counts it ran with: "Xeon (2 cores); kernel path avx512, 1 or 2 thread(s)".
    static func machines(_ environments: [RunEnvironment], language: Language) -> String {
        var order: [String] = []
        var workers: [String: [Int]] = [:]
        var machines: [String: RunEnvironment] = [:]
        for e in environments {
            let key = e.cpu + "\u{0}" + e.kernel.rawValue
            if workers[key] == nil { order.append(key); machines[key] = e }
            if workers[key, default: []].contains(e.workers) == false { workers[key, default: []].append(e.workers) }
        }
        return order.compactMap { key in
            machines[key].map { e in
                Catalog.text(.machine, language, ["cpu": e.cpu, "path": e.kernel.rawValue,
                                                  "workers": (workers[key] ?? []).sorted().map(String.init).joined(separator: Catalog.text(.or, language))])
            }
        }.joined(separator: " / ")
    }

    /// An archive timestamp as the reports show it: to the second ("2026-11-30T01:00:34Z").
    static func time(_ stamp: String) -> String {
        guard let dot = stamp.firstIndex(of: "."), stamp.hasSuffix("Z") else { return stamp }
        return String(stamp[..<dot]) + "Z"
    }

    /// The distinct values in first-seen order, joined: one line when every unit ran alike.
    static func distinct(_ values: [String]) -> String {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }.joined(separator: " / ")
    }

    /// The 95% Wilson interval of an accuracy on `n` test images, as "98.95-99.33%".
    static func wilsonText(_ accuracy: Double, _ n: Int) -> String {
        let w = Statistics.wilson(Int((accuracy * Double(n)).rounded()), n)
        return String(format: "%.2f-%.2f%%", 100 * w.lowerBound, 100 * w.upperBound)
    }

    var testCount: Int { run.testLabels?.count ?? run.models.first?.predictions.first?.count ?? 10_000 }

    var trainCount: Int { run.config.settings.limitTrain.map { min($0, DatasetKind.trainingImageCount) } ?? DatasetKind.trainingImageCount }

    func computeOrder(_ summaries: [ModelPlan]) -> String {
        summaries.sorted { $0.forwardMACs > $1.forwardMACs }.map(\.spec.title).joined(separator: " > ")
    }
}
