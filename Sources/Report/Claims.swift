import Engine
import Foundation
import RunArchive
import Support
import Training

/// One statement of the original write-up (or our extension of it), checked
/// against the measured numbers with a rule that is printed beside the verdict.
public struct Claim: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case holds
        case doesNotHold = "does not hold"
        /// The difference is within noise at the stated level, or the claim's own wording allows both outcomes.
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
    /// How the verdict is decided, in one sentence.
    public let rule: Localized
    /// For a seed study: a per-seed difference that is positive when the run
    /// supports the claim; the study judges the claim by its 95% interval.
    /// nil where the claim has no such difference (then the study counts seeds).
    let paired: Double?
    /// What `paired` is taken over when not the final epoch ("over epochs 21-30").
    var pairedOver: Localized? = nil
}

extension Claim.Verdict {
    /// The verdict as the report writes it.
    var words: Localized {
        switch self {
        case .holds: return Localized("holds", "성립")
        case .doesNotHold: return Localized("does not hold", "불성립")
        case .notDecided: return Localized("not decided", "판정 보류")
        case .notTestable: return Localized("not testable", "확인 불가")
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
            return language == .ko ? "\(v.words.ko) \(n)개" : "\(v.words.en) \(n)"
        }.joined(separator: ", ")
    }
}

/// The claims of the original write-up, checked on one seed's three models.
/// Comparisons of two models on the same test images use McNemar's exact test
/// on their paired predictions (the standard test for two classifiers on one
/// test set); comparisons over a range of epochs use the sign test over the
/// epochs; both at the 5% level.
public struct ClaimChecker {
    let models: [ModelID: UnitRecord]
    let plans: [ModelID: ModelPlan]
    /// The test set's labels, to tell right predictions from wrong; nil when the archive lacks them.
    let labels: [UInt8]?
    static let ids: [ModelID] = ["model1", "model2", "model3"]
    static let level = 0.05

    public init(models: [UnitRecord], labels: [UInt8]?) throws {
        var byID: [ModelID: UnitRecord] = [:], plans: [ModelID: ModelPlan] = [:]
        for model in models {
            byID[model.spec.id] = model
            plans[model.spec.id] = try ModelPlan(model.spec)
        }
        self.models = byID
        self.plans = plans
        self.labels = labels
    }

    var epochs: Int { Self.ids.compactMap { models[$0]?.metrics.count }.min() ?? 0 }
    func accuracy(_ id: ModelID) -> [Double] { models[id]?.metrics.map(\.testAccuracy) ?? [] }
    func final(_ id: ModelID) -> Double { accuracy(id).last ?? 0 }

    static func pct(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
    static func p(_ x: Double) -> String { x < 0.001 ? "p < 0.001" : String(format: "p = %.3f", x) }

    public func all() -> [Claim] {
        guard Self.ids.allSatisfy({ models[$0] != nil }), epochs > 0 else {
            return [Claim(id: "models", source: .original, verdict: .notTestable,
                          statement: Localized("The analysis compares Models 1, 2 and 3.", "분석은 모델 1, 2, 3을 비교한다."),
                          evidence: Localized("This run did not train all three models.", "이 실행은 세 모델을 모두 학습하지 않았다."),
                          rule: Localized("Needs all three models.", "세 모델이 모두 필요하다."), paired: nil)]
        }
        return [compute(), parameterRatio("model2", 4, "claim-params-m2"), parameterRatio("model3", 2, "claim-params-m3"), cost(),
                epochsTo(0.98), earlyEpochs(), knee(), earlyLeader(), lateLeader(), finalRanking(), worstModel(), dependsOnConditions(),
                longTraining(), epochsTo(0.99)]
    }

    // MARK: Analytic and measured-once claims

    func compute() -> Claim {
        let macs = Self.ids.map { plans[$0]?.forwardMACs ?? 0 }
        let holds = macs[0] > macs[2] && macs[2] > macs[1]
        let numbers = "Model 1 \(TextFormat.thousands(macs[0])), Model 3 \(TextFormat.thousands(macs[2])), Model 2 \(TextFormat.thousands(macs[1]))"
        return Claim(id: "claim-compute", source: .original, verdict: holds ? .holds : .doesNotHold,
                     statement: Localized("Compute needed: Model 1 > Model 3 > Model 2.", "필요 연산량 Model1 > Model3 > Model2"),
                     evidence: Localized("Forward multiply-adds per sample (counted from the architecture): \(numbers).",
                                         "샘플당 순전파 곱셈-덧셈 (구조에서 계산): \(numbers)."),
                     rule: Localized("Counted, not measured: holds when the order of the counts is the claimed one.",
                                     "측정이 아닌 계산값: 순서가 주장과 같으면 성립."), paired: nil)
    }

    func parameterRatio(_ other: ModelID, _ factor: Double, _ id: String) -> Claim {
        let mine = plans["model1"]?.parameterCount ?? 0, theirs = max(1, plans[other]?.parameterCount ?? 1)
        let ratio = Double(mine) / Double(theirs)
        let name = other == "model2" ? "Model 2" : "Model 3", ko = other == "model2" ? "모델2" : "모델3"
        return Claim(
            id: id, source: .original, verdict: abs(ratio / factor - 1) <= 0.15 ? .holds : .doesNotHold,
            statement: Localized("Model 1 has about \(Int(factor))x the parameters of \(name).", "모델1의 #parm은 \(ko)에 비해 약 \(Int(factor))배이다."),
            evidence: Localized(String(format: "%@ / %@ parameters = %.2fx.", TextFormat.thousands(mine), TextFormat.thousands(theirs), ratio),
                                String(format: "%@ / %@ = %.2f배.", TextFormat.thousands(mine), TextFormat.thousands(theirs), ratio)),
            rule: Localized("Counted: \"about\" is read as within 15%.", "계산값: \"약\"은 15% 이내로 판정."), paired: nil)
    }

    func cost() -> Claim {
        let statement = Localized("Model 1's compute makes it the most expensive to train.", "모델1은 연산량이 많아 학습 비용이 가장 크다.")
        let rule = Localized("Measured on the machine of the run: holds when Model 1's mean is the largest; not testable when the models were timed on different machines or thread counts.",
                             "실행한 기계에서 측정: 모델1의 평균이 가장 크면 성립; 모델들을 다른 기계나 thread 수로 측정했으면 확인 불가.")
        let machines = Set(Self.ids.flatMap { models[$0]?.manifest.sessions.map { "\($0.environment.cpu) \($0.environment.workers)" } ?? [] })
        guard machines.count <= 1 else {
            return Claim(id: "claim-cost", source: .original, verdict: .notTestable, statement: statement,
                         evidence: Localized("The models were timed on \(machines.count) different machines or thread counts.",
                                             "모델들을 \(machines.count)가지 기계나 thread 수로 측정했다."), rule: rule, paired: nil)
        }
        let seconds = Self.ids.map { Statistics.mean(models[$0]?.metrics.map(\.trainSeconds) ?? []) }
        let holds = seconds[0] > max(seconds[1], seconds[2])
        let numbers = String(format: "Model 1 %.1f s, Model 2 %.1f s, Model 3 %.1f s", seconds[0], seconds[1], seconds[2])
        return Claim(id: "claim-cost", source: .original, verdict: holds ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("Measured training seconds per epoch (mean): \(numbers).", "측정한 epoch당 학습 시간 (평균): \(numbers)."),
                     rule: rule, paired: nil)
    }

    // MARK: Epoch counts and ranges

    /// First epoch (1-based) at which test accuracy reaches `level`.
    func firstEpoch(_ id: ModelID, reaching level: Double) -> Int? {
        accuracy(id).firstIndex { $0 >= level }.map { $0 + 1 }
    }

    func epochsTo(_ level: Double) -> Claim {
        let reached = Self.ids.map { firstEpoch($0, reaching: level) }
        let never = epochs + 1
        let m1 = reached[0] ?? never, latestOther = max(reached[1] ?? never, reached[2] ?? never)
        let verdict: Claim.Verdict = reached.allSatisfy { $0 == nil } ? .notTestable
            : m1 > latestOther ? .holds : m1 < latestOther ? .doesNotHold : .notDecided
        let label = String(format: "%.0f%%", 100 * level)
        let describe = { (r: Int?) in r.map { "epoch \($0)" } ?? "not within \(self.epochs) epochs" }
        let describeKo = { (r: Int?) in r.map { "\($0) epoch" } ?? "\(self.epochs) epoch 안에 도달하지 못함" }
        let original = level == 0.98
        return Claim(
            id: "claim-epochs-\(Int(100 * level))", source: original ? .original : .extension_, verdict: verdict,
            statement: original
                ? Localized("Model 1 needs more epochs than the other two to reach 98% test accuracy.",
                            "Accuracy가 98퍼센트에 도달하는 epoch 횟수가 다른 두 모델에 비해 좀 더 길다.")
                : Localized("Model 1 also needs the most epochs to reach 99% test accuracy.", "99퍼센트 도달에도 모델1이 가장 많은 epoch가 필요하다."),
            evidence: Localized("First epoch at \(label) or more: " + zip(["Model 1", "Model 2", "Model 3"], reached).map { "\($0) \(describe($1))" }.joined(separator: ", ") + ".",
                                "\(label) 이상 첫 epoch: " + zip(["모델1", "모델2", "모델3"], reached).map { "\($0) \(describeKo($1))" }.joined(separator: ", ") + "."),
            rule: Localized("Holds when Model 1 is strictly later than both others, does not hold when it is earlier than one; a tie with the later one cannot be separated at the granularity of whole epochs (not decided).",
                            "모델1이 두 모델보다 모두 늦으면 성립, 하나보다 빠르면 불성립; 늦은 쪽과 같은 epoch이면 epoch 단위로는 구별할 수 없다 (판정 보류)."),
            paired: nil)
    }

    /// A claim about a range of epochs written on the original's plot axis:
    /// the axis may count from 0 (matplotlib's default index) or from 1.
    /// Both readings are evaluated; when they disagree the claim is not decided.
    /// `from` and `to` are the bounds as the original writes them (`[0,10]`:
    /// 0 and 10; "from epoch 20 on": 20 and nil). The paired difference for the
    /// study, when the judge measures one, is taken on the epochs both readings
    /// share, so it does not depend on the verdicts agreeing.
    func bothReadings(_ written: Localized, from: Int, to: Int?,
                      _ judge: (ClosedRange<Int>) -> (Claim.Verdict, Localized, Double?)) -> (Claim.Verdict, Localized, Double?, over: Localized?) {
        let last = epochs
        let oneUpper = min(to ?? last, last), zeroUpper = min((to ?? last - 1) + 1, last)
        guard max(from, 1) <= oneUpper, from + 1 <= zeroUpper else {
            return (.notTestable, Localized("This run's \(last) epochs do not reach \(written.en) under both readings of the axis.",
                                            "이 실행의 \(last) epoch은 축의 두 해석 모두로 \(written.ko)에 닿지 않는다."), nil, nil)
        }
        let oneBased = max(from, 1)...oneUpper
        let zeroBased = (from + 1)...zeroUpper
        let a = judge(oneBased), b = judge(zeroBased)
        let sharedEpochs = zeroBased.lowerBound <= oneBased.upperBound ? zeroBased.lowerBound...oneBased.upperBound : nil
        let shared = sharedEpochs.flatMap { judge($0).2 }
        let over = sharedEpochs.flatMap { e in shared.map { _ in Localized("over epochs \(e.lowerBound)-\(e.upperBound)", "epoch \(e.lowerBound)-\(e.upperBound)에서") } }
        if a.0 == b.0 {
            return (a.0, a.1 + Localized(" (\(written.en) read as epochs \(oneBased.lowerBound)-\(oneBased.upperBound); reading the axis from 0, epochs \(zeroBased.lowerBound)-\(zeroBased.upperBound), gives the same verdict.)",
                                          " (\(written.ko)을 epoch \(oneBased.lowerBound)-\(oneBased.upperBound)로 읽음; 축을 0부터 읽어 epoch \(zeroBased.lowerBound)-\(zeroBased.upperBound)로 해도 판정이 같다.)"), shared, over)
        }
        return (.notDecided,
                Localized("Read as epochs \(oneBased.lowerBound)-\(oneBased.upperBound): \(a.0.words.en); ", "epoch \(oneBased.lowerBound)-\(oneBased.upperBound)로 읽으면 \(a.0.words.ko): ") + a.1
                + Localized(" Read from a 0-based axis, epochs \(zeroBased.lowerBound)-\(zeroBased.upperBound): \(b.0.words.en); ", " 0부터 세는 축으로 읽어 epoch \(zeroBased.lowerBound)-\(zeroBased.upperBound)이면 \(b.0.words.ko): ") + b.1
                + Localized(" The two readings of \(written.en) disagree.", " \(written.ko)의 두 해석이 엇갈린다."), shared, over)
    }

    func window(_ values: [Double], _ range: ClosedRange<Int>) -> [Double] {
        Array(values.enumerated().filter { range.contains($0.offset + 1) }.map(\.element))
    }

    /// "High 98%" and "low-to-mid 98%" as levels of test accuracy.
    static let high98: Range<Double> = 0.9860..<0.9900
    static let lowToMid98: Range<Double> = 0.9800..<0.9860

    func earlyEpochs() -> Claim {
        let statement = Localized("In epochs [2,5] Models 2 and 3 reach high 98% while Model 1 peaks at low-to-mid 98%.",
                                  "다른 두 모델은 epoch [2,5] 부근에서 98.후반%를 보여주고 있는 반면에 모델1은 최대 98.초중반%를 보여주고있다.")
        let rule = Localized("\"High 98%\" is read as 98.60-98.99%, \"low-to-mid 98%\" as 98.00-98.59%: holds when the best accuracy of Models 2 and 3 in the range is high 98% or above and Model 1's best is low-to-mid 98%.",
                             "\"98.후반%\"는 98.60-98.99%, \"98.초중반%\"는 98.00-98.59%로 읽는다: 구간 안 모델2, 3의 최고치가 98.후반% 이상이고 모델1의 최고치가 98.초중반%이면 성립.")
        guard epochs >= 6 else { return notEnough("claim-epochs-2-5", statement, rule, need: 6) }
        let (verdict, evidence, _, _) = bothReadings(Localized("[2,5]", "[2,5]"), from: 2, to: 5) { range in
            let best = Self.ids.map { window(accuracy($0), range).max() ?? 0 }
            let holds = best[1] >= Self.high98.lowerBound && best[2] >= Self.high98.lowerBound && Self.lowToMid98.contains(best[0])
            return (holds ? .holds : .doesNotHold,
                    Localized("best test accuracy in epochs \(range.lowerBound)-\(range.upperBound): Model 1 \(Self.pct(best[0])), Model 2 \(Self.pct(best[1])), Model 3 \(Self.pct(best[2])).",
                              "epoch \(range.lowerBound)-\(range.upperBound) 최고 test accuracy: 모델1 \(Self.pct(best[0])), 모델2 \(Self.pct(best[1])), 모델3 \(Self.pct(best[2]))."), nil)
        }
        return Claim(id: "claim-epochs-2-5", source: .original, verdict: verdict, statement: statement, evidence: evidence, rule: rule, paired: nil)
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

    func knee() -> Claim {
        let statement = Localized("The knee of the train-loss curves lies in [2,5].",
                                  "Train loss 그래프를 보면 기울기가 확연하게 차이나는 knee부분은 [2,5] 사이이다.")
        let rule = Localized("The knee is the epoch farthest below the straight line from the first to the last epoch's loss on the log scale the figures show (on a linear scale epoch 1 dominates and any early epoch qualifies): holds when every model's knee is in the range.",
                             "Knee는 그림과 같은 log 축에서 첫 epoch과 마지막 epoch의 loss를 잇는 직선에서 가장 멀리 아래에 있는 epoch이다 (선형 축에서는 epoch 1이 지배해 어느 초반 epoch이든 해당된다): 모든 모델의 knee가 구간 안이면 성립.")
        guard epochs >= 6 else { return notEnough("claim-knee", statement, rule, need: 6) }
        let knees = Self.ids.map { id in Self.knee((models[id]?.metrics.map(\.trainLoss) ?? []).map { log10(max($0, 1e-30)) }) }
        let list = zip(["Model 1", "Model 2", "Model 3"], knees).map { "\($0) epoch \($1.map(String.init) ?? "-")" }.joined(separator: ", ")
        let listKo = zip(["모델1", "모델2", "모델3"], knees).map { "\($0) \($1.map(String.init) ?? "-") epoch" }.joined(separator: ", ")
        let (verdict, evidence, _, _) = bothReadings(Localized("[2,5]", "[2,5]"), from: 2, to: 5) { range in
            (knees.allSatisfy { $0.map(range.contains) ?? false } ? .holds : .doesNotHold, Localized("Knees: \(list).", "Knee: \(listKo)."), nil)
        }
        return Claim(id: "claim-knee", source: .original, verdict: verdict, statement: statement, evidence: evidence, rule: rule, paired: nil)
    }

    /// The sign test over the epochs of a range: is `first` below (or above) `second` in more epochs than chance allows?
    func signTest(_ first: ModelID, _ second: ModelID, _ range: ClosedRange<Int>) -> (below: Int, above: Int, p: Double, meanDifference: Double) {
        let a = window(accuracy(first), range), b = window(accuracy(second), range)
        let below = zip(a, b).filter { $0 < $1 }.count, above = zip(a, b).filter { $0 > $1 }.count
        let difference = Statistics.mean(zip(a, b).map { $0 - $1 })
        return (below, above, Statistics.binomialTwoSided(below, above), difference)
    }

    static let signRule = Localized("Sign test over the epochs of the range (ties dropped), 5% level: holds when the claimed order wins significantly, does not hold when the opposite order does, otherwise not decided. Neighbouring epochs are not independent, so this is lenient; the seed study is the stronger test.",
                                    "구간의 epoch에 대한 부호 검정 (동률 제외), 유의수준 5%: 주장한 순서가 유의하게 많으면 성립, 반대 순서가 유의하면 불성립, 아니면 판정 보류. 이웃한 epoch은 독립이 아니므로 관대한 검정이며, seed 연구가 더 강한 검정이다.")

    func earlyLeader() -> Claim {
        let statement = Localized("In epochs [0,10] Model 2's test accuracy is below Model 3's (so for few epochs the ResNet-style Model 3 is better).",
                                  "모델 2의 경우에는 epoch [0,10] 구간에서는 accuracy가 모델3보다 낮다 (낮은 epoch에서는 ResNet구조를 채용한 모델3가 더 좋다).")
        guard epochs >= 11 else { return notEnough("claim-early-leader", statement, Self.signRule, need: 11) }
        let (verdict, evidence, paired, over) = bothReadings(Localized("[0,10]", "[0,10]"), from: 0, to: 10) { range in
            let s = signTest("model2", "model3", range)
            let verdict: Claim.Verdict = s.p >= Self.level ? .notDecided : s.below > s.above ? .holds : .doesNotHold
            return (verdict, Localized("Model 2 below Model 3 in \(s.below), above in \(s.above) of \(range.count) epochs (\(Self.p(s.p))).",
                                       "\(range.count)개 epoch 중 모델2가 모델3보다 낮은 epoch \(s.below)개, 높은 epoch \(s.above)개 (\(Self.p(s.p)))."), -s.meanDifference)
        }
        return Claim(id: "claim-early-leader", source: .original, verdict: verdict, statement: statement, evidence: evidence, rule: Self.signRule,
                     paired: paired, pairedOver: over)
    }

    func lateLeader() -> Claim {
        let statement = Localized("From epoch 20 on, Model 2 is slightly better than Model 3.", "Epoch 20 이후 구간에서는 모델2가 근소하게 낫다.")
        guard epochs >= 22 else { return notEnough("claim-late-leader", statement, Self.signRule, need: 22) }
        let (verdict, evidence, paired, over) = bothReadings(Localized("epoch 20 on", "epoch 20 이후"), from: 20, to: nil) { range in
            let s = signTest("model2", "model3", range)
            let verdict: Claim.Verdict = s.p >= Self.level ? .notDecided : s.above > s.below ? .holds : .doesNotHold
            return (verdict, Localized("Model 2 above Model 3 in \(s.above), below in \(s.below) of \(range.count) epochs (\(Self.p(s.p))).",
                                       "\(range.count)개 epoch 중 모델2가 모델3보다 높은 epoch \(s.above)개, 낮은 epoch \(s.below)개 (\(Self.p(s.p)))."), s.meanDifference)
        }
        return Claim(id: "claim-late-leader", source: .original, verdict: verdict, statement: statement, evidence: evidence, rule: Self.signRule,
                     paired: paired, pairedOver: over)
    }

    // MARK: The final models, compared on the same test images

    /// McNemar's exact test of two models' final predictions.
    func mcnemar(_ first: ModelID, _ second: ModelID) -> Statistics.McNemar? {
        Statistics.mcnemar(models[first]?.predictions.last, models[second]?.predictions.last, labels: labels)
    }

    static let mcnemarRule = Localized("McNemar's exact test on the two models' final predictions of the same 10,000 test images, 5% level: holds when the claimed model is significantly better, does not hold when the other is, otherwise not decided.",
                                       "같은 test 이미지에 대한 두 모델의 최종 예측에 McNemar 정확 검정, 유의수준 5%: 주장한 모델이 유의하게 나으면 성립, 다른 모델이 나으면 불성립, 아니면 판정 보류.")

    func noPredictions(_ id: String, _ statement: Localized, _ rule: Localized, paired: Double?) -> Claim {
        Claim(id: id, source: .original, verdict: .notTestable, statement: statement,
              evidence: Localized("This run's archive has no test predictions or labels to pair.", "이 실행의 기록에는 짝지을 test 예측이나 label이 없다."),
              rule: rule, paired: paired)
    }

    func finalRanking() -> Claim {
        let statement = Localized("Model 2's final accuracy is slightly higher than Model 3's.", "Final accuracy는 모델2가 모델3보다 근소하게 높다.")
        let paired = final("model2") - final("model3")
        guard let m = mcnemar("model2", "model3") else { return noPredictions("claim-final", statement, Self.mcnemarRule, paired: paired) }
        let verdict: Claim.Verdict = m.p >= Self.level ? .notDecided : m.onlyFirst > m.onlySecond ? .holds : .doesNotHold
        return Claim(id: "claim-final", source: .original, verdict: verdict, statement: statement,
                     evidence: Localized("Final test accuracy: Model 2 \(Self.pct(final("model2"))), Model 3 \(Self.pct(final("model3"))); \(m.onlyFirst) images only Model 2 gets right, \(m.onlySecond) only Model 3 (\(Self.p(m.p))).",
                                         "최종 test accuracy: 모델2 \(Self.pct(final("model2"))), 모델3 \(Self.pct(final("model3"))); 모델2만 맞힌 이미지 \(m.onlyFirst)장, 모델3만 맞힌 이미지 \(m.onlySecond)장 (\(Self.p(m.p)))."),
                     rule: Self.mcnemarRule, paired: paired)
    }

    func worstModel() -> Claim {
        let statement = Localized("Model 1 performs worst of the three, despite the most parameters and compute.",
                                  "어느 모델이 가장 퍼포먼스가 좋지 않느냐에 대한 대답은 확실히 할 수 있다. 모델1이 그 대상이다.")
        let rule = Localized("McNemar's exact test of Model 1 against each other model on the final predictions, 5% level: holds when Model 1 is significantly worse than both, does not hold when it is significantly better than one, otherwise not decided.",
                             "최종 예측으로 모델1을 다른 두 모델과 각각 McNemar 정확 검정, 유의수준 5%: 두 모델보다 모두 유의하게 나쁘면 성립, 하나보다 유의하게 나으면 불성립, 아니면 판정 보류.")
        let paired = min(final("model2"), final("model3")) - final("model1")
        guard let a = mcnemar("model1", "model2"), let b = mcnemar("model1", "model3") else {
            return noPredictions("claim-worst", statement, rule, paired: paired)
        }
        let worse = [a, b].map { $0.p < Self.level && $0.onlySecond > $0.onlyFirst }
        let better = [a, b].map { $0.p < Self.level && $0.onlyFirst > $0.onlySecond }
        let verdict: Claim.Verdict = worse.allSatisfy { $0 } ? .holds : better.contains(true) ? .doesNotHold : .notDecided
        return Claim(id: "claim-worst", source: .original, verdict: verdict, statement: statement,
                     evidence: Localized("Final test accuracy 1/2/3: \(Self.ids.map { Self.pct(final($0)) }.joined(separator: " / ")); Model 1 against Model 2: \(a.onlyFirst) vs \(a.onlySecond) images only one gets right (\(Self.p(a.p))); against Model 3: \(b.onlyFirst) vs \(b.onlySecond) (\(Self.p(b.p))).",
                                         "최종 test accuracy 1/2/3: \(Self.ids.map { Self.pct(final($0)) }.joined(separator: " / ")); 모델1 대 모델2: 한쪽만 맞힌 이미지 \(a.onlyFirst) 대 \(a.onlySecond) (\(Self.p(a.p))); 모델1 대 모델3: \(b.onlyFirst) 대 \(b.onlySecond) (\(Self.p(b.p)))."),
                     rule: rule, paired: paired)
    }

    func dependsOnConditions() -> Claim {
        Claim(id: "claim-depends", source: .original, verdict: .notTestable,
              statement: Localized("Which of Models 2 and 3 is better depends on the training conditions.", "모델2와 모델3 중 어느 쪽이 나은지는 학습 조건에 따라 달라진다."),
              evidence: Localized("One run is one training condition; a seed study (report --seeds 0-4) tests it.",
                                  "한 번의 실행은 한 가지 학습 조건이다; seed 연구 (report --seeds 0-4)가 이를 확인한다."),
              rule: Localized("Across seeds: holds when the 95% interval of Model 2's minus Model 3's final accuracy contains 0 and the winner changes between seeds; does not hold when the interval excludes 0.",
                              "seed 전체에서: 모델2와 모델3의 최종 accuracy 차이의 95% 구간이 0을 포함하고 seed마다 우열이 바뀌면 성립, 구간이 0을 제외하면 불성립."),
              paired: final("model2") - final("model3"))
    }

    func longTraining() -> Claim {
        Claim(id: "claim-long", source: .original, verdict: .notTestable,
              statement: Localized("For many more than 30 epochs, Model 3 (residual connections against vanishing gradients) is the best choice.",
                                   "만약 30 epoch가 아닌 더 큰 epoch를 사용한다면 ResNet구조를 사용한 model3을 사용하는 게 가장 좋다."),
              evidence: Localized("A prediction beyond this run's \(epochs) epochs.", "이 실행의 \(epochs) epoch를 넘어서는 예측이다."),
              rule: Localized("Needs a run with many more epochs (--epochs).", "훨씬 많은 epoch의 실행 (--epochs)이 필요하다."), paired: nil)
    }

    func notEnough(_ id: String, _ statement: Localized, _ rule: Localized, need: Int) -> Claim {
        Claim(id: id, source: .original, verdict: .notTestable, statement: statement,
              evidence: Localized("Needs at least \(need) epochs; this run has \(epochs).", "최소 \(need) epoch가 필요하다; 이 실행은 \(epochs) epoch이다."),
              rule: rule, paired: nil)
    }
}

/// A claim across the seeds of a study: its verdict on each seed, and one
/// overall verdict from the paired differences across seeds when the claim
/// has one on every seed (the 95% t interval of their mean); otherwise it
/// holds or fails overall only when every seed that can test it agrees and
/// those are at least half the seeds (a seed timed on mixed machines, say, is
/// set aside and counted as such; one seed alone never decides).
public struct StudyClaim: Sendable {
    public let claim: Claim
    public let perSeed: [Claim.Verdict]
    public let verdict: Claim.Verdict
    public let evidence: Localized

    static func combine(_ claims: [Claim]) -> StudyClaim? {
        guard let first = claims.first else { return nil }
        let verdicts = claims.map(\.verdict)
        let count = { (v: Claim.Verdict) in verdicts.filter { $0 == v }.count }
        let tally = Localized("holds on \(count(.holds)) of \(claims.count) seeds", "\(claims.count)개 seed 중 \(count(.holds))개에서 성립")
        let pairs = claims.compactMap(\.paired)
        if first.id == "claim-depends", pairs.count == claims.count, let m = Statistics.meanInterval(pairs) {
            let winnerChanges = pairs.contains { $0 > 0 } && pairs.contains { $0 < 0 }
            let verdict: Claim.Verdict = m.interval.contains(0) ? (winnerChanges ? .holds : .notDecided) : .doesNotHold
            let wins = pairs.filter { $0 > 0 }.count
            return StudyClaim(claim: first, perSeed: verdicts.map { _ in .notTestable }, verdict: verdict,
                              evidence: Localized("Model 2 ahead on \(wins) of \(pairs.count) seeds; ", "\(pairs.count)개 seed 중 \(wins)개에서 모델2가 앞섬; ") + interval(m))
        }
        if pairs.count == claims.count, let m = Statistics.meanInterval(pairs), verdicts.allSatisfy({ $0 != .notTestable }) {
            let verdict: Claim.Verdict = m.interval.lowerBound > 0 ? .holds : m.interval.upperBound < 0 ? .doesNotHold : .notDecided
            return StudyClaim(claim: first, perSeed: verdicts, verdict: verdict, evidence: tally + Localized("; ", "; ") + interval(m, over: first.pairedOver))
        }
        let testable = verdicts.filter { $0 != .notTestable }
        let verdict: Claim.Verdict = testable.isEmpty ? .notTestable
            : Set(testable).count == 1 && 2 * testable.count >= verdicts.count ? testable[0] : .notDecided
        let untested = verdicts.count - testable.count
        let setAside = untested == 0 || testable.isEmpty ? Localized("", "")
            : Localized(", not testable on \(untested)", ", \(untested)개에서 확인 불가")
        let why = pairs.isEmpty ? Localized(" (no paired difference).", " (짝지은 차이 없음).")
            : pairs.count < claims.count ? Localized(" (a paired difference on \(pairs.count) of \(claims.count) seeds only).", " (짝지은 차이는 \(claims.count)개 seed 중 \(pairs.count)개에만 있음).")
            : Localized(" (not testable on every seed, so no interval across seeds).", " (모든 seed에서 확인할 수 있지는 않아 seed 전체의 구간 없음).")
        return StudyClaim(claim: first, perSeed: verdicts, verdict: verdict, evidence: tally + setAside + why)
    }

    static func interval(_ m: (mean: Double, interval: ClosedRange<Double>), over: Localized? = nil) -> Localized {
        let text = String(format: "mean paired difference%@ %+.2f points, 95%% interval %+.2f to %+.2f", over.map { " " + $0.en } ?? "",
                          100 * m.mean, 100 * m.interval.lowerBound, 100 * m.interval.upperBound)
        let ko = String(format: "%@짝지은 차이의 평균 %+.2f 포인트, 95%% 구간 %+.2f ~ %+.2f", over.map { $0.ko + " " } ?? "",
                        100 * m.mean, 100 * m.interval.lowerBound, 100 * m.interval.upperBound)
        return Localized(text + " (positive supports the claim).", ko + " (양수면 주장을 지지).")
    }
}
