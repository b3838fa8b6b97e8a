@preconcurrency import Glibc
import Foundation
import Synchronization
import Training

/// Draws training progress: one line redrawn in place on a terminal, plain
/// lines every tenth of an epoch when the output is a log or CI.
final class ProgressDisplay: @unchecked Sendable {
    private let interactive = isatty(STDOUT_FILENO) == 1
    private var lastPlainTenth = -1

    init() {
        setvbuf(stdout, nil, _IOLBF, 0)
    }

    func handle(_ event: TrainingEvent) {
        switch event {
        case let .batch(model, epoch, batch, total, loss, rate, elapsed):
            let fraction = Double(batch) / Double(total)
            let left = elapsed / fraction - elapsed
            let status = String(format: "%@ epoch %d  %@ %3d/%d  %6.0f samples/s  loss %.4f  %@ left",
                                model, epoch, bar(fraction), batch, total, rate, loss, duration(left))
            if interactive {
                print("\r\u{1B}[K" + status, terminator: "")
                fflush(stdout)
            } else {
                let tenth = Int(fraction * 10)
                if tenth != lastPlainTenth && tenth < 10 {
                    lastPlainTenth = tenth
                    print(status)
                }
            }
        case let .epochFinished(model, m):
            lastPlainTenth = -1
            if interactive { print("\r\u{1B}[K", terminator: "") }
            print(String(format: "%@ epoch %2d  train loss %.5f  train acc %6.2f%%  test loss %.5f  test acc %6.2f%%  (%.1fs train, %.1fs test)",
                         model, m.epoch, m.trainLoss, 100 * m.trainAccuracy, m.testLoss, 100 * m.testAccuracy, m.trainSeconds, m.evalSeconds))
        }
    }

    private func bar(_ fraction: Double) -> String {
        let width = 20, filled = Int(fraction * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// Ctrl-C asks training to stop after the current batch; the finished epochs
/// are already on disk. A second Ctrl-C exits at once.
enum StopSignal {
    private static let requested = Atomic<Bool>(false)
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static var isRequested: Bool { requested.load(ordering: .relaxed) }

    static func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if requested.exchange(true, ordering: .relaxed) { exit(130) }
            print("\nstopping after this batch (Ctrl-C again to quit at once)")
        }
        source.resume()
        Self.source = source
    }
}
