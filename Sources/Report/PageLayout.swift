/// The page's tables as a reader on a phone needs them: a table of four or
/// more columns gets class "stacked" and each body cell its column's header
/// as `data-label`, so the stylesheet can show every row as a card of
/// labelled values on a narrow screen instead of cutting columns off.
enum PageLayout {
    static let stackedColumns = 4

    static func stackable(_ html: String) -> String {
        html.replacing(/<table>(?<inner>.*?)<\/table>/.dotMatchesNewlines()) { match in
            let inner = String(match.output.inner)
            guard let head = inner.firstMatch(of: /<thead>(?<row>.*?)<\/thead>/.dotMatchesNewlines()) else { return String(match.output.0) }
            let labels = head.output.row.matches(of: /<th[^>]*>(?<text>.*?)<\/th>/.dotMatchesNewlines()).map { label(String($0.output.text)) }
            guard labels.count >= stackedColumns else { return String(match.output.0) }
            let body = inner.replacing(/<tr>(?<cells>.*?)<\/tr>/.dotMatchesNewlines()) { row in
                var index = -1
                let cells = String(row.output.cells).replacing(/<td>/) { _ in
                    index += 1
                    return index < labels.count ? "<td data-label=\"\(labels[index])\">" : "<td>"
                }
                return "<tr>\(cells)</tr>"
            }
            return "<table class=\"stacked\">\(body)</table>"
        }
    }

    /// The appendix heading marked, so the printed page starts it on a new sheet.
    static func markAppendix(_ html: String, title: String) -> String {
        html.replacingOccurrences(of: "<h2>\(Escape.htmlText(title))</h2>", with: "<h2 class=\"appendix\">\(Escape.htmlText(title))</h2>")
    }

    /// A header cell's text as an attribute value: its markup dropped, quotes escaped (the text is already HTML-escaped).
    static func label(_ cell: String) -> String {
        cell.replacing(/<[^>]*>/, with: "").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
