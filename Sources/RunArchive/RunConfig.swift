import Dataset
import Engine
import Foundation
import Support
import Training

/// A run: every model of a list trained once per seed under one set of
/// settings. Its units are `unit(model, seed)`, seed by seed; its id is the
/// digest of their ids in that order, so a run is exactly its units.
public struct RunConfig: Codable, Hashable, Sendable {
    public var models: [ModelSpec]
    public var seeds: [UInt64]
    public var settings: TrainingSettings

    public init(models: [ModelSpec] = Homework.models, seeds: [UInt64] = Homework.seeds, settings: TrainingSettings = .homework) {
        self.models = models
        self.seeds = seeds
        self.settings = settings
    }

    public func unit(_ model: ModelSpec, seed: UInt64) -> UnitConfig {
        UnitConfig(model: model, seed: seed, settings: settings)
    }

    /// Seed by seed, each seed's models in order: the first seed's units finish first.
    public var units: [UnitConfig] { seeds.flatMap { seed in models.map { unit($0, seed: seed) } } }

    /// The digest of `hw2-run 1\n` followed by `unit <id>\n` for each unit in order.
    public var id: RunID {
        let encoding = "hw2-run 1\n" + units.map { "unit \($0.id.rawValue)\n" }.joined()
        return RunID(rawValue: String(Digest.sha256(Data(encoding.utf8)).prefix(16)))
    }

    public var isStudy: Bool { seeds.count > 1 }

    /// Is this the homework's own configuration (its models, data, epochs, batch
    /// and optimizer), whatever the seeds and whichever reduction order trained it?
    public var hasHomeworkSettings: Bool {
        let homework = TrainingSettings.homework
        return models == Homework.models && settings.dataset == homework.dataset && settings.epochs == homework.epochs
            && settings.batchSize == homework.batchSize && settings.limitTrain == nil && settings.adam == homework.adam
    }

    /// The homework itself: its settings with its seed.
    public var isHomework: Bool { hasHomeworkSettings && seeds == Homework.seeds }

    /// `hw2` for the homework; otherwise a name that says how this run differs
    /// (`hw2-epochs2`, `hw2-seeds0-4`). Only letters, digits, `.`, `_` and `-`.
    public var reportName: String {
        let homework = TrainingSettings.homework
        var parts = ["hw2"]
        if settings.dataset.name != homework.dataset.name { parts.append(settings.dataset.name.filter { $0.isLetter || $0.isNumber || $0 == "-" }) }
        if models != Homework.models { parts.append("models" + models.map { $0.id.rawValue.replacingOccurrences(of: "model", with: "") }.joined()) }
        if settings.epochs != homework.epochs { parts.append("epochs\(settings.epochs)") }
        if settings.batchSize != homework.batchSize { parts.append("batch\(settings.batchSize)") }
        if seeds != Homework.seeds { parts.append(SeedList(seeds).name) }
        if let limitTrain = settings.limitTrain { parts.append("train\(limitTrain)") }
        if settings.adam != homework.adam { parts.append("adam") }
        return parts.joined(separator: "-")
    }
}
