import Engine
import Foundation

/// Where a run ran. Under a kernel contract (`RunConfig.kernelContract`) the
/// machine decides only the speed, so this record explains timings; it never
/// decides what a check expects.
public struct RunEnvironment: Codable, Hashable, Sendable {
    public var cpu: String
    /// The kernel path that ran the matrix products; nil for runs made over OpenBLAS.
    public var kernel: KernelPath?
    /// OpenBLAS's kernel family, recorded by runs made over OpenBLAS.
    public var blasCore: String?
    public var workers: Int
    public var swiftVersion: String
    public var os: String

    public static func current(workers: Int, kernel: KernelPath) -> RunEnvironment {
        RunEnvironment(cpu: cpuModel(), kernel: kernel, blasCore: nil, workers: workers,
                       swiftVersion: firstLine(of: ["swift", "--version"]) ?? "unknown", os: osName())
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
