/// English and Korean text of one sentence.
public struct Localized: Sendable, Hashable {
    public let en: String
    public let ko: String

    public init(_ en: String, _ ko: String) {
        self.en = en
        self.ko = ko
    }

    public func text(_ language: Language) -> String { language == .ko ? ko : en }

    static func + (a: Localized, b: Localized) -> Localized { Localized(a.en + b.en, a.ko + b.ko) }

    /// The parts one after another, `separator` between them, in each language.
    static func joined(_ parts: [Localized], separator: String) -> Localized {
        Localized(parts.map(\.en).joined(separator: separator), parts.map(\.ko).joined(separator: separator))
    }
}
