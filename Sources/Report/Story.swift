import Engine
import Foundation
import RunArchive
import Support
import Training

/// What the report says beyond its tables: the reconstruction choices and
/// what depends on each, the overfitting the test loss shows, and a
/// conclusion drawn from the verdicts.
enum Story {
    struct Assumption { let choice, ours, depends: String }

    /// The choices the original leaves open (../shared/seed/README.md), each
    /// with what it decides; the pooling row's numbers come from compiling
    /// the other placement.
    static func assumptions(_ plans: [ModelPlan], config: RunConfig, language: Language) -> [Assumption] {
        let text = { (message: Message, values: [String: any CatalogValue]) in Catalog.text(message, language, values) }
        var rows = [
            Assumption(choice: text(.assumePadding, [:]), ours: text(.assumePaddingOurs, [:]), depends: text(.assumePaddingDepends, [:])),
            Assumption(choice: text(.assumeActivation, [:]), ours: text(.assumeActivationOurs, [:]), depends: text(.assumeActivationDepends, [:])),
        ]
        for plan in plans {
            guard let other = pooledLater(plan.spec), let otherPlan = try? ModelPlan(other) else { continue }
            let order = plans.map { $0.spec.id == plan.spec.id ? (otherPlan.forwardMACs, $0.spec.title) : ($0.forwardMACs, $0.spec.title) }
                .sorted { $0.0 > $1.0 }.map(\.1).joined(separator: " > ")
            rows.append(Assumption(choice: text(.assumePooling, ["model": plan.spec.title]), ours: text(.assumePoolingOurs, [:]),
                                   depends: text(.assumePoolingDepends, ["model": plan.spec.title, "alternative": TextFormat.thousands(otherPlan.forwardMACs),
                                                                         "actual": TextFormat.thousands(plan.forwardMACs), "order": order])))
        }
        rows += [
            Assumption(choice: text(.assumeOptimizer, [:]),
                       ours: ReportModel.adam(config),
                       depends: text(.assumeOptimizerDepends, [:])),
            Assumption(choice: text(.assumeScaling, [:]), ours: ReportModel.normalisation(config), depends: text(.assumeScalingDepends, [:])),
            Assumption(choice: text(.assumeInit, [:]), ours: text(.assumeInitOurs, [:]), depends: text(.assumeSeedDepends, [:])),
            Assumption(choice: text(.assumeShuffle, [:]), ours: text(.assumeShuffleOurs, [:]), depends: text(.assumeSeedDepends, [:])),
        ]
        return rows
    }

    /// The model with its pooling moved after the residual blocks that follow
    /// it (the other reading of where a ResNet-style model pools); nil when it has none.
    static func pooledLater(_ spec: ModelSpec) -> ModelSpec? {
        var layers = spec.layers
        guard let pool = layers.firstIndex(where: { if case .maxPool = $0 { return true } else { return false } }) else { return nil }
        var end = pool + 1
        while end < layers.count, case .residual = layers[end] { end += 1 }
        guard end > pool + 1 else { return nil }
        layers.insert(layers.remove(at: pool), at: end - 1)
        return ModelSpec(id: spec.id, title: spec.title, input: spec.input, layers: layers)
    }

    /// Models whose test loss rises by half or more from its lowest epoch to the last.
    static func overfitting(_ models: [UnitRecord], language: Language) -> String {
        let items = models.compactMap { model -> String? in
            let losses = model.metrics.map(\.testLoss)
            guard let low = losses.min(), low > 0, let last = losses.last, last >= 1.5 * low, let at = losses.firstIndex(of: low),
                  let train = model.metrics.last?.trainLoss else { return nil }
            return Catalog.text(.overfitItem, language, ["model": model.spec.title, "low": String(format: "%.3f", low), "epoch": String(at + 1),
                                                         "last": String(format: "%.3f", last), "epochs": String(losses.count), "train": ReportModel.loss(train)])
        }
        return items.isEmpty ? Catalog.text(.overfitNone, language) : Catalog.text(.overfitNote, language, ["items": items.joined(separator: "; ")])
    }

    /// What the conclusion may say of a claim: its verdict and, per measure,
    /// whether that measure was found to support it (one run: above 0; across
    /// seeds: its whole 95% interval above 0); empty when not known.
    struct Finding {
        let verdict: Claim.Verdict
        var supports: [Bool] = []
    }

    /// Which model to choose and why, in the original's terms, from the
    /// findings on its claims (by their rules, so any claim list works), and
    /// what the noise across seeds means for it (`noise`). Nothing is said
    /// that the findings or the counted plans do not show.
    static func conclusion(findings: [String: Finding], specs: [ClaimSpec], plans: [ModelPlan], epochs: Int, noise: String,
                           language: Language) -> String {
        let verdicts = findings.mapValues(\.verdict)
        let text = { (message: Message, values: [String: any CatalogValue]) in Catalog.text(message, language, values) }
        let plan = { (id: ModelID) in plans.first { $0.spec.id == id } }
        let title = { (id: ModelID) in plan(id)?.spec.title ?? id.rawValue }
        var sentences: [String] = []
        for spec in specs {
            guard case let .worst(subject, _) = spec.rule, let finding = findings[spec.id] else { continue }
            guard finding.verdict == .holds else {
                sentences.append(text(.conclusionWorstOther, ["subject": title(subject), "verdict": finding.verdict.words.text(language)]))
                continue
            }
            sentences.append(text(.conclusionWorstHolds, ["subject": title(subject)]))
            let aspects = zip(ClaimChecker.worstAspects, finding.supports).filter(\.1).map { text($0.0, [:]) }
            if !aspects.isEmpty {
                sentences.append(text(.conclusionTrails, ["subject": title(subject), "aspects": aspects.joined(separator: ", ")]))
            }
            let others = plans.filter { $0.spec.id != subject }
            if let mine = plan(subject), !others.isEmpty, others.allSatisfy({ $0.forwardMACs < mine.forwardMACs }) {
                let list = others.map { "\(TextFormat.thousands($0.forwardMACs)) (\($0.spec.title))" }.joined(separator: ", ")
                sentences.append(text(.conclusionMostCompute, ["macs": TextFormat.thousands(mine.forwardMACs), "others": list]))
            }
        }
        for spec in specs {
            guard case let .crossover(a, earlySpan, b, lateSpan) = spec.rule, let verdict = verdicts[spec.id], verdict != .notTestable else { continue }
            let names: [String: any CatalogValue] = ["a": title(a), "b": title(b), "earlyWritten": earlySpan.written, "lateWritten": lateSpan.written]
            if verdict == .holds {
                sentences.append(text(.conclusionPairCrossover, names))
                continue
            }
            let early = aheadVerdict(a, of: b, verdicts: verdicts, specs: specs), late = aheadVerdict(b, of: a, verdicts: verdicts, specs: specs)
            let final = finalComparison(a, b, verdicts: verdicts, specs: specs)
            // "Within noise" only where every one of the three comparisons was judged and found so.
            if [early, late, final.verdict].allSatisfy({ $0 == .notDecided }) {
                sentences.append(text(.conclusionPairOpen, names))
            } else {
                let words = { (v: Claim.Verdict?) in (v ?? .notTestable).words.text(language) }
                sentences.append(text(.conclusionPairOther, names.merging(["crossover": words(verdict), "early": words(early), "late": words(late),
                                                                          "final": words(final.verdict)]) { $1 }))
            }
            if let better = final.better, let worse = [a, b].first(where: { $0 != better }) {
                sentences.append(text(.conclusionBetter, ["better": title(better), "other": title(worse)]))
            } else if final.verdict == .notDecided, let x = plan(a), let y = plan(b) {
                let (cheap, other) = x.forwardMACs <= y.forwardMACs ? (x, y) : (y, x)
                sentences.append(text(.conclusionCheaper, ["cheap": cheap.spec.title, "cheapMacs": TextFormat.thousands(cheap.forwardMACs),
                                                          "cheapParams": TextFormat.thousands(cheap.parameterCount), "other": other.spec.title,
                                                          "otherMacs": TextFormat.thousands(other.forwardMACs), "otherParams": TextFormat.thousands(other.parameterCount)]))
            }
        }
        for spec in specs {
            guard case let .beyond(model, _) = spec.rule, verdicts[spec.id] == .notTestable else { continue }
            sentences.append(text(.conclusionLong, ["model": title(model), "epochs": String(epochs)]))
        }
        return (sentences + [noise]).joined(separator: " ")
    }

    /// The verdict of the claim that `leader` is ahead of `other` over a span, if the list has one.
    static func aheadVerdict(_ leader: ModelID, of other: ModelID, verdicts: [String: Claim.Verdict], specs: [ClaimSpec]) -> Claim.Verdict? {
        specs.first { if case let .ahead(x, y, _) = $0.rule { return x == leader && y == other } else { return false } }.flatMap { verdicts[$0.id] }
    }

    /// The verdict of the final comparison of `a` and `b` (either way round) and,
    /// when it is decided, the model that ends better.
    static func finalComparison(_ a: ModelID, _ b: ModelID, verdicts: [String: Claim.Verdict], specs: [ClaimSpec])
        -> (verdict: Claim.Verdict?, better: ModelID?) {
        for spec in specs {
            guard case let .finalAhead(leader, other) = spec.rule, Set([leader, other]) == Set([a, b]), let verdict = verdicts[spec.id] else { continue }
            return (verdict, verdict == .holds ? leader : verdict == .doesNotHold ? other : nil)
        }
        return (nil, nil)
    }
}
