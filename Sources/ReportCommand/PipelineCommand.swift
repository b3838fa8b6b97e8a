import ArgumentParser
import Dataset
import Engine
import Foundation
import Training

/// Where runs are archived; shared by every command that reads or writes them.
struct RunStoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the run archive.", valueName: "path"))
    var runsDir: String = "runs"

    var store: RunStore { RunStore(root: runsDir) }
}

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole pipeline: data, training (or reuse), figures, report.",
        discussion: """
        A finished run with the same configuration, data and engine code is reused: \
        only the report is rendered again. An interrupted run is resumed from its last \
        finished epoch and ends with the same bits as an uninterrupted one.
        """)

    @Option(help: ArgumentHelp("Models to train: all, or numbers like 1,3.", valueName: "list"))
    var models: String = "all"

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var runs: RunStoreOptions
    @OptionGroup var output: ReportOptions

    @Flag(help: "Retrain even when a finished run with this configuration exists.")
    var force = false

    func validate() throws {
        _ = try parseModels(models, flag: "--models")
    }

    func run() throws {
        let config = RunConfig(dataset: data.kind, models: try parseModels(models, flag: "--models"), epochs: training.epochs,
                               batchSize: training.batchSize, seed: training.seed, limitTrain: training.limitTrain)
        let record = try trainOrReuse(config)
        try output.render(record, from: runs.store)
    }

    /// Steps 1-2 of the pipeline: verified data, then the run (cached, resumed or new).
    func trainOrReuse(_ config: RunConfig) throws -> RunRecord {
        let folder = data.folder
        let progress = ProgressDisplay()
        let executor = RunExecutor(
            store: runs.store, config: config, threads: threads.threads, kernel: try threads.kernel(),
            loadData: { try folder.load() }, log: { print($0) }, observe: progress.handle,
            shouldStop: { StopSignal.isRequested })
        if !force, let cached = executor.cached() {
            print("run \(config.id): finished earlier with this configuration, data and engine; reusing it (--force retrains)")
            return cached
        }
        try ensureData(folder, fetchIfMissing: true)
        print("run \(config.id): \(config.models.map(\.title).joined(separator: ", ")), \(config.epochs) epochs, batch \(config.batchSize), seed \(config.seed), \(threads.threads) threads, kernel path \(try threads.kernel().rawValue)")
        StopSignal.install()
        switch try executor.execute(force: force) {
        case let .finished(record):
            print("run \(config.id): finished; archived in \(runs.store.folder(config.id))")
            return record
        case let .interrupted(id, folder):
            print("run \(id): interrupted; finished epochs are saved in \(folder)")
            print("resume with the same command: report \(CommandLine.arguments.dropFirst().joined(separator: " "))")
            throw ExitCode(130)
        }
    }
}
