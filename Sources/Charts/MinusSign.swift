/// The typographic minus (U+2212) for a number's sign, in one place for the
/// charts' tick labels and the report's text, so a negative never reads as a
/// hyphen or breaks a line, and a range's dash stays a dash.
public enum MinusSign {
    public static let character = "\u{2212}"

    /// Any text with ASCII hyphen-minus signs before digits made U+2212 (a
    /// number's sign or exponent's, not a range's dash: "-0.5" and "1e-08", but not "3-6" or "model-3").
    public static func inText(_ text: String) -> String {
        var out = ""
        var previous: Character = " "
        let characters = Array(text)
        for (i, c) in characters.enumerated() {
            let next = i + 1 < characters.count ? characters[i + 1] : " "
            let exponent = (previous == "e" || previous == "E") && i >= 2 && characters[i - 2].isNumber
            if c == "-", next.isNumber, exponent || !(previous.isNumber || previous.isLetter || previous == ")" || previous == "]") {
                out.append(contentsOf: character)
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }
}
