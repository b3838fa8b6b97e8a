import Mustache

/// Every value reaches the Markdown as text, never as markup (`Escape.markdownText`).
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { Escape.markdownText(text) }

    /// The pragma that selects this escaping in a template.
    static let pragma: String = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        return "{{% CONTENT_TYPE: MARKDOWN }}"
    }()
}
