import Testing
@testable import Engine

@Suite struct SeededGeneratorTests {
    @Test("SplitMix64's published first outputs for seed 0 (before stream mixing)")
    func referenceValues() {
        // Reference: Vigna's splitmix64.c with x = 0 gives these first three outputs.
        var state: UInt64 = 0
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return SeededGenerator.mix(state)
        }
        #expect(next() == 0xE220_A839_7B1D_CDAF)
        #expect(next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(next() == 0x06C4_5D18_8009_454F)
    }

    @Test("streams are named: same name same numbers, other name other numbers")
    func streams() {
        var a = SeededGenerator(seed: 0, stream: "init/model2")
        var b = SeededGenerator(seed: 0, stream: "init/model2")
        var c = SeededGenerator(seed: 0, stream: "init/model3")
        var d = SeededGenerator(seed: 1, stream: "init/model2")
        let x = (0..<4).map { _ in a.next() }
        #expect(x == (0..<4).map { _ in b.next() })
        #expect(x != (0..<4).map { _ in c.next() })
        #expect(x != (0..<4).map { _ in d.next() })
    }

    @Test("permutation is a permutation, and unbiased enough to move everything")
    func permutation() {
        var g = SeededGenerator(seed: 3, stream: "shuffle")
        let p = g.permutation(1000)
        #expect(Set(p).count == 1000 && p.min() == 0 && p.max() == 999)
        #expect(p != (0..<1000).map(Int32.init))
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[g.nextBelow(3)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }
}
