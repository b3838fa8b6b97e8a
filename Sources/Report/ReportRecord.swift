/// What a report folder records of itself, as data beside its pages: other
/// renderings read a folder's language here rather than from its HTML (a
/// folder's name says nothing sure: `--name` is free).
public struct ReportRecord: Codable, Equatable, Sendable {
    /// The record's file in a report folder.
    public static let fileName = "report.json"

    public var language: Language

    public init(language: Language) {
        self.language = language
    }
}
