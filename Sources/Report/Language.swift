/// The languages a report is written in.
public enum Language: String, Codable, Sendable, CaseIterable {
    case en, ko
}
