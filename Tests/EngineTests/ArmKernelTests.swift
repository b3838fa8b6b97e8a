import Foundation
import Testing

/// The kernels on AArch64, where this machine has no CPU: scripts/check-kernels-aarch64.sh
/// builds them for x86-64 and for AArch64, runs the AArch64 builds under qemu's
/// user-mode emulation and fails unless every kernel gives the same bits on
/// every path of both.
enum ArmCheck {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("scripts/check-kernels-aarch64.sh").path

    static func onPath(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    static var available: Bool {
        #if arch(x86_64)
        onPath("clang") && onPath("aarch64-linux-gnu-gcc") && (onPath("qemu-aarch64-static") || onPath("qemu-aarch64"))
        #else
        false
        #endif
    }

    static let reason: Comment = "needs an x86-64 host with clang, aarch64-linux-gnu-gcc and qemu-aarch64-static (apt-get install gcc-aarch64-linux-gnu qemu-user-static; .ci/run installs them)"
}

@Suite("Kernels on AArch64 (under emulation)", .enabled(if: ArmCheck.available, ArmCheck.reason))
struct ArmKernelTests {
    @Test("every kernel: the same bits on the x86-64 paths and on AArch64's portable and neon paths")
    func sameBits() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ArmCheck.script)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        #expect(process.terminationStatus == 0, "\(ArmCheck.script) failed:\n\(text)")
        #expect(text.contains("aarch64-clang/neon") && text.contains("x86-64/portable"), "\(text)")
    }
}
