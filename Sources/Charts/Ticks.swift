import Foundation

/// Axis ranges and tick values. Linear axes step by 1, 2 or 5 times a power of
/// ten ("nice" numbers, Heckbert 1990); log axes tick at powers of ten, adding
/// 2 and 5 when the range spans too few decades.
enum Ticks {
    /// A range that contains `values` and starts and ends on ticks. A single
    /// value or a constant series gets a range around it, never a zero span.
    static func linear(_ lo: Double, _ hi: Double, target: Int = 5) -> (range: ClosedRange<Double>, ticks: [Double], step: Double) {
        var (lo, hi) = (lo, hi)
        if hi - lo < 1e-12 * max(1, abs(hi)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = niceStep((hi - lo) / Double(target))
        let start = (lo / step).rounded(.down) * step, end = (hi / step).rounded(.up) * step
        let count = Int(((end - start) / step).rounded())
        return (start...end, (0...count).map { start + Double($0) * step }, step)
    }

    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Integer ticks for epochs: steps of 1, 2, 5, 10, ... covering 1...n.
    static func integer(_ lo: Double, _ hi: Double, target: Int = 6) -> (range: ClosedRange<Double>, ticks: [Double]) {
        let span = max(hi - lo, 1)
        let step = max(1, niceStep(span / Double(target)))
        let first = (lo / step).rounded(.up) * step
        var ticks: [Double] = []
        var t = first == 0 && lo > 0 ? step : first
        while t <= hi + 1e-9 {
            ticks.append(t)
            t += step
        }
        if ticks.isEmpty || ticks[0] > lo { ticks.insert(lo, at: 0) }
        let pad = hi == lo ? 1 : (hi - lo) * 0.03
        return ((lo - pad)...(hi + pad), ticks)
    }

    static func log(_ lo: Double, _ hi: Double) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var lowExp = Foundation.log10(lo).rounded(.down), highExp = Foundation.log10(hi).rounded(.up)
        if highExp == lowExp { highExp += 1 }
        if highExp - lowExp < 1 { lowExp -= 1 }
        let decades = Int(highExp - lowExp)
        var ticks: [Double] = []
        for e in Int(lowExp)...Int(highExp) {
            let base = pow(10, Double(e))
            ticks.append(base)
            if decades <= 2 && e < Int(highExp) { ticks += [2 * base, 5 * base] }
        }
        return (pow(10, lowExp)...pow(10, highExp), ticks)
    }

    /// Shortest label that tells neighbouring ticks apart.
    static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1e5 || abs(value) < 1e-4 { return MinusSign.inText(String(format: "%.0e", value)) }
        let decimals = max(0, -Int(Foundation.log10(step).rounded(.down)))
        return MinusSign.inText(String(format: "%.\(decimals)f", value))
    }

    /// One style on a log axis: plain from 1 to 100, "1e-3" / "2e-5" outside.
    static func logLabel(_ value: Double) -> String {
        guard value > 0, value.isFinite else { return "0" }
        let exponent = Int((Foundation.log10(value) + 1e-9).rounded(.down))
        if (0...2).contains(exponent) { return String(format: "%g", value) }
        let mantissa = (value / pow(10, Double(exponent))).rounded()
        return MinusSign.inText((mantissa == 1 ? "1" : String(format: "%g", mantissa)) + "e\(exponent)")
    }
}
