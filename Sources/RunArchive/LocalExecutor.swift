import Dataset
import Engine
import Foundation
import Support
import Synchronization
import Training

/// Trains units on this machine as `jobs` parallel jobs of `threads` worker
/// threads each. Which job trains a unit, and when, never changes a bit: each
/// unit's result is fixed by its configuration. The dataset is loaded once and
/// shared by every job.
public struct LocalExecutor: Sendable {
    public let store: RunStore
    public let jobs: Int
    public let threads: Int
    public let kernel: KernelPath

    public init(store: RunStore, jobs: Int, threads: Int, kernel: KernelPath) {
        self.store = store
        self.jobs = max(1, jobs)
        self.threads = threads
        self.kernel = kernel
    }

    /// Memory one job may need: the largest homework model's buffers and Adam state, with room to spare.
    public static let bytesPerJob: UInt64 = 512 << 20

    /// How `cores` are best split for `pending` units: one single-threaded job
    /// per core while there are enough units (independent jobs scale better
    /// than threads inside one model) and memory allows, the rest as threads.
    public static func split(cores: Int, pending: Int, memory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> (jobs: Int, threads: Int) {
        let fitting = Int(clamping: max(1, (memory / 2) / bytesPerJob))
        let jobs = max(1, min(cores, pending, fitting))
        return (jobs, max(1, cores / jobs))
    }

    /// Runs every unit (for `run`, recorded in their sessions); returns each
    /// unit's outcome in the order given. Units in `light` are taken finished
    /// without weights. The first error stops the other jobs after their
    /// current batch and is rethrown.
    public func run(_ units: [UnitConfig], for run: RunID? = nil, force: Bool = false, light: Set<UnitID> = [],
                    loadData: @escaping @Sendable () throws -> LabeledData,
                    log: @escaping @Sendable (String) -> Void, observe: @escaping @Sendable (TrainingEvent) -> Void,
                    shouldStop: @escaping @Sendable () -> Bool) throws -> [UnitOutcome] {
        struct State {
            var next = 0
            var outcomes: [UnitOutcome?]
            var error: (any Error)?
            var data: LabeledData?
        }
        let state = Mutex(State(outcomes: Array(repeating: nil, count: units.count)))
        let dataLock = Mutex(())
        let failed = Atomic<Bool>(false)
        @Sendable func data() throws -> LabeledData {
            try dataLock.withLock { _ in
                if let loaded = state.withLock({ $0.data }) { return loaded }
                let loaded = try loadData()
                state.withLock { $0.data = loaded }
                return loaded
            }
        }
        let store = self.store, threads = self.threads, kernel = self.kernel
        let group = DispatchGroup()
        for _ in 0..<min(jobs, units.count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while !failed.load(ordering: .relaxed) && !shouldStop() {
                    let index: Int? = state.withLock { s in
                        guard s.next < units.count else { return nil }
                        defer { s.next += 1 }
                        return s.next
                    }
                    guard let index else { return }
                    var runner = UnitRunner(store: store, config: units[index], threads: threads, kernel: kernel)
                    runner.force = force
                    runner.acceptLight = light.contains(units[index].id)
                    runner.run = run
                    runner.log = log
                    runner.observe = observe
                    runner.shouldStop = { shouldStop() || failed.load(ordering: .relaxed) }
                    do {
                        let outcome = try runner.run(data: data)
                        state.withLock { $0.outcomes[index] = outcome }
                    } catch {
                        failed.store(true, ordering: .relaxed)
                        state.withLock { if $0.error == nil { $0.error = error } }
                        return
                    }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return try state.withLock { s in
            if let error = s.error { throw error }
            return s.outcomes.map { $0 ?? .interrupted(epochsDone: 0) }
        }
    }
}
