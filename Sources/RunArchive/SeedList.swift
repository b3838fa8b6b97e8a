import Foundation

/// Seeds as users give them: `0-4`, `0,3,7`, or `2`.
public struct SeedList: Hashable, Sendable, CustomStringConvertible {
    public let seeds: [UInt64]

    public init(_ seeds: [UInt64]) { self.seeds = seeds }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case invalid(String, reason: String)
        public var description: String {
            switch self {
            case let .invalid(text, reason): return "expected seeds like 0-4 or 0,3,7 (whole numbers from 0 to \(UInt64.max)), found '\(text)': \(reason)"
            }
        }
    }

    public init(parsing text: String) throws {
        func number(_ part: Substring) throws -> UInt64 {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw ParseError.invalid(text, reason: "an empty entry") }
            guard let value = UInt64(trimmed) else {
                throw ParseError.invalid(text, reason: "'\(trimmed)' is not a whole number from 0 to \(UInt64.max)")
            }
            return value
        }
        var seeds: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.trimmingCharacters(in: .whitespaces).hasPrefix("-") else { throw ParseError.invalid(text, reason: "a seed is not negative") }
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            if bounds.count == 2 {
                let low = try number(bounds[0]), high = try number(bounds[1])
                guard low <= high else { throw ParseError.invalid(text, reason: "the range \(low)-\(high) runs backwards") }
                guard high - low < 10_000 else { throw ParseError.invalid(text, reason: "the range \(low)-\(high) holds more than 10,000 seeds") }
                seeds += Array(low...high)
            } else {
                seeds.append(try number(part))
            }
        }
        var seen = Set<UInt64>()
        for seed in seeds where !seen.insert(seed).inserted {
            throw ParseError.invalid(text, reason: "seed \(seed) appears twice")
        }
        self.seeds = seeds
    }

    /// `seeds0-4` for a contiguous range, `seeds0_3_7` for any other list, `seed3` for one.
    public var name: String {
        if seeds.count == 1 { return "seed\(seeds[0])" }
        if isRange, let first = seeds.first, let last = seeds.last { return "seeds\(first)-\(last)" }
        return "seeds" + seeds.map(String.init).joined(separator: "_")
    }

    public var description: String {
        if seeds.count > 2, isRange, let first = seeds.first, let last = seeds.last { return "\(first)-\(last)" }
        return seeds.map(String.init).joined(separator: ",")
    }

    /// Consecutive and increasing, like 0,1,2,3,4.
    private var isRange: Bool {
        guard let first = seeds.first else { return false }
        return seeds.enumerated().allSatisfy { $0.element >= first && $0.element - first == UInt64($0.offset) }
    }
}
