import Dispatch
import Kernels

/// This machine's multiply-add peak on a kernel path, measured by the Kernels'
/// FMA loop (peak.c) rather than computed from a clock that no CPU description
/// states reliably: the denominator of `report bench`'s fraction of peak.
public enum PeakThroughput {
    /// GFLOP/s of `threads` cores running independent FMA chains on `path` side
    /// by side: the best of three rounds of about a tenth of a second each.
    public static func measure(path: KernelPath, threads: Int) -> Double {
        let clock = ContinuousClock()
        var calibrated = 1 << 16
        while seconds(clock.measure { _ = hw2_fma_peak_loop(path.cValue, calibrated) }) < 0.02 { calibrated *= 2 }
        let iterations = calibrated * 5
        let workers = max(threads, 1)
        // The loop's FLOPs grow linearly with its rounds: count one round, untimed.
        let flops = Double(workers) * Double(iterations) * hw2_fma_peak_loop(path.cValue, 1)
        var best = 0.0
        for _ in 0..<3 {
            let elapsed = clock.measure {
                DispatchQueue.concurrentPerform(iterations: workers) { _ in _ = hw2_fma_peak_loop(path.cValue, iterations) }
            }
            best = max(best, flops / seconds(elapsed) / 1e9)
        }
        return best
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
