/// Every string that reaches a report from an archive (a model's title or
/// id, the machine, the toolchain, a commit, a folder name) is data, never
/// markup: one function per output context, all of them here. (The page
/// around the body is Mustache's own HTML escaping, which covers quotes.)
enum Escape {
    /// Line breaks and other control characters become spaces: a value never
    /// ends a Markdown line, a heading, a table row or a list item.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator ? " " : scalar
        }))
    }

    /// The characters that could open a link, an image, emphasis, a code span,
    /// raw HTML or a table cell in Markdown.
    static let markdownSpecial: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "!", "#"]

    /// Markdown text: on one line, each special character backslash-escaped
    /// (CommonMark's escapes, which Ink honours). The HTML is made from this
    /// same Markdown, and Ink escapes `<`, `>` and `&` once, so no value is
    /// escaped twice.
    static func markdownText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in singleLine(text) {
            if markdownSpecial.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The text a Markdown span stands for: each backslash escape of an ASCII
    /// punctuation character undone (the inverse of `markdownText`).
    static func markdownUnescaped(_ markdown: Substring) -> String {
        var out = ""
        var escaping = false
        for character in markdown {
            if !escaping, character == "\\" {
                escaping = true
                continue
            }
            if escaping, !asciiPunctuation.contains(character) { out.append("\\") }
            escaping = false
            out.append(character)
        }
        if escaping { out.append("\\") }
        return out
    }

    /// What CommonMark lets a backslash escape.
    private static let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    /// HTML text between tags.
    static func htmlText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// An HTML attribute's value, written between double quotes: on one line,
    /// and its double quotes too, so it never ends the attribute.
    static func htmlAttribute(_ text: String) -> String {
        htmlText(singleLine(text)).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
