import Testing
@testable import Engine

@Suite("Teams of threads")
struct TeamTests {
    /// Thousands of splits, many with fewer parts than members (the members
    /// left out must not keep the work past the split: it is a non-escaping
    /// closure, and Swift traps if it escapes), each part written once.
    @Test("every split covers 0..<count exactly once, in parts that do not overlap, and returns only when all are done")
    func splits() {
        for size in [2, 3, 5] {
            let team = Team(size: size)
            for round in 0..<3000 {
                let count = round % (size + 3)
                var marks = [Int](repeating: 0, count: count)
                marks.withUnsafeMutableBufferPointer { marks in
                    let base = marks.baseAddress
                    team.split(count) { member, range in
                        #expect(member < size)
                        for i in range { base?[i] += 1 }
                    }
                }
                #expect(marks.allSatisfy { $0 == 1 }, "team of \(size), \(count) items")
            }
        }
    }
}
