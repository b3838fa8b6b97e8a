import Dispatch

/// The threads that work on one shard of a batch together, so that a machine
/// with more cores than `Network.shardCount` uses them all. A team splits work
/// only by output: columns or rows of a GEMM's product, Winograd positions,
/// channels, elements. Each value is still computed by one thread in the
/// order of Kernels.h, and nothing is summed across members, so a team of
/// any size gives the same bits as one thread.
struct Team: Sendable {
    /// Threads in the team, at least 1.
    let size: Int

    static let alone = Team(size: 1)

    /// Splits 0..<count into one contiguous range per member (fewer when
    /// count is smaller) and runs `body(member, range)` for all at once;
    /// `member` indexes per-member scratch. A team of one runs it inline.
    func split(_ count: Int, _ body: (_ member: Int, _ range: Range<Int>) -> Void) {
        let parts = min(size, count)
        guard parts > 1 else {
            if count > 0 { body(0, 0..<count) }
            return
        }
        parallelFor(parts) { i in body(i, (count * i / parts)..<(count * (i + 1) / parts)) }
    }

    /// Splits `rows` rows of `count` values, `stride` apart, by rows, or a
    /// single row by its values: `body(offset of the part's first value, rows, count)`.
    static func rows(_ team: Team, rows: Int, stride: Int, count: Int, _ body: (Int, Int, Int) -> Void) {
        if rows > 1 {
            team.split(rows) { _, part in body(part.lowerBound * stride, part.count, count) }
        } else {
            team.split(count) { _, part in body(part.lowerBound, rows, part.count) }
        }
    }

    /// `body(range)` over parts of 0..<count, at once.
    func elements(_ count: Int, _ body: (Range<Int>) -> Void) {
        split(count) { _, part in body(part) }
    }
}

/// Runs `body(0..<count)` on Dispatch's pool and returns when all are done.
/// The callers give each index disjoint memory to write, which is what makes
/// sharing the captured pointers safe.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { body($0) }
    }
}
