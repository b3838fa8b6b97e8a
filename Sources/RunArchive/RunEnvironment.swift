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

    /// The CPU's name and cores: /proc/cpuinfo's "model name" where the
    /// kernel gives one (x86-64); else lscpu's "Model name", which names Arm
    /// cores from their id ("Neoverse-N1"), where /proc/cpuinfo has only
    /// numbers; else the architecture.
    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let lscpu = { (try? ProcessRunner.run(["lscpu"])).flatMap { $0.status == 0 ? $0.output : nil } ?? "" }
        let name = field("model name", in: info) ?? field("Model name", in: lscpu()) ?? system(\.machine)
        return "\(name) (\(ProcessInfo.processInfo.activeProcessorCount) cores)"
    }

    /// The value of the first line `key<blanks>: value` of `text`, when not empty.
    static func field(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    static func osName() -> String {
        let release = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let pretty = release.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return "\(pretty ?? "unknown"), Linux \(system(\.release))"
    }

    /// A field of uname(2): `\.release` (the kernel's version), `\.machine` (x86_64, aarch64).
    static func system<Field>(_ field: KeyPath<utsname, Field>) -> String {
        var uts = utsname()
        uname(&uts)
        return withUnsafeBytes(of: uts[keyPath: field]) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
