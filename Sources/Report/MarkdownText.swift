import Mustache

/// Every value reaches the Markdown as text, never as markup: each character
/// that could open a link, an image, emphasis, a code span, raw HTML or a table
/// cell is backslash-escaped (CommonMark's escapes, which Ink honours). The
/// HTML is made from this same Markdown, and Ink escapes `<`, `>` and `&`
/// once, so no value is escaped twice.
struct MarkdownContentType: MustacheContentType {
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "!", "#"]

    func escapeText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            if Self.special.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The pragma that selects this escaping in a template.
    static let pragma: String = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        return "{{% CONTENT_TYPE: MARKDOWN }}"
    }()
}
