/// Every sentence and label the code builds, English and Korean side by side
/// in one place, so a wording is changed once and the two languages cannot
/// drift apart (a test checks that both use the same placeholders).
///
/// A placeholder is `{name}`; in Korean `{name:을}` adds the particle in the
/// form the value's final sound takes (을/를, 이/가, 은/는, 과/와, 으로/로).
enum Message: CaseIterable {
    // Verdicts and tallies
    case holds, doesNotHold, notDecided, notTestable, tallyItem
    // What a rule needs
    case needsModels, needsEpochs, noPredictions, needsOtherModel
    // Counted and measured
    case forwardMACs, parameterCount, countedEvidence, ratioEvidence, countedOrderRule, countedRatioRule
    case timedApart, secondsItem, secondsEvidence, largestRule
    // Epochs to a level
    case firstEpochItem, notWithin, firstReachingEvidence, firstReachingRule, lagMeasure
    // Epoch ranges, read both ways
    case readingsAgree, readingsDisagree, readingsDisagreeOnVerdict, readingsOutOfRange, epochsSpan
    case valueItem, lowestEvidence, bandsEvidence, bandItem, lowestRule, gapMeasure
    case band99, bandHigh98, bandLowToMid98, bandBelow98
    case kneeEvidence, kneeItem, kneeRule
    case signEvidence, signRule, meanMeasure, lenientEpochs, lenientBestEpochs
    case mcnemarEvidence, mcnemarRule, finalMeasure
    case worstEvidence, worstRule, earlyBestMeasure, bestMeasure, meanAccuracyMeasure
    case crossoverEvidence, crossoverRule
    case beyondEvidence, beyondRule
    // Figures
    case figureModelLoss, figureMeanLoss, figureTrainBatchMean, figureModelAccuracy, figureTrainLoss, figureMeanBatchLoss, figureTestZoomed
    case figureEpoch, figureAccuracy, figureTestAccuracy, figureTrain, figureTest, figureSecondsUnit
    case figureTimePerEpoch, figureSecondsMean, figurePredicted, figureTrue, figureMissed, figureStudyLoss, figureStudyAccuracy
    // Architecture and errors
    case layerConv, layerThenReLU, layerInput, layerMaxPool, layerResidual, layerFlatten, layerLinear, layerLoss, confusedItem
    // The run's sections
    case typed, parameterSlip, yes, no, kernelPath, identical, differsFrom, differenceHomework, differenceOther, allImages
    case otherReduction, sameBits, uncommitted, machine, or, better, ofSeeds
    // The story: assumptions, overfitting, conclusion
    case assumePadding, assumePaddingOurs, assumePaddingDepends, assumeActivation, assumeActivationOurs, assumeActivationDepends
    case assumePooling, assumePoolingOurs, assumePoolingDepends, assumeOptimizer, assumeOptimizerDepends
    case assumeScaling, assumeScalingDepends, assumeInit, assumeInitOurs, assumeShuffle, assumeShuffleOurs, assumeSeedDepends
    case overfitItem, overfitNote, overfitNone
    case conclusionWorstHolds, conclusionTrails, trailsEarly, trailsBest, trailsMean, conclusionMostCompute, conclusionWorstOther, conclusionPairOpen, conclusionPairCrossover, conclusionPairOther, conclusionCheaper, conclusionBetter
    case conclusionLong, conclusionNoise, conclusionNoiseSmall, conclusionNoStudy, conclusionStudyNoise, appendixTitle
    // Across seeds
    case seedsHold, seedsSetAside, noPairedDifference, pairedOnSome, notEverySeed, measureInterval, intervalNote

    var text: (en: String, ko: String) {
        switch self {
        case .holds: return ("holds", "성립")
        case .doesNotHold: return ("does not hold", "불성립")
        case .notDecided: return ("not decided", "판정 보류")
        case .notTestable: return ("not testable", "확인 불가")
        case .tallyItem: return ("{verdict} {count}", "{verdict} {count}개")

        case .needsModels: return ("Needs {models}, which this run did not train.", "{models:이} 필요한데 이 실행은 학습하지 않았다.")
        case .needsEpochs: return ("Needs at least {need} epochs; this run has {epochs}.", "최소 {need} epoch가 필요하다; 이 실행은 {epochs} epoch이다.")
        case .noPredictions: return ("This run's archive has no test predictions or labels to pair.", "이 실행의 기록에는 짝지을 test 예측이나 label이 없다.")
        case .needsOtherModel: return ("Needs another model to compare {subject} with.", "{subject:과} 비교할 다른 모델이 필요하다.")

        case .forwardMACs: return ("Forward multiply-adds per sample (counted from the architecture)", "샘플당 순전파 곱셈-덧셈 (구조에서 계산)")
        case .parameterCount: return ("Parameters (counted from the architecture)", "Parameter 수 (구조에서 계산)")
        case .countedEvidence: return ("{quantity}: {list}.", "{quantity}: {list}.")
        case .ratioEvidence: return ("{first} / {second} parameters = {ratio}x.", "{first} / {second} = {ratio}배.")
        case .countedOrderRule: return ("Counted, not measured: holds when the counts are in the claimed order.",
                                        "측정이 아닌 계산값: 수의 순서가 주장과 같으면 성립.")
        case .countedRatioRule: return ("Counted: \"about {factor}x\" is read as within {tolerance}% of it.",
                                        "계산값: \"약 {factor}배\"는 그 {tolerance}% 이내로 판정.")
        case .timedApart: return ("The models were timed on {count} different machines or thread counts.",
                                  "모델들을 {count}가지 기계나 thread 수로 측정했다.")
        case .secondsItem: return ("{model} {seconds} s", "{model} {seconds} s")
        case .secondsEvidence: return ("Measured training seconds per epoch (mean): {list}.", "측정한 epoch당 학습 시간 (평균): {list}.")
        case .largestRule: return ("Measured on the machine of the run: holds when {subject}'s mean is the largest; not testable when the models were timed on different machines or thread counts.",
                                   "실행한 기계에서 측정: {subject}의 평균이 가장 크면 성립; 모델들을 다른 기계나 thread 수로 측정했으면 확인 불가.")

        case .firstEpochItem: return ("{model} epoch {epoch}", "{model} epoch {epoch}")
        case .notWithin: return ("{model} not within {epochs} epochs", "{model:은} {epochs} epoch 안에 도달하지 못함")
        case .firstReachingEvidence: return ("First epoch at {level} or more: {list}.", "{level} 이상인 첫 epoch: {list}.")
        case .firstReachingRule: return ("Holds when {subject} first reaches {level} strictly later than every other model; reaching it at the same epoch as the latest does not hold (it needs no more epochs). A model that never reaches it within the run is later than one that does; two that never do cannot be ordered (not testable). Across seeds, by the paired 95% t interval of its lag behind the latest other model, measured only on runs where every model reaches the level; if one does not, the seeds' verdicts decide.",
                                         "{subject:이} 다른 모든 모델보다 늦게 {level}에 처음 도달하면 성립; 가장 늦은 모델과 같은 epoch에 도달하면 불성립 (더 많은 epoch가 필요하지 않다). 실행 안에 도달하지 못한 모델은 도달한 모델보다 늦은 것으로 보고, 둘 다 도달하지 못하면 순서를 정할 수 없다 (확인 불가). seed 전체에서는 가장 늦은 다른 모델보다 늦은 epoch 수의 짝지은 95% t 구간으로 판정하되, 이 차이는 모든 모델이 도달한 실행에서만 잰다; 도달하지 못한 모델이 있으면 seed별 판정으로 정한다.")
        case .lagMeasure: return ("{subject}'s lag behind the latest other model (epochs)", "가장 늦은 다른 모델보다 {subject:이} 늦은 epoch 수")

        case .readingsAgree: return (" ({written} read as epochs {one}; reading the axis from 0, epochs {zero}, gives the same verdict.)",
                                     " ({written:은} epoch {one:으로} 읽었다; 축을 0부터 세어 epoch {zero:으로} 읽어도 같은 판정이다.)")
        case .readingsDisagree: return ("Read from 1 (epochs {one}): {first} Read from 0 (epochs {zero}): {second} The two readings of the original's axis disagree.",
                                        "1부터 세면 (epoch {one}): {first} 0부터 세면 (epoch {zero}): {second} 원문 축의 두 해석이 서로 다르다.")
        case .readingsDisagreeOnVerdict: return (" ({written} read as epochs {one}: {first}; reading the axis from 0, epochs {zero}: {second}. The two readings of the original's axis disagree.)",
                                                 " ({written:을} epoch {one:으로} 읽으면 {first}, 축을 0부터 세어 epoch {zero:으로} 읽으면 {second}. 원문 축의 두 해석이 서로 다르다.)")
        case .readingsOutOfRange: return ("This run's {epochs} epochs do not reach {written} under both readings of the axis.",
                                          "이 실행의 {epochs} epoch은 축의 두 해석 모두로 {written}에 닿지 않는다.")
        case .epochsSpan: return ("epochs {from}-{to}", "epoch {from}-{to}")
        case .valueItem: return ("{model} {value}", "{model} {value}")
        case .lowestEvidence: return ("Best test accuracy in epochs {range}: {list}; {subject} against {other} on those best epochs' predictions: {onlyFirst} vs {onlySecond} images only one gets right ({p}).",
                                      "epoch {range}의 최고 test accuracy: {list}; 그 epoch들의 예측으로 {subject} 대 {other}: 한쪽만 맞힌 이미지 {onlyFirst} 대 {onlySecond} ({p}).")
        case .bandsEvidence: return (" Apart from the verdict, the absolute levels in the original's bands: {list}.",
                                     " 판정과 별도로, 원문의 구간으로 본 절대 수준: {list}.")
        case .bandItem: return ("{model} {band}", "{model} {band}")
        case .band99: return ("99% or above", "99% 이상")
        case .bandHigh98: return ("high 98% (98.60-98.99%)", "98.후반% (98.60-98.99%)")
        case .bandLowToMid98: return ("low-to-mid 98% (98.00-98.59%)", "98.초중반% (98.00-98.59%)")
        case .bandBelow98: return ("below 98%", "98% 미만")
        case .lowestRule: return ("Read relatively, as the point of the sentence (Model 1 lags): holds when {subject}'s best test accuracy around {written} is below every other model's, by McNemar's exact test of its best epoch's predictions against the weaker other model's best epoch (5% level); across seeds, by the paired 95% t interval of that gap. The absolute bands (high 98% = 98.60-98.99%, low-to-mid = 98.00-98.59%) are reported apart.",
                                  "문장의 요지(모델1이 뒤진다)대로 상대적으로 읽는다: {written} 부근에서 {subject}의 최고 test accuracy가 다른 모든 모델보다 낮으면 성립; 한 실행에서는 최고 epoch의 예측을 더 약한 다른 모델의 최고 epoch 예측과 McNemar 정확 검정(유의수준 5%), seed 전체에서는 그 차이의 짝지은 95% t 구간으로 판정. 절대 구간(98.후반% = 98.60-98.99%, 98.초중반% = 98.00-98.59%)은 따로 보고한다.")
        case .gapMeasure: return ("gap from the weaker other model down to {subject}, best in epochs {range} (points)", "epoch {range} 최고치에서 더 약한 다른 모델과 {subject}의 차이 (포인트)")
        case .kneeEvidence: return ("Knees on the linear axis: {linear}; on a log axis: {log}.", "선형 축의 knee: {linear}; log 축의 knee: {log}.")
        case .kneeItem: return ("{model} epoch {epoch}", "{model} epoch {epoch}")
        case .kneeRule: return ("The knee is the epoch farthest below the straight line from the first to the last epoch's train loss on the linear axis the original plotted (the log-axis reading is shown beside it): holds when every model's knee is in {written}.",
                                "Knee는 원문이 그린 선형 축에서 첫 epoch과 마지막 epoch의 train loss를 잇는 직선에서 가장 멀리 아래에 있는 epoch이다 (log 축의 knee를 함께 보인다): 모든 모델의 knee가 {written} 안이면 성립.")
        case .signEvidence: return ("{first} above {second} in {above}, below in {below} of {count} epochs ({p}).",
                                    "{count}개 epoch 중 {first:이} {second}보다 높은 epoch {above}개, 낮은 epoch {below}개 ({p}).")
        case .signRule: return ("Sign test over the epochs of the range (ties dropped), 5% level: holds when the claimed order wins significantly, does not hold when the opposite order does, otherwise not decided; across seeds, the paired 95% t interval of the mean difference over the range decides.",
                                "구간의 epoch에 대한 부호 검정 (동률 제외), 유의수준 5%: 주장한 순서가 유의하게 많으면 성립, 반대 순서가 유의하면 불성립, 아니면 판정 보류; seed 전체에서는 구간 평균 차이의 짝지은 95% t 구간으로 판정.")
        case .lenientEpochs: return (" In one run the sign test is lenient, descriptive only: neighbouring epochs are not independent, so its p is smaller than it should be; the seed study's paired t interval across seeds is the stronger test.",
                                     " 한 실행의 부호 검정은 느슨한 기술적 판정일 뿐이다: 이웃한 epoch은 독립이 아니어서 p가 실제보다 작게 나온다; seed 연구의 seed 간 짝지은 t 구간이 더 강한 검정이다.")
        case .lenientBestEpochs: return (" In one run this McNemar test is lenient, descriptive only: each model's best epoch is chosen on the same test images it is then tested on; the seed study's paired t interval across seeds is the stronger test.",
                                         " 한 실행의 이 McNemar 검정은 느슨한 기술적 판정일 뿐이다: 각 모델의 최고 epoch을 검정에 쓰는 바로 그 test 이미지로 고른다; seed 연구의 seed 간 짝지은 t 구간이 더 강한 검정이다.")
        case .meanMeasure: return ("{first} − {second}, mean test accuracy over {range} (points)", "{range}의 평균 test accuracy, {first} − {second} (포인트)")
        case .mcnemarEvidence: return ("Final test accuracy: {first} {a}, {second} {b}; {onlyFirst} images only {first} gets right, {onlySecond} only {second} ({p}).",
                                       "최종 test accuracy: {first} {a}, {second} {b}; {first}만 맞힌 이미지 {onlyFirst}장, {second}만 맞힌 이미지 {onlySecond}장 ({p}).")
        case .mcnemarRule: return ("McNemar's exact test on the two models' final predictions of the same test images, 5% level: holds when the claimed model is significantly better, does not hold when the other is, otherwise not decided; across seeds, by the paired 95% t interval of the final difference.",
                                   "같은 test 이미지에 대한 두 모델의 최종 예측에 McNemar 정확 검정, 유의수준 5%: 주장한 모델이 유의하게 나으면 성립, 다른 모델이 나으면 불성립, 아니면 판정 보류; seed 전체에서는 최종 차이의 짝지은 95% t 구간으로 판정.")
        case .finalMeasure: return ("{first} − {second}, final test accuracy (points)", "최종 test accuracy, {first} − {second} (포인트)")
        case .worstEvidence: return ("{subject} against {other}: best in epochs {range} {a} vs {b}, best overall {c} vs {d}, mean over all epochs {e} vs {f}; lower in {below}, higher in {above} of {count} epochs ({p}).",
                                     "{subject} 대 {other}: epoch {range} 최고 {a} 대 {b}, 전체 최고 {c} 대 {d}, 전 epoch 평균 {e} 대 {f}; {count}개 epoch 중 낮은 epoch {below}개, 높은 epoch {above}개 ({p}).")
        case .worstRule: return ("On the original's evidence, the curves: {subject} is compared with every other model on its best test accuracy early ({written}), its best over the run and its mean over all epochs. One run: holds when it is lower than each other model in significantly more epochs (sign test, 5%), does not hold when it is higher than one; across seeds: holds when all three gaps to the weaker other model have paired 95% t intervals above 0, does not hold when one is below 0.",
                                 "원문의 근거인 곡선으로 판정: {subject:을} 다른 모든 모델과 초반({written}) 최고 test accuracy, 전체 최고치, 전 epoch 평균으로 비교한다. 한 실행: 각 모델보다 유의하게 많은 epoch에서 낮으면 성립 (부호 검정, 5%), 한 모델보다 높으면 불성립; seed 전체: 더 약한 다른 모델과의 세 차이의 짝지은 95% t 구간이 모두 0보다 크면 성립, 하나라도 0보다 작으면 불성립.")
        case .earlyBestMeasure: return ("gap from the weaker other model down to {subject}, best in epochs {range} (points)", "epoch {range} 최고치에서 더 약한 다른 모델과 {subject}의 차이 (포인트)")
        case .bestMeasure: return ("gap from the weaker other model down to {subject}, best over the run (points)", "전체 최고치에서 더 약한 다른 모델과 {subject}의 차이 (포인트)")
        case .meanAccuracyMeasure: return ("gap from the weaker other model down to {subject}, mean over all epochs (points)", "전 epoch 평균에서 더 약한 다른 모델과 {subject}의 차이 (포인트)")
        case .crossoverEvidence: return ("Early, {early} Late, {late}", "초반: {early} 후반: {late}")
        case .crossoverRule: return ("The training condition is the epoch budget: holds when {early} is ahead of {late} early ({earlyWritten}) and {late} ahead late ({lateWritten}), each by the sign test over the epochs (5%) in one run and by its paired 95% t interval across seeds; does not hold when either is significantly the other way; a difference within noise is not decided, never read as support.",
                                     "학습 조건은 epoch 수이다: 초반({earlyWritten})에는 {early:이} {late}보다 앞서고 후반({lateWritten})에는 {late:이} 앞서면 성립; 한 실행에서는 epoch에 대한 부호 검정(5%), seed 전체에서는 각각의 짝지은 95% t 구간으로 판정; 어느 한쪽이 유의하게 반대면 불성립; 잡음 안의 차이는 판정 보류이며 근거로 읽지 않는다.")
        case .beyondEvidence: return ("A prediction beyond this run's {epochs} epochs.", "이 실행의 {epochs} epoch를 넘어서는 예측이다.")
        case .beyondRule: return ("Needs a run of many more than {epochs} epochs (--epochs).", "{epochs} epoch보다 훨씬 많은 epoch의 실행 (--epochs)이 필요하다.")

        case .figureEpoch: return ("epoch", "epoch")
        case .figureAccuracy: return ("accuracy (%)", "accuracy (%)")
        case .figureTestAccuracy: return ("test accuracy (%)", "test accuracy (%)")
        case .figureTrain: return ("train", "train")
        case .figureTest: return ("test", "test")
        case .figureSecondsUnit: return (" s", " s")
        case .figureModelLoss: return ("{model}: loss (log scale)", "{model}: loss (log 축)")
        case .figureMeanLoss: return ("mean loss", "평균 loss")
        case .figureTrainBatchMean: return ("train (batch mean)", "train (batch 평균)")
        case .figureModelAccuracy: return ("{model}: accuracy (fitted to the test curve)", "{model}: accuracy (test 곡선에 맞춘 축)")
        case .figureTrainLoss: return ("Train loss (log scale)", "Train loss (log 축)")
        case .figureMeanBatchLoss: return ("mean batch loss", "batch 평균 loss")
        case .figureTestZoomed: return ("Test accuracy (zoomed)", "Test accuracy (확대)")
        case .figureTimePerEpoch: return ("Training time per epoch", "Epoch당 학습 시간")
        case .figureSecondsMean: return ("seconds (mean over epochs)", "초 (epoch 평균)")
        case .figurePredicted: return ("predicted", "예측")
        case .figureTrue: return ("true", "정답")
        case .figureMissed: return ("Test images most models get wrong", "가장 많은 모델이 틀린 test 이미지")
        case .figureStudyLoss: return ("Train loss across seeds (log scale)", "seed 전체의 train loss (log 축)")
        case .figureStudyAccuracy: return ("Test accuracy across seeds (zoomed)", "seed 전체의 test accuracy (확대)")

        case .layerConv: return ("{name}: {k}×{k} conv, stride {stride}, padding {padding}, {cin}→{cout} channels{relu}",
                                 "{name}: {k}×{k} 합성곱 (conv), stride {stride}, padding {padding}, {cin}→{cout} 채널{relu}")
        case .layerThenReLU: return (", then ReLU", ", 뒤에 ReLU")
        case .layerInput: return ("input (normalised grayscale image)", "입력 (정규화한 흑백 이미지)")
        case .layerMaxPool: return ("{size}×{size} max pooling, stride {size}", "{size}×{size} 최대 풀링 (max pooling), stride {size}")
        case .layerResidual: return ("{name}: residual block, y = ReLU(x + conv2(ReLU(conv1(x))))", "{name}: 잔차 블록 (residual block), y = ReLU(x + conv2(ReLU(conv1(x))))")
        case .layerFlatten: return ("flatten", "펼치기 (flatten)")
        case .layerLinear: return ("{name}: fully connected, {input}→{output}", "{name}: 완전 연결 (fully connected), {input}→{output}")
        case .layerLoss: return ("log-softmax + negative log-likelihood (cross-entropy) loss", "log-softmax + 음의 로그 우도 (cross-entropy) loss")
        case .confusedItem: return ("{true} taken for {predicted} {count} times", "{true:을} {predicted:으로} {count}번")

        case .typed: return ("typed", "원문")
        case .parameterSlip: return ("The write-up states {stated} for {model}, but its own rows add up to {sum} (a difference of {difference}).",
                                     "원문은 {model}의 total을 {stated:으로} 적었지만, 표의 각 행을 더하면 {sum:이} 된다 (차이 {difference}).")
        case .yes: return ("yes", "예")
        case .no: return ("no", "아니오")
        case .kernelPath: return ("{cpu}, kernel path {path}", "{cpu}, kernel 경로 {path}")
        case .identical: return ("identical", "동일")
        case .differsFrom: return ("differs from epoch {epoch}", "epoch {epoch}부터 다름")
        case .differenceHomework: return ("The largest difference in final test accuracy from the original is {gap} points. Differences of this size are expected: the original's seed, data order and hardware (a CUDA GPU) are unknown and its optimizer is not stated (this run uses Adam with PyTorch's defaults); on {images} test images one image is {point} points.",
                                          "원문과의 최종 test accuracy 차이는 최대 {gap} 포인트이다. 이 정도 차이는 예상된 것이다: 원문의 seed, 데이터 순서, 하드웨어(CUDA GPU)를 알 수 없고 optimizer도 적혀 있지 않다(이 실행은 PyTorch 기본값의 Adam). 테스트 {images}장에서 한 장은 {point} 포인트이다.")
        case .differenceOther: return ("This run does not use the homework's configuration, so the differences above mostly measure the change of configuration, not reproducibility.",
                                       "이 실행은 과제의 설정을 쓰지 않았으므로, 위의 차이는 재현성보다 설정의 차이를 주로 반영한다.")
        case .allImages: return ("all", "전체")
        case .otherReduction: return ("This run was made under another reduction order (above) than this engine's; retraining it gives other bits.",
                                      "이 실행은 이 engine과 다른 합산 순서(위)로 만들어졌으므로 다시 학습하면 다른 bit가 나온다.")
        case .sameBits: return ("The same bits on every machine: every sum of the engine runs in one fixed order (the reduction order above; the matrix products follow the kernel contract in Sources/Kernels), so retraining this configuration gives these numbers bit for bit on any x86-64 CPU, whatever its vector unit, kernel path or thread count. Only the machine, toolchain and time rows above and the Timings section depend on where and when it ran.",
                                "모든 기계에서 같은 bit: engine의 모든 합은 하나의 고정된 순서로 계산되므로(위의 합산 순서; 행렬 곱은 Sources/Kernels의 kernel 계약을 따른다), 이 설정을 다시 학습하면 어떤 x86-64 CPU에서도, vector unit, kernel 경로, thread 수와 관계없이 같은 수치가 bit 단위로 나온다. 위의 기계, 도구, 시각 행과 \"시간\" 절만 어디서 언제 실행했는지에 따라 다르다.")
        case .uncommitted: return (" (with uncommitted changes)", " (커밋되지 않은 변경 포함)")
        case .machine: return ("{cpu}; kernel path {path}, {workers} thread(s)", "{cpu}; kernel 경로 {path}, 스레드 {workers}개")
        case .or: return (" or ", " 또는 ")
        case .better: return ("{model} better", "{model} 우세")
        case .ofSeeds: return ("{count} of {seeds}", "seed {seeds}개 중 {count}개")

        case .assumePadding: return ("padding", "padding")
        case .assumePaddingOurs: return ("1 for every 3×3 conv", "모든 3×3 conv에 1")
        case .assumePaddingDepends: return ("the feature-map sizes the original's FC rows imply (14×14, 7×7), hence every parameter and multiply-add count",
                                            "원문 FC 행이 전제하는 feature map 크기(14×14, 7×7), 따라서 모든 parameter 수와 곱셈-덧셈 수")
        case .assumeActivation: return ("activations and loss", "활성화 함수와 loss")
        case .assumeActivationOurs: return ("ReLU after every conv and after FC 1; log-softmax + negative log-likelihood", "모든 conv와 FC 1 뒤에 ReLU; log-softmax + 음의 로그 우도")
        case .assumeActivationDepends: return ("the curves and every measured claim, not the counted ones", "곡선과 측정한 모든 주장 (계산한 주장은 아님)")
        case .assumePooling: return ("where {model} pools", "{model:이} pooling하는 위치")
        case .assumePoolingOurs: return ("after its first conv, before the residual blocks", "첫 conv 뒤, residual 블록 앞")
        case .assumePoolingDepends: return ("the compute-order claim: pooling after the residual blocks gives {model} the same parameters but {alternative} multiply-adds per sample instead of {actual}, and the order {order}",
                                            "연산량 순서 주장: residual 블록 뒤에서 pooling하면 {model}의 parameter는 같지만 샘플당 곱셈-덧셈이 {actual} 대신 {alternative}이고 순서는 {order:이} 된다")
        case .assumeOptimizer: return ("optimizer (not stated in the original)", "optimizer (원문에 없음)")
        case .assumeOptimizerDepends: return ("every measured curve and claim", "측정한 모든 곡선과 주장")
        case .assumeScaling: return ("input scaling", "입력 정규화")
        case .assumeScalingDepends: return ("the curves, slightly", "곡선 (약간)")
        case .assumeInit: return ("initialisation", "초기화")
        case .assumeInitOurs: return ("PyTorch's defaults: uniform in ±1/√fan-in, drawn from the seed", "PyTorch 기본값: ±1/√fan-in 균등분포, seed에서 뽑음")
        case .assumeShuffle: return ("shuffling", "섞기")
        case .assumeShuffleOurs: return ("the training images reshuffled every epoch from the seed", "학습 이미지를 epoch마다 seed로 다시 섞음")
        case .assumeSeedDepends: return ("the curves of one run; the seed study measures how far a seed moves them", "한 실행의 곡선; seed 연구가 seed에 따른 변화를 측정한다")

        case .overfitItem: return ("{model}'s test loss falls to {low} at epoch {epoch} and rises to {last} by epoch {epochs}, while its training loss falls to {train}",
                                   "{model}의 test loss는 epoch {epoch}에 {low}까지 내려갔다가 epoch {epochs}에는 {last}로 오르는데, training loss는 {train}까지 내려간다")
        case .overfitNote: return ("Overfitting, measured: {items}. A test loss that rises while the training loss keeps falling means the model fits the training images ever more closely and grows over-confident on the test images it gets wrong; test accuracy, which counts only right answers, barely moves meanwhile.",
                                   "측정한 과적합: {items}. Training loss가 계속 내려가는 동안 test loss가 오르는 것은 모델이 학습 이미지에 점점 더 맞추어 틀리는 test 이미지에 지나치게 확신한다는 뜻이다. 맞힌 개수만 세는 test accuracy는 그동안 거의 변하지 않는다.")
        case .overfitNone: return ("No model's test loss rises by half or more from its lowest epoch to the last: the test loss shows no overfitting.",
                                   "어느 모델도 test loss가 가장 낮은 epoch에서 마지막 epoch까지 절반 이상 오르지 않는다: test loss에는 과적합의 징후가 없다.")

        case .conclusionWorstHolds: return ("Not {subject}: the original's firm answer holds.", "{subject:은} 고르지 않는다: 원문의 확실한 답은 성립한다.")
        case .conclusionTrails: return ("{subject} trails every other model {aspects}.", "{subject:은} {aspects}에서 다른 모든 모델보다 뒤진다.")
        case .trailsEarly: return ("early", "초반")
        case .trailsBest: return ("at its best", "최고치")
        case .trailsMean: return ("on average over the epochs", "epoch 평균")
        case .conclusionMostCompute: return ("It also needs the most multiply-adds per sample: {macs}, against {others}.",
                                             "샘플당 곱셈-덧셈도 {macs:으로} 가장 많다 (다른 모델: {others}).")
        case .conclusionWorstOther: return ("That {subject} performs worst is {verdict} here.", "{subject:이} 가장 나쁘다는 주장은 여기서 {verdict}이다.")
        case .conclusionPairOpen: return ("Between {a} and {b} nothing is decided here: their differences in {earlyWritten}, {lateWritten} and at the end are within noise, so the original's \"depends on the training conditions\" stays open rather than confirmed.",
                                          "{a:과} {b} 사이는 여기서 정해지지 않는다: {earlyWritten}, {lateWritten}, 마지막의 차이가 모두 잡음 안이므로, 원문의 \"학습 조건에 따라 달라진다\"는 확인된 것이 아니라 열린 문제로 남는다.")
        case .conclusionPairCrossover: return ("Between {a} and {b} the epoch budget decides, as the original says: {a} in {earlyWritten}, {b} from {lateWritten}.",
                                               "원문의 말대로 {a:과} {b} 사이는 epoch 수가 정한다: {earlyWritten}에서는 {a}, {lateWritten}에는 {b}.")
        case .conclusionPairOther: return ("Between {a} and {b}: the epoch-budget reading {crossover} ({a} ahead in {earlyWritten}: {early}; {b} ahead from {lateWritten}: {late}), the final ranking {final}.",
                                           "{a:과} {b} 사이: epoch 수에 따른 우열은 {crossover} ({earlyWritten}에서 {a:이} 앞섬: {early}; {lateWritten}에 {b:이} 앞섬: {late}), 최종 순위는 {final}.")
        case .conclusionBetter: return ("At the end {better} is ahead of {other} beyond noise, so for this epoch budget {better} is the better choice.",
                                        "마지막에는 {better:이} 잡음을 넘어 {other}보다 앞서므로, 이 epoch 수에서는 {better:이} 더 나은 선택이다.")
        case .conclusionCheaper: return ("At accuracies this close the cheaper model is the better choice: {cheap} needs {cheapMacs} multiply-adds per sample and {cheapParams} parameters, {other} {otherMacs} and {otherParams}.",
                                         "accuracy가 이만큼 비슷하면 더 싼 모델이 낫다: {cheap:은} 샘플당 곱셈-덧셈 {cheapMacs}, parameter {cheapParams}개, {other:은} {otherMacs}, {otherParams}개이다.")
        case .conclusionLong: return ("The original's recommendation of {model} for much longer training is a prediction that a run of {epochs} epochs cannot test.",
                                      "훨씬 긴 학습에는 {model:을} 쓰라는 원문의 권고는 {epochs} epoch의 실행으로는 확인할 수 없는 예측이다.")
        case .conclusionNoise: return ("Noise: across seeds {seeds} one model's final accuracy moves by up to {spread} points, more than the models' means differ ({gap} points), so a difference of a few tenths in one run is not a ranking; the seed study's verdicts: {tally}.",
                                       "잡음: seed {seeds} 전체에서 한 모델의 최종 accuracy는 최대 {spread} 포인트 움직이며, 이는 모델 평균 사이의 차이({gap} 포인트)보다 크다. 그러므로 한 실행에서 몇 십분의 1 포인트의 차이는 순위가 아니다. seed 연구의 판정: {tally}.")
        case .conclusionNoiseSmall: return ("Noise: across seeds {seeds} one model's final accuracy moves by up to {spread} points, no more than the models' means differ ({gap} points), so the largest gap between the models is larger than what a seed moves one model; which differences are real, the seed study's verdicts tell: {tally}.",
                                            "잡음: seed {seeds} 전체에서 한 모델의 최종 accuracy는 최대 {spread} 포인트 움직이며, 이는 모델 평균 사이의 차이({gap} 포인트)보다 크지 않다. 그러므로 모델 사이의 가장 큰 차이는 seed 하나가 한 모델을 움직이는 폭보다 크다. 어떤 차이가 실제인지는 seed 연구의 판정이 말해 준다: {tally}.")
        case .conclusionNoStudy: return ("One seed cannot tell a real difference of a few tenths of a point from noise; a seed study (report --seeds 0-4) can.",
                                         "seed 하나로는 몇 십분의 1 포인트의 실제 차이를 잡음과 구별할 수 없다; seed 연구(report --seeds 0-4)로 구별한다.")
        case .conclusionStudyNoise: return ("Noise: {seeds} seeds, each claim decided by its paired 95% t interval across them; the verdicts: {tally}.",
                                            "잡음: seed {seeds}개, 각 주장은 seed 전체의 짝지은 95% t 구간으로 판정했다. 판정: {tally}.")

        case .appendixTitle: return ("Appendix: every epoch, timings and the record to reproduce", "부록: 모든 epoch, 시간, 재현 기록")

        case .seedsHold: return ("holds on {holds} of {seeds} seeds", "seed {seeds}개 중 {holds}개에서 성립")
        case .seedsSetAside: return (", not testable on {count}", ", {count}개에서 확인 불가")
        case .noPairedDifference: return (" (no paired difference).", " (짝지은 차이 없음).")
        case .pairedOnSome: return (" (a paired difference on {paired} of {seeds} seeds only).", " (짝지은 차이는 seed {seeds}개 중 {paired}개에만 있음).")
        case .notEverySeed: return (" (not testable on every seed, so no interval across seeds).", " (모든 seed에서 확인할 수 있지는 않아 seed 전체의 구간 없음).")
        case .measureInterval: return ("{measure}: mean {mean}, 95% t interval {low} to {high}", "{measure}: 평균 {mean}, 95% t 구간 {low} ~ {high}")
        case .intervalNote: return (" (positive supports the claim).", " (양수면 주장을 지지).")
        }
    }
}

/// A value a message is filled with: the same text in both languages, or one per language.
protocol CatalogValue {
    func text(_ language: Language) -> String
}

extension String: CatalogValue {
    func text(_ language: Language) -> String { self }
}

extension Localized: CatalogValue {}

enum Catalog {
    /// The message in `language`, its placeholders filled from `values` (and
    /// Korean particles chosen for them); a placeholder without a value stays visible.
    static func text(_ message: Message, _ language: Language, _ values: [String: any CatalogValue] = [:]) -> String {
        fill(language == .ko ? message.text.ko : message.text.en, values.mapValues { $0.text(language) })
    }

    /// The message in both languages, for values (claims) shown in either.
    static func localized(_ message: Message, _ values: [String: any CatalogValue] = [:]) -> Localized {
        Localized(text(message, .en, values), text(message, .ko, values))
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let inside = rest[rest.index(after: open)..<close]
            let parts = inside.split(separator: ":", maxSplits: 1).map(String.init)
            if let value = values[parts[0]] {
                out += parts.count == 2 ? (KoreanParticle(rawValue: parts[1])?.after(value) ?? value + parts[1]) : value
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The placeholders of a message text and the particles they carry.
    static func placeholders(_ template: String) -> [(name: String, particle: String?)] {
        template.matches(of: /\{([A-Za-z]+)(?::([^}]+))?\}/).map { (String($0.output.1), $0.output.2.map(String.init)) }
    }
}
