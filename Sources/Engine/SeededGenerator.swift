/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified here,
/// so a seed means the same numbers on every platform and Swift version (which
/// `SystemRandomNumberGenerator` and `shuffled()` do not promise).
///
/// Streams are derived by name, never by call order: `init/model2` or
/// `shuffle/model2/epoch7` start from `mix(seed ^ fnv1a(name))`, so one model
/// trained alone draws the same numbers as inside a run of three, and epoch k
/// can be resumed without replaying epochs 1..k-1.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64, stream: String) {
        state = Self.mix(seed ^ Self.fnv1a(stream))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in [0, 1) with 24 random bits: every value is exact in Float.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject).
    public mutating func nextBelow(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Fisher-Yates, from the last element down.
    public mutating func permutation(_ n: Int) -> [Int32] {
        var order = (0..<n).map(Int32.init)
        var i = n - 1
        while i > 0 {
            order.swapAt(i, nextBelow(i + 1))
            i -= 1
        }
        return order
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
