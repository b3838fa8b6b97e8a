import Engine

/// A range of epochs as the original writes it on its plot axis: `[2,5]` is
/// 2 and 5, "from epoch 20 on" is 20 and nil (to the run's last epoch).
struct EpochSpan: Sendable {
    let from: Int
    let to: Int?
    let written: Localized
}

/// The quantities a counted claim is about, computed from the compiled plans.
enum Counted: Sendable {
    case forwardMACs, parameters
}

/// The few kinds of rule a claim is judged by. A rule names the models it is
/// about through the claim's data and compares them with every other model
/// of the run, whatever their number.
enum ClaimRule: Sendable {
    /// The counts of the listed models, largest first.
    case countedOrder(Counted, descending: [ModelID])
    /// One model's count over another's, "about `factor`" read as within `tolerance` (a fraction).
    case countedRatio(Counted, ModelID, over: ModelID, factor: Double, tolerance: Double)
    /// The model's mean measured training time per epoch is the largest.
    case slowestToTrain(ModelID)
    /// The model first reaches `level` of test accuracy strictly later than every other.
    case latestToReach(level: Double, ModelID)
    /// The model's best test accuracy in the span is the lowest.
    case lowestBest(ModelID, EpochSpan)
    /// Every model's train-loss knee (linear axis) lies in the span.
    case knee(EpochSpan)
    /// `leader`'s test accuracy is above `other`'s over the span's epochs.
    case ahead(ModelID, of: ModelID, EpochSpan)
    /// `leader`'s final predictions are better than `other`'s on the same images.
    case finalAhead(ModelID, of: ModelID)
    /// The model is the worst on the curves: early best, best and mean accuracy.
    case worst(ModelID, early: EpochSpan)
    /// `early` leads in the first span and `late` in the second: the epoch budget decides.
    case crossover(early: ModelID, EpochSpan, late: ModelID, EpochSpan)
    /// A prediction, for runs of many more epochs than `epochs`, that recommends the model.
    case beyond(ModelID, epochs: Int)

    /// The models the rule names; a run without one of them cannot test it.
    var named: [ModelID] {
        switch self {
        case let .countedOrder(_, ids): return ids
        case let .countedRatio(_, a, b, _, _): return [a, b]
        case let .slowestToTrain(a), let .latestToReach(_, a), let .lowestBest(a, _), let .worst(a, _): return [a]
        case .knee, .beyond: return []
        case let .ahead(a, b, _), let .finalAhead(a, b): return [a, b]
        case let .crossover(a, _, b, _): return [a, b]
        }
    }
}

/// One claim as data: the original's sentence (Korean, as written) and its
/// English gloss, and the rule, with its thresholds, that decides it.
struct ClaimSpec: Sendable {
    let id: String
    let source: Claim.Source
    /// English gloss / the original's Korean sentence.
    let statement: Localized
    let rule: ClaimRule
}

extension ClaimSpec {
    static let around25 = EpochSpan(from: 2, to: 5, written: Localized("[2,5]", "[2,5]"))
    static let first10 = EpochSpan(from: 0, to: 10, written: Localized("[0,10]", "[0,10]"))
    static let from20 = EpochSpan(from: 20, to: nil, written: Localized("epoch 20 on", "epoch 20 이후"))

    /// The original write-up's claims in the order of its analysis, then our extension.
    static let homework: [ClaimSpec] = [
        ClaimSpec(id: "claim-compute", source: .original,
                  statement: Localized("Compute needed: Model 1 > Model 3 > Model 2.", "필요 연산량 Model1 > Model3 > Model2"),
                  rule: .countedOrder(.forwardMACs, descending: ["model1", "model3", "model2"])),
        ClaimSpec(id: "claim-params-m2", source: .original,
                  statement: Localized("Model 1 has about 4x the parameters of Model 2.", "모델1의 경우 #parm이 모델2에 비해서는 약 4배"),
                  rule: .countedRatio(.parameters, "model1", over: "model2", factor: 4, tolerance: 0.15)),
        ClaimSpec(id: "claim-params-m3", source: .original,
                  statement: Localized("Model 1 has about 2x the parameters of Model 3.", "모델3에 비해서는 약 2배에 가깝다."),
                  rule: .countedRatio(.parameters, "model1", over: "model3", factor: 2, tolerance: 0.15)),
        ClaimSpec(id: "claim-cost", source: .original,
                  statement: Localized("Model 1's compute makes it the most expensive to train.", "연산량도 많아 학습 비용이 많은데"),
                  rule: .slowestToTrain("model1")),
        ClaimSpec(id: "claim-epochs-98", source: .original,
                  statement: Localized("Model 1 needs more epochs than the other two to reach 98% test accuracy.",
                                       "Accuracy가 98퍼센트에 도달하는 epoch 횟수가 다른 두 모델에 비해 좀 더 길다."),
                  rule: .latestToReach(level: 0.98, "model1")),
        ClaimSpec(id: "claim-epochs-2-5", source: .original,
                  statement: Localized("Around epochs [2,5] Models 2 and 3 are at high 98% while Model 1 is at most at low-to-mid 98%.",
                                       "다른 두 모델은 epoch [2,5] 부근에서 98.후반%를 보여주고 있는 반면에 모델1은 최대 98.초중반%를 보여주고있다."),
                  rule: .lowestBest("model1", around25)),
        ClaimSpec(id: "claim-knee", source: .original,
                  statement: Localized("The knee of the train-loss curves lies in [2,5].",
                                       "Train loss 그래프를 보면 기울기가 확연하게 차이나는 knee부분은 [2,5] 사이이다."),
                  rule: .knee(around25)),
        ClaimSpec(id: "claim-early-leader", source: .original,
                  statement: Localized("In epochs [0,10] Model 2's test accuracy is below Model 3's (so for few epochs the ResNet-style Model 3 is better).",
                                       "모델 2의 경우에는 epoch [0,10] 구간에서는 accuracy가 모델3보다 낮은 걸 확인할 수 있다 (즉 낮은 epoch에서는 ResNet구조를 채용한 모델3가 더 좋다)."),
                  rule: .ahead("model3", of: "model2", first10)),
        ClaimSpec(id: "claim-late-leader", source: .original,
                  statement: Localized("From epoch 20 on, Model 2 is slightly better than Model 3.", "Epoch 20 이후 구간에서는 모델2가 근소하게 낫다."),
                  rule: .ahead("model2", of: "model3", from20)),
        ClaimSpec(id: "claim-final", source: .original,
                  statement: Localized("Model 2's final accuracy is slightly higher than Model 3's.", "Final accuracy는 모델2가 모델3보다 근소하게 높다."),
                  rule: .finalAhead("model2", of: "model3")),
        ClaimSpec(id: "claim-worst", source: .original,
                  statement: Localized("Model 1 clearly performs worst of the three.",
                                       "어느 모델이 가장 퍼포먼스가 좋지 않느냐에 대한 대답은 확실히 할 수 있다. 모델1이 그 대상이다."),
                  rule: .worst("model1", early: around25)),
        ClaimSpec(id: "claim-depends", source: .original,
                  statement: Localized("Which of Models 2 and 3 performs best depends on the training conditions (the epoch budget: Model 3 for few epochs, Model 2 after epoch 20).",
                                       "세 모델 중 누가 가장 좋은 퍼포먼스를 보여줄 것인가에 대한 대답은 모델2와 모델3이 학습 조건 하에서 달라진다고 대답할 수 있다."),
                  rule: .crossover(early: "model3", first10, late: "model2", from20)),
        ClaimSpec(id: "claim-long", source: .original,
                  statement: Localized("For many more than 30 epochs, Model 3 (residual connections against vanishing gradients) is the best choice.",
                                       "만약 30 epoch가 아닌 더 큰 epoch를 사용한다면 Gradient vanishing을 방지할 수 있는 ResNet구조를 사용한 model3을 사용하는 게 가장 좋다."),
                  rule: .beyond("model3", epochs: 30)),
        ClaimSpec(id: "claim-epochs-99", source: .extension_,
                  statement: Localized("Model 1 also needs the most epochs to reach 99% test accuracy.", "99퍼센트 도달에도 모델1이 가장 많은 epoch가 필요하다."),
                  rule: .latestToReach(level: 0.99, "model1")),
    ]
}
