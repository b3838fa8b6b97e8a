import Engine
import Foundation
import RunArchive
import Support
import Training

/// One statement of the original write-up (or our extension of it), judged
/// against the measured numbers with a rule that is printed beside the verdict.
public struct Claim: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case holds
        case doesNotHold = "does not hold"
        /// The difference is within noise at the stated level.
        case notDecided = "not decided"
        case notTestable = "not testable"
    }

    public enum Source: Sendable {
        case original
        /// Ours, not the original's: listed apart.
        case extension_
    }

    public let id: String
    public let source: Source
    public let verdict: Verdict
    /// The claim as the original makes it (English gloss / Korean original).
    public let statement: Localized
    /// The measured numbers behind the verdict.
    public let evidence: Localized
    /// How the verdict is decided.
    public let rule: Localized
    /// What a seed study judges the claim by: one value per run, positive when
    /// the run supports the claim, combined across seeds by its paired 95% t interval.
    let measures: [Measure]

    /// What the conclusion reads of it: a measure supports the claim when it is above 0.
    var finding: Story.Finding { Story.Finding(verdict: verdict, supports: measures.map { $0.value > 0 }) }
}

/// A per-run quantity behind a claim, positive when the run supports it.
struct Measure: Sendable {
    enum Unit: Sendable { case points, epochs }
    let name: Localized
    /// Points as a fraction (0.0018 for 0.18 points), epochs as a count.
    let value: Double
    let unit: Unit
    /// A tie counts against the claim: reaching a level at the same epoch is not needing more epochs.
    var tieAgainst = false

    func shown(_ x: Double) -> String {
        unit == .points ? Numbers.signed(100 * x) : Numbers.signed(x, decimals: 1)
    }
}

extension Claim.Verdict {
    /// The verdict as the report writes it.
    var words: Localized {
        switch self {
        case .holds: return Catalog.localized(.holds)
        case .doesNotHold: return Catalog.localized(.doesNotHold)
        case .notDecided: return Catalog.localized(.notDecided)
        case .notTestable: return Catalog.localized(.notTestable)
        }
    }

    /// The verdict's mark in the claims tables.
    var mark: String {
        switch self {
        case .holds: return "✔"
        case .doesNotHold: return "✘"
        case .notDecided: return "≈"
        case .notTestable: return "–"
        }
    }

    /// How many of `verdicts` got each verdict, every verdict named: "holds 4, does not hold 2,
    /// not decided 5, not testable 2"; with `omittingZero`, only the verdicts that occur.
    static func tally(_ verdicts: [Claim.Verdict], language: Language, omittingZero: Bool = false) -> String {
        allCases.compactMap { v -> String? in
            let n = verdicts.filter { $0 == v }.count
            guard n > 0 || !omittingZero else { return nil }
            return Catalog.text(.tallyItem, language, ["verdict": v.words.text(language), "count": String(n)])
        }.joined(separator: ", ")
    }
}

/// Judges claims (data: `ClaimSpec`) on one seed's models, whichever and
/// however many they are. Two models on the same test images are compared by
/// McNemar's exact test on their paired predictions, a range of epochs by
/// the sign test over the epochs; both at the 5% level. The sign test treats
/// correlated epochs as independent and best epochs are chosen on the test
/// set, so those one-run verdicts are lenient and their rules say so; the
/// seed study's paired t intervals are the stronger test.
public struct ClaimChecker {
    let models: [UnitRecord]
    let plans: [ModelID: ModelPlan]
    /// The test set's labels, to tell right predictions from wrong; nil when the archive lacks them.
    let labels: [UInt8]?
    let specs: [ClaimSpec]
    static let level = 0.05

    init(models: [UnitRecord], labels: [UInt8]?, claims: [ClaimSpec] = ClaimSpec.homework) throws {
        var plans: [ModelID: ModelPlan] = [:]
        for model in models { plans[model.spec.id] = try ModelPlan(model.spec) }
        self.models = models
        self.plans = plans
        self.labels = labels
        self.specs = claims
    }

    typealias Outcome = (verdict: Claim.Verdict, evidence: Localized, measures: [Measure])

    var epochs: Int { models.map(\.metrics.count).min() ?? 0 }
    func unit(_ id: ModelID) -> UnitRecord? { models.first { $0.spec.id == id } }
    func title(_ id: ModelID) -> String { unit(id)?.spec.title ?? id.rawValue }
    func accuracy(_ id: ModelID) -> [Double] { unit(id)?.metrics.map(\.testAccuracy) ?? [] }
    /// A model's test predictions after `epoch` (1-based), if archived.
    func predictions(_ id: ModelID, _ epoch: Int) -> [UInt8]? {
        unit(id).flatMap { $0.predictions.indices.contains(epoch - 1) ? $0.predictions[epoch - 1] : nil }
    }
    func others(than id: ModelID) -> [ModelID] { models.map(\.spec.id).filter { $0 != id } }
    static func list(_ items: [String]) -> String { items.joined(separator: ", ") }

    public func all() -> [Claim] { specs.map(evaluate) }

    func claim(_ id: String) -> Claim? { specs.first { $0.id == id }.map(evaluate) }

    func evaluate(_ spec: ClaimSpec) -> Claim {
        let rule = ruleText(spec.rule)
        func claim(_ o: Outcome) -> Claim {
            Claim(id: spec.id, source: spec.source, verdict: o.verdict, statement: spec.statement, evidence: o.evidence, rule: rule, measures: o.measures)
        }
        let missing = spec.rule.named.filter { unit($0) == nil }
        guard missing.isEmpty else {
            return claim((.notTestable, Catalog.localized(.needsModels, ["models": Self.list(missing.map(\.rawValue))]), []))
        }
        guard epochs > 0 else { return claim((.notTestable, Catalog.localized(.needsEpochs, ["need": "1", "epochs": "0"]), [])) }
        switch spec.rule {
        case let .countedOrder(quantity, ids): return claim(countedOrder(quantity, ids))
        case let .countedRatio(quantity, a, b, factor, tolerance): return claim(countedRatio(quantity, a, b, factor, tolerance))
        case let .slowestToTrain(subject): return claim(slowestToTrain(subject))
        case let .latestToReach(level, subject): return claim(latestToReach(level, subject))
        case let .lowestBest(subject, span): return claim(lowestBest(subject, span))
        case let .knee(span): return claim(knee(span))
        case let .ahead(leader, other, span): return claim(ahead(leader, other, span))
        case let .finalAhead(leader, other): return claim(finalAhead(leader, other))
        case let .worst(subject, early): return claim(worst(subject, early))
        case let .crossover(early, earlySpan, late, lateSpan): return claim(crossover(early, earlySpan, late, lateSpan))
        case .beyond: return claim((.notTestable, Catalog.localized(.beyondEvidence, ["epochs": String(epochs)]), []))
        }
    }

    func ruleText(_ rule: ClaimRule) -> Localized {
        switch rule {
        case .countedOrder: return Catalog.localized(.countedOrderRule)
        case let .countedRatio(_, _, _, factor, tolerance):
            return Catalog.localized(.countedRatioRule, ["factor": String(format: "%g", factor), "tolerance": String(format: "%g", 100 * tolerance)])
        case let .slowestToTrain(subject): return Catalog.localized(.largestRule, ["subject": title(subject)])
        case let .latestToReach(level, subject):
            return Catalog.localized(.firstReachingRule, ["subject": title(subject), "level": String(format: "%.0f%%", 100 * level)])
        case let .lowestBest(subject, span):
            return Catalog.localized(.lowestRule, ["subject": title(subject), "written": span.written]) + Catalog.localized(.lenientBestEpochs)
        case let .knee(span): return Catalog.localized(.kneeRule, ["written": span.written])
        case .ahead: return Catalog.localized(.signRule) + Catalog.localized(.lenientEpochs)
        case .finalAhead: return Catalog.localized(.mcnemarRule)
        case let .worst(subject, early):
            return Catalog.localized(.worstRule, ["subject": title(subject), "written": early.written]) + Catalog.localized(.lenientEpochs)
        case let .crossover(early, earlySpan, late, lateSpan):
            return Catalog.localized(.crossoverRule, ["early": title(early), "late": title(late),
                                                      "earlyWritten": earlySpan.written, "lateWritten": lateSpan.written]) + Catalog.localized(.lenientEpochs)
        case let .beyond(_, limit): return Catalog.localized(.beyondRule, ["epochs": String(limit)])
        }
    }

    // MARK: Counted and measured once

    func count(_ quantity: Counted, _ id: ModelID) -> Int {
        switch quantity {
        case .forwardMACs: return plans[id]?.forwardMACs ?? 0
        case .parameters: return plans[id]?.parameterCount ?? 0
        }
    }

    func countedOrder(_ quantity: Counted, _ ids: [ModelID]) -> Outcome {
        let counts = ids.map { count(quantity, $0) }
        let holds = zip(counts, counts.dropFirst()).allSatisfy { $0 > $1 }
        let name: Message = quantity == .forwardMACs ? .forwardMACs : .parameterCount
        let items = Localized.joined(zip(ids, counts).map { Catalog.localized(.valueItem, ["model": title($0), "value": TextFormat.thousands($1)]) },
                                     separator: ", ")
        return (holds ? .holds : .doesNotHold,
                Catalog.localized(.countedEvidence, ["quantity": Catalog.localized(name), "list": items]), [])
    }

    func countedRatio(_ quantity: Counted, _ a: ModelID, _ b: ModelID, _ factor: Double, _ tolerance: Double) -> Outcome {
        let mine = count(quantity, a), theirs = max(1, count(quantity, b))
        let ratio = Double(mine) / Double(theirs)
        return (abs(ratio / factor - 1) <= tolerance ? .holds : .doesNotHold,
                Catalog.localized(.ratioEvidence, ["first": TextFormat.thousands(mine), "second": TextFormat.thousands(theirs),
                                                   "ratio": String(format: "%.2f", ratio)]), [])
    }

    func slowestToTrain(_ subject: ModelID) -> Outcome {
        let rivals = others(than: subject)
        guard !rivals.isEmpty else { return (.notTestable, Catalog.localized(.needsOtherModel, ["subject": title(subject)]), []) }
        let machines = Set(models.flatMap { $0.manifest.sessions.map { "\($0.environment.cpu) \($0.environment.workers)" } })
        guard machines.count <= 1 else {
            return (.notTestable, Catalog.localized(.timedApart, ["count": String(machines.count)]), [])
        }
        let seconds = { (id: ModelID) in Statistics.mean(self.unit(id)?.metrics.map(\.trainSeconds) ?? []) }
        let holds = rivals.allSatisfy { seconds(subject) > seconds($0) }
        let items = Localized.joined(models.map {
            Catalog.localized(.secondsItem, ["model": $0.spec.title, "seconds": String(format: "%.1f", seconds($0.spec.id))])
        }, separator: ", ")
        return (holds ? .holds : .doesNotHold, Catalog.localized(.secondsEvidence, ["list": items]), [])
    }

    // MARK: Epochs to a level

    /// First epoch (1-based) at which test accuracy reaches `level`.
    func firstEpoch(_ id: ModelID, reaching level: Double) -> Int? {
        accuracy(id).firstIndex { $0 >= level }.map { $0 + 1 }
    }

    func latestToReach(_ level: Double, _ subject: ModelID) -> Outcome {
        let rivals = others(than: subject)
        guard !rivals.isEmpty else { return (.notTestable, Catalog.localized(.needsOtherModel, ["subject": title(subject)]), []) }
        let label = String(format: "%.0f%%", 100 * level)
        let items = { (language: Language) in Self.list(self.models.map { m in
            self.firstEpoch(m.spec.id, reaching: level).map { Catalog.text(.firstEpochItem, language, ["model": m.spec.title, "epoch": String($0)]) }
                ?? Catalog.text(.notWithin, language, ["model": m.spec.title, "epochs": String(self.epochs)])
        }) }
        let evidence = Catalog.localized(.firstReachingEvidence, ["level": label, "list": Localized(items(.en), items(.ko))])
        let mine = firstEpoch(subject, reaching: level), theirs = rivals.map { firstEpoch($0, reaching: level) }
        guard mine != nil || theirs.contains(where: { $0 != nil }) else { return (.notTestable, evidence, []) }
        // Never reaching it within the run is later than reaching it at any epoch, and cannot be ordered against another that never does.
        let later = theirs.map { theirs -> Bool? in
            switch (mine, theirs) {
            case let (m?, r?): return m > r
            case (nil, .some): return true
            case (.some, nil): return false
            case (nil, nil): return nil
            }
        }
        let verdict: Claim.Verdict = later.contains(false) ? .doesNotHold : later.contains(nil) ? .notTestable : .holds
        // A lag in epochs only when every model reaches the level: a run that ends first says the lag is longer, not how long.
        guard let mine, let latest = theirs.compactMap({ $0 }).max(), !theirs.contains(nil) else { return (verdict, evidence, []) }
        let measure = Measure(name: Catalog.localized(.lagMeasure, ["subject": title(subject)]), value: Double(mine - latest), unit: .epochs, tieAgainst: true)
        return (verdict, evidence, [measure])
    }

    // MARK: Ranges of epochs on the original's axis

    /// The run's epochs in `span` under both readings of the original's axis:
    /// from 1, and from 0 (matplotlib's default index, so `[0,10]` is epochs
    /// 1-11). Both are judged; when they disagree the claim is not decided.
    /// Measures are taken on the epochs both readings share, so a seed study
    /// does not depend on the verdicts agreeing.
    func bothReadings(_ span: EpochSpan, _ judge: (ClosedRange<Int>) -> (Claim.Verdict, Localized))
        -> (verdict: Claim.Verdict, evidence: Localized, shared: ClosedRange<Int>?) {
        guard let (oneBased, zeroBased) = readings(span) else {
            return (.notTestable, Catalog.localized(.readingsOutOfRange, ["epochs": String(epochs), "written": span.written]), nil)
        }
        let shared = Self.shared(oneBased, zeroBased)
        let a = judge(oneBased), b = judge(zeroBased)
        let one = Self.span(oneBased), zero = Self.span(zeroBased)
        if a.0 == b.0 {
            return (a.0, a.1 + Catalog.localized(.readingsAgree, ["written": span.written, "one": one, "zero": zero]), shared)
        }
        if a.1 == b.1 {
            return (.notDecided, a.1 + Catalog.localized(.readingsDisagreeOnVerdict, ["written": span.written, "one": one, "zero": zero,
                                                                                     "first": a.0.words, "second": b.0.words]), shared)
        }
        return (.notDecided, Catalog.localized(.readingsDisagree, ["one": one, "zero": zero, "first": a.1, "second": b.1]), shared)
    }

    /// The span's epochs read from 1 and read from 0, within the run; nil when either reading leaves the run.
    func readings(_ span: EpochSpan) -> (oneBased: ClosedRange<Int>, zeroBased: ClosedRange<Int>)? {
        let oneUpper = min(span.to ?? epochs, epochs), zeroUpper = min((span.to ?? epochs - 1) + 1, epochs)
        guard max(span.from, 1) <= oneUpper, span.from + 1 <= zeroUpper else { return nil }
        return (max(span.from, 1)...oneUpper, (span.from + 1)...zeroUpper)
    }

    /// The epochs both readings of a span share.
    static func shared(_ oneBased: ClosedRange<Int>, _ zeroBased: ClosedRange<Int>) -> ClosedRange<Int>? {
        zeroBased.lowerBound <= oneBased.upperBound ? zeroBased.lowerBound...oneBased.upperBound : nil
    }

    static func span(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)-\(range.upperBound)" }

    /// Epochs a span needs for both readings of the axis to fit in the run.
    static func needs(_ span: EpochSpan) -> Int { (span.to ?? span.from + 1) + 1 }

    func window(_ values: [Double], _ range: ClosedRange<Int>) -> [Double] {
        Array(values.enumerated().filter { range.contains($0.offset + 1) }.map(\.element))
    }

    /// The best accuracy of a model in a range and the first epoch it is reached.
    func best(_ id: ModelID, _ range: ClosedRange<Int>) -> (value: Double, epoch: Int) {
        let values = window(accuracy(id), range)
        let top = values.max() ?? 0
        return (top, range.lowerBound + (values.firstIndex(of: top) ?? 0))
    }

    /// The original's words for levels of accuracy, reported beside the relative reading.
    static func band(_ accuracy: Double) -> Message {
        accuracy >= 0.99 ? .band99 : accuracy >= 0.986 ? .bandHigh98 : accuracy >= 0.98 ? .bandLowToMid98 : .bandBelow98
    }

    func notEnough(_ need: Int) -> Outcome {
        (.notTestable, Catalog.localized(.needsEpochs, ["need": String(need), "epochs": String(epochs)]), [])
    }

    func lowestBest(_ subject: ModelID, _ span: EpochSpan) -> Outcome {
        let rivals = others(than: subject)
        guard !rivals.isEmpty else { return (.notTestable, Catalog.localized(.needsOtherModel, ["subject": title(subject)]), []) }
        guard epochs >= Self.needs(span) else { return notEnough(Self.needs(span)) }
        let reading = bothReadings(span) { range in
            let bests = models.map { (id: $0.spec.id, best: best($0.spec.id, range)) }
            let items = Localized.joined(bests.map { Catalog.localized(.valueItem, ["model": title($0.id), "value": Numbers.percent($0.best.value)]) },
                                         separator: ", ")
            let mine = best(subject, range)
            guard let weaker = rivals.map({ (id: $0, best: best($0, range)) }).min(by: { $0.best.value < $1.best.value }),
                  let m = Statistics.mcnemar(predictions(subject, mine.epoch), predictions(weaker.id, weaker.best.epoch), labels: labels) else {
                return (.notTestable, Catalog.localized(.noPredictions))
            }
            let verdict: Claim.Verdict = m.p >= Self.level ? .notDecided : m.onlySecond > m.onlyFirst ? .holds : .doesNotHold
            let bands = { (language: Language) in Self.list(bests.map {
                Catalog.text(.bandItem, language, ["model": self.title($0.id), "band": Catalog.text(Self.band($0.best.value), language)])
            }) }
            let range = Self.span(range)
            return (verdict, Catalog.localized(.lowestEvidence, ["range": range, "list": items, "subject": title(subject), "other": title(weaker.id),
                                                                 "onlyFirst": String(m.onlyFirst), "onlySecond": String(m.onlySecond), "p": Numbers.p(m.p)])
                    + Catalog.localized(.bandsEvidence, ["list": Localized(bands(.en), bands(.ko))]))
        }
        let measures = reading.shared.map { range in
            [Measure(name: Catalog.localized(.gapMeasure, ["subject": title(subject), "range": Self.span(range)]),
                     value: (rivals.map { best($0, range).value }.min() ?? 0) - best(subject, range).value, unit: .points)]
        } ?? []
        return (reading.verdict, reading.evidence, measures)
    }

    /// Kneedle's rule: the epoch farthest below the chord from the first to the last point.
    static func knee(_ values: [Double]) -> Int? {
        guard values.count >= 3, let first = values.first, let last = values.last, first != last else { return nil }
        let n = Double(values.count - 1)
        let distances = values.enumerated().map { i, y -> Double in
            let chord = first + (last - first) * Double(i) / n
            return (chord - y) / abs(first - last)
        }
        return distances.indices.max { distances[$0] < distances[$1] }.map { $0 + 1 }
    }

    func knee(_ span: EpochSpan) -> Outcome {
        guard epochs >= Self.needs(span) else { return notEnough(Self.needs(span)) }
        let losses = models.map { $0.metrics.map(\.trainLoss) }
        let linear = losses.map(Self.knee), logarithmic = losses.map { Self.knee($0.map { log10(max($0, 1e-30)) }) }
        let items = { (knees: [Int?]) in
            Localized.joined(zip(self.models, knees).map { Catalog.localized(.kneeItem, ["model": $0.spec.title, "epoch": $1.map(String.init) ?? "-"]) },
                             separator: ", ")
        }
        let evidence = Catalog.localized(.kneeEvidence, ["linear": items(linear), "log": items(logarithmic)])
        let reading = bothReadings(span) { range in
            (linear.allSatisfy { $0.map(range.contains) ?? false } ? .holds : .doesNotHold, evidence)
        }
        return (reading.verdict, reading.evidence, [])
    }

    /// The sign test over the epochs of a range: in how many is `first` above and below `second`?
    func signTest(_ first: ModelID, _ second: ModelID, _ range: ClosedRange<Int>) -> (above: Int, below: Int, p: Double) {
        let a = window(accuracy(first), range), b = window(accuracy(second), range)
        let above = zip(a, b).filter { $0 > $1 }.count, below = zip(a, b).filter { $0 < $1 }.count
        return (above, below, Statistics.binomialTwoSided(above, below))
    }

    func meanDifference(_ first: ModelID, _ second: ModelID, _ range: ClosedRange<Int>) -> Double {
        Statistics.mean(zip(window(accuracy(first), range), window(accuracy(second), range)).map { $0 - $1 })
    }

    /// `leader` above `other` over the span, by the sign test under both readings of the axis.
    func aheadReading(_ leader: ModelID, _ other: ModelID, _ span: EpochSpan) -> (verdict: Claim.Verdict, evidence: Localized, measures: [Measure]) {
        let reading = bothReadings(span) { range in
            let s = signTest(leader, other, range)
            let verdict: Claim.Verdict = s.p >= Self.level ? .notDecided : s.above > s.below ? .holds : .doesNotHold
            return (verdict, Catalog.localized(.signEvidence, ["first": title(leader), "second": title(other), "above": String(s.above),
                                                               "below": String(s.below), "count": String(range.count), "p": Numbers.p(s.p)]))
        }
        let measures = reading.shared.map { range in
            [Measure(name: Catalog.localized(.meanMeasure, ["first": title(leader), "second": title(other),
                                                            "range": Catalog.localized(.epochsSpan, ["from": String(range.lowerBound), "to": String(range.upperBound)])]),
                     value: meanDifference(leader, other, range), unit: .points)]
        } ?? []
        return (reading.verdict, reading.evidence, measures)
    }

    func ahead(_ leader: ModelID, _ other: ModelID, _ span: EpochSpan) -> Outcome {
        guard epochs >= Self.needs(span) else { return notEnough(Self.needs(span)) }
        return aheadReading(leader, other, span)
    }

    func crossover(_ early: ModelID, _ earlySpan: EpochSpan, _ late: ModelID, _ lateSpan: EpochSpan) -> Outcome {
        let need = max(Self.needs(earlySpan), Self.needs(lateSpan))
        guard epochs >= need else { return notEnough(need) }
        let first = aheadReading(early, late, earlySpan), second = aheadReading(late, early, lateSpan)
        let verdicts = [first.verdict, second.verdict]
        let verdict: Claim.Verdict = verdicts.contains(.doesNotHold) ? .doesNotHold : verdicts.contains(.notTestable) ? .notTestable
            : verdicts.allSatisfy { $0 == .holds } ? .holds : .notDecided
        return (verdict, Catalog.localized(.crossoverEvidence, ["early": first.evidence, "late": second.evidence]), first.measures + second.measures)
    }

    // MARK: The final models, compared on the same test images

    func finalAhead(_ leader: ModelID, _ other: ModelID) -> Outcome {
        let a = accuracy(leader).last ?? 0, b = accuracy(other).last ?? 0
        let measure = Measure(name: Catalog.localized(.finalMeasure, ["first": title(leader), "second": title(other)]), value: a - b, unit: .points)
        guard let m = Statistics.mcnemar(unit(leader)?.predictions.last, unit(other)?.predictions.last, labels: labels) else {
            return (.notTestable, Catalog.localized(.noPredictions), [measure])
        }
        let verdict: Claim.Verdict = m.p >= Self.level ? .notDecided : m.onlyFirst > m.onlySecond ? .holds : .doesNotHold
        return (verdict, Catalog.localized(.mcnemarEvidence, ["first": title(leader), "second": title(other), "a": Numbers.percent(a), "b": Numbers.percent(b),
                                                              "onlyFirst": String(m.onlyFirst), "onlySecond": String(m.onlySecond), "p": Numbers.p(m.p)]),
                [measure])
    }

    /// What each of `worst`'s measures says the subject trails in, in their order.
    static let worstAspects: [Message] = [.trailsEarly, .trailsBest, .trailsMean]

    /// Worst on the curves, as the original argued: early best, best and mean
    /// accuracy against each other model, with the sign test over all epochs in one run.
    func worst(_ subject: ModelID, _ early: EpochSpan) -> Outcome {
        let rivals = others(than: subject)
        guard !rivals.isEmpty else { return (.notTestable, Catalog.localized(.needsOtherModel, ["subject": title(subject)]), []) }
        guard epochs >= Self.needs(early) else { return notEnough(Self.needs(early)) }
        let all = 1...epochs
        let earlyRange = readings(early).flatMap { Self.shared($0.oneBased, $0.zeroBased) } ?? all
        let mean = { (id: ModelID) in Statistics.mean(self.accuracy(id)) }
        let tests = rivals.map { (id: $0, sign: signTest(subject, $0, all)) }
        let verdict: Claim.Verdict = tests.allSatisfy { $0.sign.p < Self.level && $0.sign.below > $0.sign.above } ? .holds
            : tests.contains { $0.sign.p < Self.level && $0.sign.above > $0.sign.below } ? .doesNotHold : .notDecided
        let evidence = Localized.joined(tests.map { t in
            Catalog.localized(.worstEvidence, [
                "subject": title(subject), "other": title(t.id), "range": Self.span(earlyRange),
                "a": Numbers.percent(best(subject, earlyRange).value), "b": Numbers.percent(best(t.id, earlyRange).value),
                "c": Numbers.percent(best(subject, all).value), "d": Numbers.percent(best(t.id, all).value),
                "e": Numbers.percent(mean(subject)), "f": Numbers.percent(mean(t.id)),
                "below": String(t.sign.below), "above": String(t.sign.above), "count": String(epochs), "p": Numbers.p(t.sign.p)])
        }, separator: " ")
        let gap = { (value: (ModelID) -> Double) in (rivals.map(value).min() ?? 0) - value(subject) }
        let measures = [
            Measure(name: Catalog.localized(.earlyBestMeasure, ["subject": title(subject), "range": Self.span(earlyRange)]),
                    value: gap { self.best($0, earlyRange).value }, unit: .points),
            Measure(name: Catalog.localized(.bestMeasure, ["subject": title(subject)]), value: gap { self.best($0, all).value }, unit: .points),
            Measure(name: Catalog.localized(.meanAccuracyMeasure, ["subject": title(subject)]), value: gap(mean), unit: .points),
        ]
        return (verdict, evidence, measures)
    }
}

/// A claim across the seeds of a study: its verdict on each seed, and one
/// overall verdict. Where the claim has measures on every seed, each one's
/// paired 95% t interval across seeds decides (holds when every interval is
/// above 0, does not hold when one is below 0 or, for a tie that counts
/// against the claim, not above it). Otherwise it holds or fails only when
/// every seed that can test it agrees and those are at least two and at
/// least half the seeds (one seed alone never decides).
public struct StudyClaim: Sendable {
    public let claim: Claim
    public let perSeed: [Claim.Verdict]
    public let verdict: Claim.Verdict
    public let evidence: Localized
    /// Per measure, whether its whole interval is above 0; empty without intervals.
    let supports: [Bool]

    var finding: Story.Finding { Story.Finding(verdict: verdict, supports: supports) }

    static func combine(_ claims: [Claim]) -> StudyClaim? {
        guard let first = claims.first else { return nil }
        let verdicts = claims.map(\.verdict)
        let tally = Catalog.localized(.seedsHold, ["holds": String(verdicts.filter { $0 == .holds }.count), "seeds": String(claims.count)])
        let names = first.measures.map(\.name)
        let complete = !names.isEmpty && claims.allSatisfy { $0.measures.map(\.name) == names } && !verdicts.contains(.notTestable)
        if complete {
            let intervals = names.indices.compactMap { i in Statistics.meanInterval(claims.map { $0.measures[i].value }).map { (first.measures[i], $0) } }
            if intervals.count == names.count {
                let against = intervals.contains { m, s in s.interval.upperBound < 0 || m.tieAgainst && s.interval.upperBound <= 0 }
                let verdict: Claim.Verdict = against ? .doesNotHold : intervals.allSatisfy { $0.1.interval.lowerBound > 0 } ? .holds : .notDecided
                let parts = intervals.map { m, s in
                    Catalog.localized(.measureInterval, ["measure": m.name, "mean": m.shown(s.mean),
                                                         "low": m.shown(s.interval.lowerBound),
                                                         "high": m.shown(s.interval.upperBound)])
                }
                return StudyClaim(claim: first, perSeed: verdicts, verdict: verdict,
                                  evidence: Localized.joined([tally] + parts, separator: "; ") + Catalog.localized(.intervalNote),
                                  supports: intervals.map { $0.1.interval.lowerBound > 0 })
            }
        }
        let testable = verdicts.filter { $0 != .notTestable }
        let verdict: Claim.Verdict = testable.isEmpty ? .notTestable
            : Set(testable).count == 1 && testable.count >= 2 && 2 * testable.count >= verdicts.count ? testable[0] : .notDecided
        let untested = verdicts.count - testable.count
        let setAside = untested == 0 || testable.isEmpty ? Localized("", "") : Catalog.localized(.seedsSetAside, ["count": String(untested)])
        let measured = claims.filter { !$0.measures.isEmpty }.count
        let why = measured == 0 ? Catalog.localized(.noPairedDifference)
            : measured < claims.count ? Catalog.localized(.pairedOnSome, ["paired": String(measured), "seeds": String(claims.count)])
            : Catalog.localized(.notEverySeed)
        return StudyClaim(claim: first, perSeed: verdicts, verdict: verdict, evidence: tally + setAside + why, supports: [])
    }
}
