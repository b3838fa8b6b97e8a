import Foundation

/// Runs another program (found on PATH) and collects what it printed.
public enum ProcessRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    /// Runs to completion, or until `timeout` seconds have passed or `stop`
    /// says so (polled ten times a second; then the program is terminated and
    /// its status is SIGTERM's); throws only when it cannot be started.
    /// `environment` is laid over this process's own variables.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                           timeout: Double? = nil, stop: (@Sendable () -> Bool)? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { end(process) }
            }
        }
        if let stop {
            DispatchQueue.global().async { [process] in
                while process.isRunning {
                    if stop() {
                        end(process)
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
        }
        // Read stderr on the side so neither pipe can fill up and block the program.
        nonisolated(unsafe) var errors = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errors = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      errors: String(decoding: errors, as: UTF8.self))
    }

    /// The first line a program prints, or nil when it cannot run or fails.
    public static func firstLine(of arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) -> String? {
        guard let result = try? run(arguments, in: directory, environment: environment), result.status == 0 else { return nil }
        return result.output.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }

    /// SIGTERM, then SIGKILL when the program is still there two seconds
    /// later (it may ignore SIGTERM, as a child inherits an ignored signal).
    private static func end(_ process: Process) {
        process.terminate()
        for _ in 0..<20 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
