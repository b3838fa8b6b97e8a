import Synchronization
@testable import ReportCommand

/// A console that keeps what was written, so a test reads what a user would see.
final class CapturedConsole: Sendable {
    private let written = Mutex<(output: String, errors: String)>(("", ""))

    var output: String { written.withLock { $0.output } }
    var errors: String { written.withLock { $0.errors } }

    var console: Console {
        Console { stream, text in self.append(text, to: stream) }
    }

    private func append(_ text: String, to stream: Console.Stream) {
        written.withLock { if stream == .output { $0.output += text } else { $0.errors += text } }
    }

    /// Runs `body` with this console as every command's.
    func capture(_ body: () throws -> Void) rethrows {
        try Console.$current.withValue(console) { try body() }
    }
}
