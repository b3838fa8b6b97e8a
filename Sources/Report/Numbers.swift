import Foundation

/// How the report writes a number: one minus sign (U+2212) everywhere, so a
/// negative never reads as a hyphen or breaks a line.
enum Numbers {
    static let minus = "\u{2212}"

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

    /// Any text with ASCII hyphen-minus signs before digits made U+2212 (a
    /// number's sign or exponent's, not a range's dash: "-0.5" and "1e-08", but not "3-6").
    static func minusSigns(_ text: String) -> String {
        var out = ""
        var previous: Character = " "
        let characters = Array(text)
        for (i, c) in characters.enumerated() {
            let next = i + 1 < characters.count ? characters[i + 1] : " "
            let exponent = (previous == "e" || previous == "E") && i >= 2 && characters[i - 2].isNumber
            if c == "-", next.isNumber, exponent || !(previous.isNumber || previous.isLetter || previous == ")" || previous == "]") {
                out.append(contentsOf: minus)
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }
}
