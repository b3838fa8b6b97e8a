import Dataset
import Engine
import Foundation
import Support
import Training

/// A run: every model of a list trained once per seed under one
/// configuration. Its units are `unit(model, seed)`; its id is the digest of
/// this value, which records every constant that decides a result.
public struct RunConfig: Codable, Hashable, Sendable {
    public var dataset: DatasetIdentity
    public var models: [ModelSpec]
    public var seeds: [UInt64]
    public var epochs: Int
    public var batchSize: Int
    public var evalBatchSize: Int
    public var limitTrain: Int?
    public var adam: AdamConfig
    public var reduction: ReductionOrder

    public init(dataset: DatasetIdentity, models: [ModelSpec], seeds: [UInt64], epochs: Int, batchSize: Int,
                evalBatchSize: Int = UnitConfig.defaultEvalBatchSize, limitTrain: Int? = nil, adam: AdamConfig = AdamConfig(),
                reduction: ReductionOrder = .current) {
        self.dataset = dataset
        self.models = models
        self.seeds = seeds
        self.epochs = epochs
        self.batchSize = batchSize
        self.evalBatchSize = evalBatchSize
        self.limitTrain = limitTrain
        self.adam = adam
        self.reduction = reduction
    }

    public func unit(_ model: ModelSpec, seed: UInt64) -> UnitConfig {
        UnitConfig(dataset: dataset, model: model, seed: seed, epochs: epochs, batchSize: batchSize,
                   evalBatchSize: evalBatchSize, limitTrain: limitTrain, adam: adam, reduction: reduction)
    }

    /// Seed by seed, each seed's models in order: the first seed's units finish first.
    public var units: [UnitConfig] { seeds.flatMap { seed in models.map { unit($0, seed: seed) } } }

    public var id: RunID {
        RunID(rawValue: String(Digest.sha256((try? JSON.encode(self)) ?? Data(String(describing: self).utf8)).prefix(16)))
    }

    public var isStudy: Bool { seeds.count > 1 }

    /// Is this the homework's own configuration (all models, 30 epochs, batch 100, MNIST), whatever the seeds?
    public var hasHomeworkSettings: Bool {
        dataset == DatasetKind.mnist.identity && models == ModelSpec.homework && epochs == 30 && batchSize == 100
            && adam == AdamConfig() && limitTrain == nil
    }

    /// The homework itself: its settings with seed 0.
    public var isHomework: Bool { hasHomeworkSettings && seeds == [0] }

    /// `hw2` for the homework; otherwise a name that says how this run differs
    /// (`hw2-epochs2`, `hw2-seeds0-4`). Only letters, digits, `.`, `_` and `-`.
    public var reportName: String {
        var parts = ["hw2"]
        if dataset.name != DatasetKind.mnist.name { parts.append(dataset.name.filter { $0.isLetter || $0.isNumber || $0 == "-" }) }
        if models != ModelSpec.homework { parts.append("models" + models.map { $0.id.rawValue.replacingOccurrences(of: "model", with: "") }.joined()) }
        if epochs != 30 { parts.append("epochs\(epochs)") }
        if batchSize != 100 { parts.append("batch\(batchSize)") }
        if seeds != [0] { parts.append(SeedList(seeds).name) }
        if let limitTrain { parts.append("train\(limitTrain)") }
        if adam != AdamConfig() { parts.append("adam") }
        return parts.joined(separator: "-")
    }
}

/// Seeds as users give them: `0-4`, `0,3,7`, or `2`.
public struct SeedList: Hashable, Sendable, CustomStringConvertible {
    public let seeds: [UInt64]

    public init(_ seeds: [UInt64]) { self.seeds = seeds }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case invalid(String, reason: String)
        public var description: String {
            switch self {
            case let .invalid(text, reason): return "expected seeds like 0-4 or 0,3,7 (whole numbers from 0 to \(UInt64.max)), found '\(text)': \(reason)"
            }
        }
    }

    public init(parsing text: String) throws {
        func number(_ part: Substring) throws -> UInt64 {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw ParseError.invalid(text, reason: "an empty entry") }
            guard let value = UInt64(trimmed) else {
                throw ParseError.invalid(text, reason: "'\(trimmed)' is not a whole number from 0 to \(UInt64.max)")
            }
            return value
        }
        var seeds: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            if bounds.count == 2 {
                let low = try number(bounds[0]), high = try number(bounds[1])
                guard low <= high else { throw ParseError.invalid(text, reason: "the range \(low)-\(high) runs backwards") }
                guard high - low < 10_000 else { throw ParseError.invalid(text, reason: "the range \(low)-\(high) holds more than 10,000 seeds") }
                seeds += Array(low...high)
            } else {
                seeds.append(try number(part))
            }
        }
        var seen = Set<UInt64>()
        for seed in seeds where !seen.insert(seed).inserted {
            throw ParseError.invalid(text, reason: "seed \(seed) appears twice")
        }
        self.seeds = seeds
    }

    /// `seeds0-4` for a contiguous range, `seeds0_3_7` for any other list, `seed3` for one.
    public var name: String {
        if seeds.count == 1 { return "seed\(seeds[0])" }
        if isRange, let first = seeds.first, let last = seeds.last { return "seeds\(first)-\(last)" }
        return "seeds" + seeds.map(String.init).joined(separator: "_")
    }

    public var description: String {
        if seeds.count > 2, isRange, let first = seeds.first, let last = seeds.last { return "\(first)-\(last)" }
        return seeds.map(String.init).joined(separator: ",")
    }

    /// Consecutive and increasing, like 0,1,2,3,4.
    private var isRange: Bool {
        guard let first = seeds.first else { return false }
        return seeds.enumerated().allSatisfy { $0.element >= first && $0.element - first == UInt64($0.offset) }
    }
}
