/// Text the project writes in more than one place, written once.
public enum TextFormat {
    /// 822346 -> "822,346"; negative numbers keep their sign.
    public static func thousands(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A word for a POSIX shell, always single-quoted (a `'` inside becomes `'\''`).
    public static func singleQuoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// A word for a POSIX shell: as is when it holds only characters no shell
    /// treats specially, otherwise single-quoted.
    public static func shellWord(_ word: String) -> String {
        !word.isEmpty && word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,=/:+@%".contains($0)) }) ? word : singleQuoted(word)
    }

    /// A command line from its words, each quoted as `shellWord` does.
    public static func shellCommand(_ words: [String]) -> String { words.map(shellWord).joined(separator: " ") }

    /// Text for a terminal: control and format characters (escape sequences,
    /// bidirectional overrides) that a string from an archive could carry are
    /// shown as `\u{…}` instead of acting on the terminal; newlines and tabs stay.
    public static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if (category == .control && scalar != "\n" && scalar != "\t") || category == .format {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
