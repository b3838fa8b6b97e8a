@preconcurrency import Glibc
import Foundation
import Synchronization
import Training

/// Draws training progress, safely from any number of parallel jobs: on a
/// terminal one line redrawn in place with every active unit's state, in a
/// log or CI plain lines every tenth of an epoch per unit.
final class ProgressDisplay: Sendable {
    private struct State {
        var status: [String: String] = [:]
        var lastTenth: [String: Int] = [:]
    }

    private let console = Console.current
    private var interactive: Bool { console.isTerminal }
    private let state = Mutex(State())

    /// A message between progress lines.
    func log(_ message: String) {
        state.withLock { _ in
            if interactive { console.write("\r\u{1B}[K") }
            console.line(message)
        }
    }

    func handle(_ event: TrainingEvent) {
        state.withLock { s in
            switch event {
            case let .batch(unit, epoch, batch, total, loss, rate, elapsed):
                let fraction = Double(batch) / Double(total)
                let left = elapsed / fraction - elapsed
                if interactive {
                    s.status[unit] = String(format: "%@ epoch %d %@ %3.0f%% loss %.4f %@ left",
                                            unit, epoch, bar(fraction), 100 * fraction, loss, duration(left))
                    console.write("\r\u{1B}[K" + s.status.keys.sorted().compactMap { s.status[$0] }.joined(separator: " | "))
                } else {
                    let tenth = Int(fraction * 10)
                    if tenth != s.lastTenth[unit] && tenth < 10 {
                        s.lastTenth[unit] = tenth
                        console.line(String(format: "%@ epoch %d  %@ %3d/%d  %6.0f samples/s  loss %.4f  %@ left",
                                     unit, epoch, bar(fraction), batch, total, rate, loss, duration(left)))
                    }
                }
            case let .epochFinished(unit, m):
                s.lastTenth[unit] = nil
                s.status[unit] = nil
                if interactive { console.write("\r\u{1B}[K") }
                console.line(String(format: "%@ epoch %2d  train loss %.5f  train acc %6.2f%%  test loss %.5f  test acc %6.2f%%  (%.1fs train, %.1fs test)",
                             unit, m.epoch, m.trainLoss, 100 * m.trainAccuracy, m.testLoss, 100 * m.testAccuracy, m.trainSeconds, m.evalSeconds))
            }
        }
    }

    private func bar(_ fraction: Double) -> String {
        let width = interactive ? 10 : 20, filled = Int(fraction * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// Ctrl-C (or SIGTERM, as a scheduler sends before it cancels a task) asks
/// training to stop after the current batch (the finished epochs are already
/// on disk), or a report's write to stop and remove what it wrote so far. A
/// second signal exits at once.
enum StopSignal {
    private static let requested = Atomic<Bool>(false)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let message = Mutex("stopping after this batch")

    static var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Installs the handlers once; `doing` says what a signal stops, from now on.
    static func install(doing: String = "stopping after this batch") {
        message.withLock { $0 = doing }
        guard sources.isEmpty else { return }
        let console = Console.current
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if requested.exchange(true, ordering: .relaxed) { exit(130) }
                console.line("\n\(message.withLock { $0 }) (the same signal again quits at once)")
            }
            source.resume()
            sources.append(source)
        }
    }
}
