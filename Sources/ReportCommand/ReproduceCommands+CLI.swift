import Dataset
import Report
import RunArchive
import Support
import Training

extension ReproduceCommands {
    /// The command lines a report of `config` prints: each names only the flags
    /// whose value differs from the option's default (the homework's).
    static func of(_ config: RunConfig, language: Language) -> ReproduceCommands {
        let settings = config.settings, homework = TrainingSettings.homework
        var words = ["swift", "run", "report"]
        if settings.dataset.name != Homework.dataset.name { words += ["--dataset", settings.dataset.name] }
        if config.models != Homework.models { words += ["--models", ModelList.argument(for: config.models)] }
        if settings.epochs != homework.epochs { words += ["--epochs", String(settings.epochs)] }
        if settings.batchSize != homework.batchSize { words += ["--batch-size", String(settings.batchSize)] }
        if config.seeds != Homework.seeds { words += ["--seeds", SeedList(config.seeds).description] }
        if let limit = settings.limitTrain { words += ["--limit-train", String(limit)] }
        if language != .en { words += ["--lang", language.rawValue] }
        let verify = ["swift", "run", "report", "verify", config.id.rawValue]
        return ReproduceCommands(regenerate: TextFormat.shellCommand(words), verifyFirstEpoch: TextFormat.shellCommand(verify + ["--epochs", "1"]),
                                 verifyEveryEpoch: TextFormat.shellCommand(verify))
    }
}
