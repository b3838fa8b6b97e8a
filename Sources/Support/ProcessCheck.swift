import Foundation
import Synchronization

public enum ProcessCheck {
    /// Whether a process with this pid exists (it may belong to another user).
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
