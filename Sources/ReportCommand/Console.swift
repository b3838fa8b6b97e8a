@preconcurrency import Glibc
import Support
import Synchronization

/// Where every command writes what a user reads: results and progress to
/// standard output, warnings to standard error. One write at a time, so lines
/// from parallel training jobs never interleave. Tests bind a capturing one
/// (`Console.$current.withValue`) and read what a user would see.
final class Console: Sendable {
    enum Stream: Sendable { case output, error }

    private let sink: @Sendable (Stream, String) -> Void
    private let order = Mutex(())
    /// Whether output goes to a terminal, where progress redraws one line in place.
    let isTerminal: Bool

    init(isTerminal: Bool = false, _ sink: @escaping @Sendable (Stream, String) -> Void) {
        self.isTerminal = isTerminal
        self.sink = sink
    }

    /// The process's standard output and error, flushed at every write so
    /// that a log shows each line as it happens.
    static let standard = Console(isTerminal: isatty(STDOUT_FILENO) == 1) { stream, text in
        let file = stream == .output ? stdout : stderr
        fputs(text, file)
        fflush(file)
    }

    /// The console of the running command. Code that runs on other threads
    /// (progress, signal handlers) takes it when it is set up.
    @TaskLocal static var current = Console.standard

    /// A line of results; any control character in it (an archive's strings
    /// reach here) is shown, not sent to the terminal.
    func line(_ text: String) { write(TextFormat.printable(text) + "\n") }

    func warning(_ text: String) { write(TextFormat.printable(text) + "\n", to: .error) }

    /// Text as it is, for a progress line redrawn in place.
    func write(_ text: String, to stream: Stream = .output) {
        order.withLock { _ in sink(stream, text) }
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
