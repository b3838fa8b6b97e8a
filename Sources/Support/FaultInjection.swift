import Foundation
import Synchronization

/// For tests that kill a writer between any two steps: the n-th atomic write
/// under a folder fails just before its rename, as a crash there would leave
/// it. Only folders a test names are affected, so parallel tests do not meet.
public enum FaultInjection {
    private static let plans = Mutex<[String: Int]>([:])

    public static func failWrite(number n: Int, under folder: String) {
        plans.withLock { $0[folder] = n }
    }

    public static func clear(under folder: String) {
        plans.withLock { $0[folder] = nil }
    }

    static func check(_ path: String) -> FileError? {
        plans.withLock { plans in
            guard let folder = plans.keys.first(where: { path.hasPrefix($0 + "/") }), let left = plans[folder] else { return nil }
            plans[folder] = left - 1
            return left == 1 ? FileError.io(path: path, reason: "injected failure") : nil
        }
    }
}
