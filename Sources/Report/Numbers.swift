import Charts
import Foundation

/// How the report writes a number: one minus sign (U+2212) everywhere, so a
/// negative never reads as a hyphen or breaks a line.
enum Numbers {
    static let minus = MinusSign.character

    /// "99.14%" from 0.9914.
    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", 100 * fraction) }

    /// A value with its sign always written: "+0.18", "−0.10".
    static func signed(_ x: Double, decimals: Int = 2) -> String {
        let text = String(format: "%.\(decimals)f", abs(x))
        let isZero = Double(text) == 0
        return (x < 0 && !isZero ? minus : "+") + text
    }

    /// A value with a sign only when negative: "0.18", "−0.10".
    static func plain(_ x: Double, decimals: Int = 2) -> String {
        let text = String(format: "%.\(decimals)f", abs(x))
        return (x < 0 && Double(text) != 0 ? minus : "") + text
    }

    /// A p value as the claims print it: "p = 0.600", "p < 0.001".
    static func p(_ x: Double) -> String { x < 0.001 ? "p < 0.001" : String(format: "p = %.3f", x) }
}
