import Foundation
import Support

/// The PDF of a report: headless Chromium prints report.html with the page's
/// print CSS (A4, page numbers in the margin, no table or figure split across
/// pages, Korean in Noto Sans CJK). Chromium because it is one Debian package,
/// renders exactly the HTML the reader sees, and needs no second typesetting
/// of the report.
public enum PDFPrinter {
    public static let installHint = "install it with `apt-get install chromium` (and fonts-nanum for Korean), or pass --no-pdf"

    /// The Chromium on PATH, or nil.
    public static var chromium: String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let path = ProcessRunner.firstLine(of: ["which", name]), !path.isEmpty { return path }
        }
        return nil
    }

    /// Long enough for a report of many pages on a slow machine; a hung browser is stopped.
    public static let timeout = 180.0

    /// The prefix of Chromium's TMPDIR in the system's temporary folder, followed by our pid.
    static let scratchPrefix = "hw2-chromium-"

    /// Prints `html` to `pdf`, dated `date` (an ISO 8601 timestamp; the run's
    /// end) instead of the time of printing. Chromium's profile (2 MB) goes
    /// into `staging`, the output's staging folder, so a killed print leaves
    /// it where the next report written beside it removes it. Only Chromium's
    /// sockets need the system's temporary folder (their path must stay under
    /// 108 bytes): a folder of ours there, removed after the print, and by
    /// the next print when a kill left it. When `stop` says so, Chromium is
    /// terminated and the print fails, through the same clean-up.
    public static func print(html: String, to pdf: String, date: String, staging: String,
                             stop: @escaping @Sendable () -> Bool = { false }) throws {
        guard let chromium else { throw FileError.io(path: pdf, reason: "no Chromium to print the PDF with; " + installHint) }
        let page = URL(fileURLWithPath: html).standardizedFileURL.absoluteString
        let profile = (staging as NSString).appendingPathComponent(".chromium-profile")
        removeStaleScratch()
        var template = Array((NSTemporaryDirectory() as NSString)
            .appendingPathComponent("\(scratchPrefix)\(ProcessInfo.processInfo.processIdentifier)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw FileError.io(path: NSTemporaryDirectory(), reason: "cannot make Chromium's temporary folder: \(String(cString: strerror(errno)))")
        }
        let scratch = String(cString: made)
        defer {
            try? FileManager.default.removeItem(atPath: profile)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        // No crash reporter, and the XDG folders in the scratch, so nothing is written in the user's home
        // (HOME stays: a snap's Chromium derives its own folders from it).
        // (Scripts stay on: headless printing needs them; the page holds none of its own and escapes an archive's strings.)
        let result = try ProcessRunner.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                            "--disable-crash-reporter", "--disable-breakpad",
                                            "--user-data-dir=\(profile)", "--print-to-pdf=\(pdf)", page],
                                           environment: ["TMPDIR": scratch, "XDG_CONFIG_HOME": scratch, "XDG_CACHE_HOME": scratch],
                                           timeout: timeout, stop: stop)
        guard result.status == 0, let data = FileManager.default.contents(atPath: pdf), data.starts(with: Array("%PDF".utf8)) else {
            let detail = result.errors.split(separator: "\n").suffix(3).joined(separator: " ")
            throw FileError.io(path: pdf, reason: "Chromium did not print the PDF (exit \(result.status)): \(detail)")
        }
        try AtomicFile.write(Array(stamped(data, date: date)), to: pdf)
    }

    /// Chromium's temporary folders left by prints that were killed (their pid is gone).
    static func removeStaleScratch() {
        let parent = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(scratchPrefix) {
            guard let pid = Int32(name.dropFirst(scratchPrefix.count).prefix { $0 != "-" }), !ProcessCheck.isAlive(pid) else { continue }
            try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(name))
        }
    }

    /// Chromium writes the time of printing as the PDF's CreationDate and
    /// ModDate, `(D:YYYYMMDDHHmmSS+00'00')`, and nothing else that changes between
    /// prints; the 14 digits are replaced in place (the same length, so the
    /// cross-reference offsets stay valid).
    static func stamped(_ data: Data, date: String) -> Data {
        let digits = Array(date.prefix(19).filter(\.isNumber).utf8)
        guard digits.count == 14 else { return data }
        var result = data
        var from = result.startIndex
        while let marker = result.range(of: Data("(D:".utf8), in: from..<result.endIndex) {
            let stamp = marker.upperBound..<min(marker.upperBound + 14, result.endIndex)
            if stamp.count == 14, result[stamp].allSatisfy({ (0x30...0x39).contains($0) }) {
                result.replaceSubrange(stamp, with: digits)
            }
            from = stamp.upperBound
        }
        return result
    }
}
