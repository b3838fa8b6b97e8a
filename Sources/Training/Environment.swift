import Engine
import Foundation

/// Where a run ran. Bits are promised only for the same CPU kind and BLAS core;
/// `verify` compares this record to decide what "the same" may mean.
public struct RunEnvironment: Codable, Hashable, Sendable {
    public var cpu: String
    public var blasCore: String
    public var blasThreads: Int
    public var workers: Int
    public var swiftVersion: String
    public var os: String

    public static func current(workers: Int) -> RunEnvironment {
        RunEnvironment(cpu: cpuModel(), blasCore: BLAS.coreName, blasThreads: BLAS.threads, workers: workers,
                       swiftVersion: firstLine(of: ["swift", "--version"]) ?? "unknown", os: osName())
    }

    /// Same CPU model and BLAS kernels: the condition for bitwise-equal results
    /// (the number of cores does not matter; see Network.shardCount).
    public func sameKind(as other: RunEnvironment) -> Bool {
        func model(_ cpu: String) -> String { String(cpu.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces) }
        return model(cpu) == model(other.cpu) && blasCore == other.blasCore
    }

    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        let name = line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        return "\(name) (\(ProcessInfo.processInfo.activeProcessorCount) cores)"
    }

    static func osName() -> String {
        let release = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let pretty = release.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        var uts = utsname()
        uname(&uts)
        let kernel = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(pretty ?? "unknown"), Linux \(kernel)"
    }

    /// First line a command prints, or nil when it cannot run.
    public static func firstLine(of arguments: [String], in directory: String? = nil) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }
}

/// The code a run was made with.
public struct CodeVersion: Codable, Hashable, Sendable {
    public var gitCommit: String
    public var gitDirty: Bool
    public var engineSha256: String

    public static func current() -> CodeVersion {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let commit = RunEnvironment.firstLine(of: ["git", "rev-parse", "HEAD"], in: root) ?? "unknown"
        let status = RunEnvironment.firstLine(of: ["git", "status", "--porcelain", "--untracked-files=no"], in: root)
        return CodeVersion(gitCommit: commit, gitDirty: !(status ?? "").isEmpty, engineSha256: EngineVersion.sha256)
    }
}
