import Foundation
import Synchronization

/// For tests that kill a writer between any two steps: the n-th atomic write
/// under a folder (of files so named, when `named` is given) fails just
/// before its rename, as a crash or a full disk there would leave it. Only
/// folders a test names are affected, so parallel tests do not meet.
public enum FaultInjection {
    private static let plans = Mutex<[String: (left: Int, name: String?)]>([:])

    public static func failWrite(number n: Int, under folder: String, named name: String? = nil) {
        plans.withLock { $0[folder] = (n, name) }
    }

    public static func clear(under folder: String) {
        plans.withLock { $0[folder] = nil }
    }

    static func check(_ path: String) -> FileError? {
        plans.withLock { plans in
            guard let folder = plans.keys.first(where: { path.hasPrefix($0 + "/") }), let plan = plans[folder],
                  plan.name.map({ $0 == (path as NSString).lastPathComponent }) ?? true else { return nil }
            plans[folder] = (plan.left - 1, plan.name)
            return plan.left == 1 ? FileError.io(path: path, reason: "injected failure") : nil
        }
    }
}
