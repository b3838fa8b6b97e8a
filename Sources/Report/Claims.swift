import Engine
import Foundation
import RunArchive
import Support
import Training

/// One statement of the original write-up, checked against a run.
public struct Claim: Sendable {
    public enum Verdict: String, Sendable {
        case holds, doesNotHold = "does not hold", notTestable = "not testable"
    }

    public let id: String
    public let verdict: Verdict
    /// The claim as the original makes it (English gloss / Korean original).
    public let statement: Localized
    /// The measured numbers behind the verdict, as a sentence.
    public let evidence: Localized
}

/// English and Korean text of one sentence.
public struct Localized: Sendable {
    public let en: String
    public let ko: String

    public init(_ en: String, _ ko: String) {
        self.en = en
        self.ko = ko
    }

    public func text(_ language: Language) -> String { language == .ko ? ko : en }
}

public enum Language: String, Sendable, CaseIterable {
    case en, ko
}

/// The analysis section's checks. Each rule is stated in the evidence, so a
/// reader can see why a verdict came out as it did, for any run.
public struct ClaimChecker {
    let run: RunRecord
    let summaries: [String: ModelPlan]

    public init(run: RunRecord) throws {
        self.run = run
        var summaries: [String: ModelPlan] = [:]
        for model in run.models { summaries[model.spec.id] = try ModelPlan(model.spec) }
        self.summaries = summaries
    }

    func accuracy(_ id: String) -> [Double]? { run.models.first { $0.spec.id == id }?.metrics.map(\.testAccuracy) }
    func trainLoss(_ id: String) -> [Double]? { run.models.first { $0.spec.id == id }?.metrics.map(\.trainLoss) }
    var epochs: Int { run.models.map(\.metrics.count).min() ?? 0 }

    static func pct(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    public func all() -> [Claim] {
        guard ["model1", "model2", "model3"].allSatisfy({ summaries[$0] != nil }) else {
            return [Claim(id: "models", verdict: .notTestable,
                          statement: Localized("The analysis compares Models 1, 2 and 3.", "분석은 모델 1, 2, 3을 비교한다."),
                          evidence: Localized("This run did not train all three models.", "이 실행은 세 모델을 모두 학습하지 않았다."))]
        }
        return [compute(), parameterRatio("model2", 4, "claim-params-m2"), parameterRatio("model3", 2, "claim-params-m3"),
                epochsTo(0.98), epochsTo(0.99), earlyEpochs(), knee(), earlyLeader(), lateLeader(), finalRanking(), worstModel(),
                longTraining()]
    }

    func compute() -> Claim {
        let macs = ["model1", "model2", "model3"].map { summaries[$0]!.forwardMACs }
        let holds = macs[0] > macs[2] && macs[2] > macs[1]
        let numbers = String(format: "forward MACs per sample: Model 1 %@, Model 3 %@, Model 2 %@",
                             Format.int(macs[0]), Format.int(macs[2]), Format.int(macs[1]))
        return Claim(id: "claim-compute", verdict: holds ? .holds : .doesNotHold,
                     statement: Localized("Compute needed: Model 1 > Model 3 > Model 2.", "필요 연산량 Model1 > Model3 > Model2"),
                     evidence: Localized(numbers + ".", numbers.replacingOccurrences(of: "forward MACs per sample", with: "샘플당 순전파 MAC") + "."))
    }

    func parameterRatio(_ other: String, _ factor: Double, _ id: String) -> Claim {
        let ratio = Double(summaries["model1"]!.parameterCount) / Double(summaries[other]!.parameterCount)
        let holds = abs(ratio / factor - 1) <= 0.15
        let name = other == "model2" ? "Model 2" : "Model 3"
        let ko = other == "model2" ? "모델2" : "모델3"
        return Claim(
            id: id, verdict: holds ? .holds : .doesNotHold,
            statement: Localized("Model 1 has about \(Int(factor))x the parameters of \(name).",
                                 "모델1의 #parm은 \(ko)에 비해 약 \(Int(factor))배이다."),
            evidence: Localized(String(format: "%@ / %@ parameters = %.2fx (\"about\" read as within 15%%).",
                                       Format.int(summaries["model1"]!.parameterCount), Format.int(summaries[other]!.parameterCount), ratio),
                                String(format: "%@ / %@ = %.2f배 (\"약\"은 15%% 이내로 판정).",
                                       Format.int(summaries["model1"]!.parameterCount), Format.int(summaries[other]!.parameterCount), ratio)))
    }

    /// First epoch (1-based) at which test accuracy reaches `level`.
    func firstEpoch(_ id: String, reaching level: Double) -> Int? {
        accuracy(id)?.firstIndex { $0 >= level }.map { $0 + 1 }
    }

    func epochsTo(_ level: Double) -> Claim {
        let ids = ["model1", "model2", "model3"]
        let reached = ids.map { firstEpoch($0, reaching: level) }
        let describe = { (r: Int?) in r.map { "epoch \($0)" } ?? "not within \(self.epochs) epochs" }
        let describeKo = { (r: Int?) in r.map { "\($0) epoch" } ?? "\(self.epochs) epoch 안에 도달하지 못함" }
        let m1 = reached[0] ?? Int.max
        let holds = m1 > (reached[1] ?? Int.max) && m1 > (reached[2] ?? Int.max)
        let label = String(format: "%.0f%%", 100 * level)
        let statement = level == 0.98
            ? Localized("Model 1 needs more epochs than the other two to reach 98% test accuracy.",
                        "Accuracy가 98퍼센트에 도달하는 epoch 횟수가 다른 두 모델에 비해 좀 더 길다.")
            : Localized("(Extension) Model 1 also needs the most epochs to reach 99% test accuracy.",
                        "(확장) 99퍼센트 도달에도 모델1이 가장 많은 epoch가 필요하다.")
        return Claim(id: "claim-epochs-\(Int(100 * level))", verdict: holds ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("First epoch at \(label) or more: " + zip(["Model 1", "Model 2", "Model 3"], reached).map { "\($0) \(describe($1))" }.joined(separator: ", ") + ".",
                                         "\(label) 이상 첫 epoch: " + zip(["모델1", "모델2", "모델3"], reached).map { "\($0) \(describeKo($1))" }.joined(separator: ", ") + "."))
    }

    func window(_ values: [Double], _ range: ClosedRange<Int>) -> [Double] {
        Array(values.enumerated().filter { range.contains($0.offset + 1) }.map(\.element))
    }

    func earlyEpochs() -> Claim {
        let statement = Localized("In epochs 2-5 Models 2 and 3 reach high 98% while Model 1 peaks at low-to-mid 98%.",
                                  "다른 두 모델은 epoch [2,5] 부근에서 98.후반%를 보여주고 있는 반면에 모델1은 최대 98.초중반%를 보여주고있다.")
        guard epochs >= 5 else { return notEnough("claim-epochs-2-5", statement, need: 5) }
        let best = ["model1", "model2", "model3"].map { window(accuracy($0)!, 2...5).max()! }
        let holds = best[0] < best[1] && best[0] < best[2]
        let numbers = "best test accuracy in epochs 2-5: Model 1 \(Self.pct(best[0])), Model 2 \(Self.pct(best[1])), Model 3 \(Self.pct(best[2]))"
        return Claim(id: "claim-epochs-2-5", verdict: holds ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized(numbers + " (holds when Model 1's best is below both others').",
                                         "epoch 2-5 최고 test accuracy: 모델1 \(Self.pct(best[0])), 모델2 \(Self.pct(best[1])), 모델3 \(Self.pct(best[2])) (모델1의 최고치가 두 모델보다 낮으면 성립)."))
    }

    /// Kneedle's rule: the epoch farthest below the chord from the first to the last point.
    static func knee(_ losses: [Double]) -> Int? {
        guard losses.count >= 3, let first = losses.first, let last = losses.last, first != last else { return nil }
        let n = Double(losses.count - 1)
        let distances = losses.enumerated().map { i, y -> Double in
            let chord = first + (last - first) * Double(i) / n
            return (chord - y) / abs(first - last)
        }
        return distances.indices.max { distances[$0] < distances[$1] }.map { $0 + 1 }
    }

    func knee() -> Claim {
        let statement = Localized("The knee of the train-loss curves lies in epochs 2-5.",
                                  "Train loss 그래프를 보면 기울기가 확연하게 차이나는 knee부분은 [2,5] 사이이다.")
        guard epochs >= 6 else { return notEnough("claim-knee", statement, need: 6) }
        let knees = ["model1", "model2", "model3"].map { Self.knee(trainLoss($0)!) }
        let holds = knees.allSatisfy { $0.map { (2...5).contains($0) } ?? false }
        let list = zip(["Model 1", "Model 2", "Model 3"], knees).map { "\($0) epoch \($1.map(String.init) ?? "-")" }.joined(separator: ", ")
        return Claim(id: "claim-knee", verdict: holds ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("Knee (the epoch farthest below the straight line from the first to the last epoch's loss): \(list).",
                                         "Knee (첫 epoch과 마지막 epoch의 loss를 잇는 직선에서 가장 멀리 아래에 있는 epoch): \(list)."))
    }

    /// Epochs in `range` where Model 2's accuracy is below (or above) Model 3's.
    func compare(_ range: ClosedRange<Int>) -> (below: Int, above: Int, count: Int, mean2: Double, mean3: Double) {
        let a2 = window(accuracy("model2")!, range), a3 = window(accuracy("model3")!, range)
        let below = zip(a2, a3).filter { $0 < $1 }.count, above = zip(a2, a3).filter { $0 > $1 }.count
        return (below, above, a2.count, a2.reduce(0, +) / Double(a2.count), a3.reduce(0, +) / Double(a3.count))
    }

    func earlyLeader() -> Claim {
        let statement = Localized("In epochs 1-10 Model 2's test accuracy is below Model 3's (so for few epochs the ResNet-style Model 3 is better).",
                                  "모델 2의 경우에는 epoch [0,10] 구간에서는 accuracy가 모델3보다 낮다 (낮은 epoch에서는 ResNet구조를 채용한 모델3가 더 좋다).")
        guard epochs >= 10 else { return notEnough("claim-early-leader", statement, need: 10) }
        let c = compare(1...10)
        return Claim(id: "claim-early-leader", verdict: c.below * 2 > c.count ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("Model 2 is below Model 3 in \(c.below) of \(c.count) epochs; mean accuracy \(Self.pct(c.mean2)) vs \(Self.pct(c.mean3)) (holds when below in more than half).",
                                         "\(c.count)개 epoch 중 \(c.below)개에서 모델2가 모델3보다 낮음; 평균 \(Self.pct(c.mean2)) 대 \(Self.pct(c.mean3)) (절반 넘게 낮으면 성립)."))
    }

    func lateLeader() -> Claim {
        let statement = Localized("From epoch 20 on, Model 2 is slightly better than Model 3.",
                                  "Epoch 20 이후 구간에서는 모델2가 근소하게 낫다.")
        guard epochs >= 21 else { return notEnough("claim-late-leader", statement, need: 21) }
        let c = compare(20...epochs)
        return Claim(id: "claim-late-leader", verdict: c.mean2 > c.mean3 ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("Mean test accuracy in epochs 20-\(epochs): Model 2 \(Self.pct(c.mean2)), Model 3 \(Self.pct(c.mean3)); Model 2 ahead in \(c.above) of \(c.count) epochs.",
                                         "epoch 20-\(epochs) 평균 test accuracy: 모델2 \(Self.pct(c.mean2)), 모델3 \(Self.pct(c.mean3)); \(c.count)개 중 \(c.above)개 epoch에서 모델2가 앞섬."))
    }

    func finalRanking() -> Claim {
        let final = ["model1", "model2", "model3"].map { accuracy($0)!.last! }
        let statement = Localized("Model 2's final accuracy is slightly higher than Model 3's.", "Final accuracy는 모델2가 모델3보다 근소하게 높다.")
        return Claim(id: "claim-final", verdict: final[1] > final[2] ? .holds : .doesNotHold, statement: statement,
                     evidence: Localized("Final test accuracy: Model 2 \(Self.pct(final[1])), Model 3 \(Self.pct(final[2])), Model 1 \(Self.pct(final[0])).",
                                         "최종 test accuracy: 모델2 \(Self.pct(final[1])), 모델3 \(Self.pct(final[2])), 모델1 \(Self.pct(final[0]))."))
    }

    func worstModel() -> Claim {
        let ids = ["model1", "model2", "model3"]
        let final = ids.map { accuracy($0)!.last! }
        let mean = ids.map { accuracy($0)!.reduce(0, +) / Double(epochs) }
        let holds = final[0] < min(final[1], final[2]) && mean[0] < min(mean[1], mean[2])
        return Claim(id: "claim-worst", verdict: holds ? .holds : .doesNotHold,
                     statement: Localized("Model 1 performs worst of the three, despite the most parameters and compute.",
                                          "어느 모델이 가장 퍼포먼스가 좋지 않느냐에 대한 대답은 확실히 할 수 있다. 모델1이 그 대상이다."),
                     evidence: Localized("Final test accuracy 1/2/3: \(final.map(Self.pct).joined(separator: " / ")); mean over all \(epochs) epochs: \(mean.map(Self.pct).joined(separator: " / ")) (holds when Model 1 is lowest in both).",
                                         "최종 test accuracy 1/2/3: \(final.map(Self.pct).joined(separator: " / ")); 전체 \(epochs) epoch 평균: \(mean.map(Self.pct).joined(separator: " / ")) (둘 다 모델1이 가장 낮으면 성립)."))
    }

    func longTraining() -> Claim {
        Claim(id: "claim-long", verdict: .notTestable,
              statement: Localized("For many more than 30 epochs, Model 3 (residual connections against vanishing gradients) is the best choice.",
                                   "만약 30 epoch가 아닌 더 큰 epoch를 사용한다면 ResNet구조를 사용한 model3을 사용하는 게 가장 좋다."),
              evidence: Localized("A prediction beyond this run's \(epochs) epochs; run with more --epochs to test it.",
                                  "이 실행의 \(epochs) epoch를 넘어서는 예측이다. 더 큰 --epochs로 실행해야 확인할 수 있다."))
    }

    func notEnough(_ id: String, _ statement: Localized, need: Int) -> Claim {
        Claim(id: id, verdict: .notTestable, statement: statement,
              evidence: Localized("Needs at least \(need) epochs; this run has \(epochs).", "최소 \(need) epoch가 필요하다; 이 실행은 \(epochs) epoch이다."))
    }
}

enum Format {
    static func int(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }
}
