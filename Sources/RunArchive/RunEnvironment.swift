import Engine
import Foundation
import Support

/// Where a unit was trained. Under the kernel contract the machine decides
/// only the speed, so this record explains timings; it never decides what a
/// check expects.
public struct RunEnvironment: Codable, Hashable, Sendable {
    public var cpu: String
    /// The kernel path that ran the matrix products.
    public var kernel: KernelPath
    public var workers: Int
    public var swiftVersion: String
    public var os: String

    public static func current(workers: Int, kernel: KernelPath) -> RunEnvironment {
        RunEnvironment(cpu: cpuModel(), kernel: kernel, workers: workers,
                       swiftVersion: swiftVersion() ?? "unknown", os: osName())
    }

    /// The first line of `swift --version`. The driver leaves an empty
    /// TemporaryDirectory.* behind in TMPDIR, so it gets a folder of its own
    /// that is removed afterwards (made in `parent`).
    static func swiftVersion(scratchIn parent: String = NSTemporaryDirectory()) -> String? {
        let scratch = (parent as NSString).appendingPathComponent("hw2-swift-version-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)) != nil else {
            return ProcessRunner.firstLine(of: ["swift", "--version"])
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return ProcessRunner.firstLine(of: ["swift", "--version"], environment: ["TMPDIR": scratch])
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
}
