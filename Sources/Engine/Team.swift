import Dispatch
import Foundation

/// The threads that work on one shard of a batch together, so that a machine
/// with more cores than `Network.shardCount` uses them all. A team splits work
/// only by output: columns or rows of a GEMM's product, Winograd positions,
/// channels, elements. Each value is still computed by one thread in the
/// order of Kernels.h, and nothing is summed across members, so a team of
/// any size gives the same bits as one thread.
///
/// A team's members past the first are threads of its own, started with the
/// team and parked between splits. Dispatch would not do: a concurrentPerform
/// inside the shards' own concurrentPerform gets only cores / shards threads,
/// so teams of 6 cores would run one member at a time.
final class Team: Sendable {
    /// Threads in the team, at least 1.
    let size: Int
    private let crew: Crew?

    static let alone = Team(size: 1)

    init(size: Int) {
        self.size = max(1, size)
        crew = self.size > 1 ? Crew(helpers: self.size - 1) : nil
    }

    deinit { crew?.stop() }

    /// Splits 0..<count into one contiguous range per member (fewer when
    /// count is smaller) and runs `body(member, range)` for all at once;
    /// `member` indexes per-member scratch. A team of one runs it inline.
    func split(_ count: Int, _ body: (_ member: Int, _ range: Range<Int>) -> Void) {
        let parts = min(size, count)
        guard parts > 1, let crew else {
            if count > 0 { body(0, 0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            crew.run(parts: parts) { i in body(i, (count * i / parts)..<(count * (i + 1) / parts)) }
        }
    }

    /// Splits `rows` rows of `count` values, `stride` apart, by rows, or a
    /// single row by its values: `body(offset of the part's first value, rows, count)`.
    func rows(_ rows: Int, stride: Int, count: Int, _ body: (Int, Int, Int) -> Void) {
        if rows > 1 {
            split(rows) { _, part in body(part.lowerBound * stride, part.count, count) }
        } else {
            split(count) { _, part in body(part.lowerBound, rows, part.count) }
        }
    }

    /// `body(range)` over parts of 0..<count, at once.
    func elements(_ count: Int, _ body: (Range<Int>) -> Void) {
        split(count) { _, part in body(part) }
    }
}

/// A team's helper threads: `run` hands each of them its member's part of one
/// piece of work, does part 0 itself and returns when all parts are done.
/// One caller at a time (a team's worker), never from inside its own work.
private final class Crew: @unchecked Sendable {
    /// Guards everything below; waited on by parked helpers and by `run`.
    private let condition = NSCondition()
    private var work: ((Int) -> Void)?
    private var parts = 0
    private var generation = 0
    private var pending = 0
    private var stopping = false

    init(helpers: Int) {
        for member in 1...helpers {
            let thread = Thread { [self] in serve(member) }
            thread.name = "hw2-team-\(member)"
            thread.start()
        }
    }

    func run(parts: Int, _ work: @escaping (Int) -> Void) {
        condition.lock()
        self.work = work
        self.parts = parts
        pending = parts - 1
        generation += 1
        condition.broadcast()
        condition.unlock()
        work(0)
        condition.lock()
        while pending > 0 { condition.wait() }
        self.work = nil
        condition.unlock()
    }

    /// Ends the helpers once they are parked (the team is gone, so no work is running).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func serve(_ member: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            seen = generation
            // A member left out of this split never takes the work; one that takes it lets go
            // before it counts itself done, so the work never outlives `run` (Swift checks).
            guard member < parts else {
                condition.unlock()
                continue
            }
            var work = self.work
            condition.unlock()
            work?(member)
            work = nil
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
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
