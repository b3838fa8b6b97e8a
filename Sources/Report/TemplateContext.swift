import Foundation

/// What a template prints, typed: every stored property is a name the
/// template may use, holding text, a flag, a list or a nested context, so the
/// code that fills it cannot leave a value out. (A name in a template that no
/// property has is caught when rendering, by `TemplateCheck`.) Optionals are
/// sections that render only when present.
protocol TemplateContext {}

enum TemplateValue {
    /// The context as Mustache (and `TemplateCheck`) read it: text and flags
    /// as they are, lists element by element, a context as a dictionary of its
    /// stored properties, and nil as false (a section that renders nothing).
    static func of(_ value: Any) -> Any {
        if let text = value as? String { return text }
        if let flag = value as? Bool { return flag }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { of($0.value) } ?? false
        case .collection:
            return mirror.children.map { of($0.value) }
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label { dictionary[label] = of(child.value) }
            }
            return dictionary
        default:
            assertionFailure("a template context holds text, flags, optionals, lists and structs; found \(type(of: value))")
            return String(describing: value)
        }
    }

    static func dictionary(_ context: TemplateContext) -> [String: Any] {
        of(context) as? [String: Any] ?? [:]
    }
}

/// A row with only a title (the models' names across a table's header).
struct TitleRow { let title: String }

/// The single-run write-up's context (templates/report.<lang>.md.mustache).
struct ReportContext: TemplateContext {
    struct Model { let title, summary, figure, number, lastBatchLoss, originalLastBatchLoss: String }
    struct Result {
        let title, trainLoss, originalTrainLoss, trainLossDifference: String
        let testAccuracy, interval, originalTestAccuracy, testAccuracyDifference, bestTestAccuracy, bestEpoch: String
    }
    struct Parameters {
        struct Row { let label, formula, weights: String }
        let title: String
        let rows: [Row]
        let weights, total, stated, note: String
        let hasNote: Bool
    }
    /// One line of the parameter tables set side by side, as the original does: each model's layer of that line, if it has one.
    struct ParameterRow { let cells: [Parameters.Row] }
    struct Compute { let title, forwardMACs, forwardFLOPs, trainingFLOPs, epochFLOPs: String }
    struct ClaimRow { let statement, evidence, rule, verdict, mark: String }
    struct Paired { let first, second, onlyFirst, onlySecond, p, significant: String }
    struct EpochRow {
        struct Cell { let loss, accuracy: String }
        let epoch: String
        let cells: [Cell]
    }
    struct Timing { let title, trainSeconds, evalSeconds, totalMinutes, samplesPerSecond: String }
    struct Reproducibility {
        struct DatasetDigest { let file, sha256: String }
        struct Weights { let title, unit, sha256: String }
        struct Resumed { let title, after: String }
        let adam, shards, normalisation, limitTrain: String
        let datasetDigests: [DatasetDigest]
        let evalBatch, machine, contract, guarantee, toolchain, commit, started, finished: String
        let weights: [Weights]
        let resumed: [Resumed]
    }
    struct AcrossSeeds {
        struct Row { let title, final, thisRun: String }
        let seeds: String
        let rows: [Row]
        let seedSpread, modelGap: String
        /// The study's overall verdicts on the original's claims.
        let studyTally: String
        /// The conclusion's sentence on noise: whether a seed moves a model more than the models differ.
        let noise: String
    }
    struct Verification {
        struct Unit { let model, epochs, result, largestDifference: String }
        let date, epochs, threads: String
        let bitsPromised: Bool
        let tolerance, machine: String
        let models: [Unit]
    }

    let lang, course, assignment, dataset, runId, regenerate, verifyFirstEpoch, verifyEveryEpoch: String
    let seed, epochs, batchSize, batches, trainCount, normalisation: String
    let isHomework: Bool
    /// The homework's own settings (`Homework`), for saying how this run differs.
    let homeworkSeed, homeworkEpochs, homeworkBatchSize, homeworkDataset: String
    let architecture: [ArchitectureSection.Model]
    let models: [Model]
    let results: [Result]
    let paired: [Paired]
    let hasPaired: Bool
    let differenceNote: String
    let study: String?
    let hasStudy: Bool
    let acrossSeeds: AcrossSeeds?
    let hasErrors, hasMissed: Bool
    let confusionFigure, confusionNumber, missedFigure, missedNumber, confusedMost: String
    let perClass: [ErrorsSection.ClassRow]
    let modelTitles: [TitleRow]
    let parameters: [Parameters]
    let parameterRows: [ParameterRow]
    let compute: [Compute]
    let computeOrder: String
    let claims, extensionClaims: [ClaimRow]
    let claimTally, claimsTotal: String
    let comparisonFigure, comparisonNumber: String
    let epochTable: [EpochRow]
    let timings: [Timing]
    let totalMinutes, timingsFigure, timingsNumber: String
    let reproducibility: Reproducibility
    let verification: Verification?
    let hasVerification: Bool
    /// The reconstruction choices and what depends on each.
    let assumptions: [Story.Assumption]
    let overfitting, conclusion, appendixTitle: String
}

/// A seed study's context (templates/study.<lang>.md.mustache).
struct StudyContext: TemplateContext {
    struct Model { let title, final, best, loss: String }
    struct SeedRow {
        struct Cell { let accuracy: String }
        let seed: String
        let cells: [Cell]
    }
    struct PairRow {
        struct Cell { let difference: String }
        let pair: String
        let cells: [Cell]
        let mean, interval, reading, separated: String
    }
    struct ClaimRow { let mark, statement, perSeed, verdict, evidence, rule: String }
    struct Unit { let title, seed, unit, sha256: String }
    /// A single-seed write-up of one of the study's seeds, rendered beside it.
    struct SeedReport { let seed, folder: String }

    let lang, course, assignment, runId, seeds, seedCount, dataset, epochs, batchSize, unitCount: String
    let models: [Model]
    let modelTitles: [TitleRow]
    let perSeed: [SeedRow]
    let pairs: [PairRow]
    let figure: String
    let claims, extensionClaims: [ClaimRow]
    let claimTally, claimsTotal: String
    let seedReports: [SeedReport]
    let hasSeedReports: Bool
    let regenerate, verifyFirstEpoch: String
    let units: [Unit]
    let machine, shards, evalBatch, contract: String
    let started, finished, trainingHours: String
    let conclusion: String
}
