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

    /// Prints `html` to `pdf`, dated `date` (an ISO 8601 timestamp; the run's end) instead of the time of printing.
    public static func print(html: String, to pdf: String, date: String) throws {
        guard let chromium else { throw FileError.io(path: pdf, reason: "no Chromium to print the PDF with; " + installHint) }
        let page = URL(fileURLWithPath: html).standardizedFileURL.absoluteString
        let profile = NSTemporaryDirectory() + "hw2-chromium-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try ProcessRunner.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                            "--user-data-dir=\(profile)", "--print-to-pdf=\(pdf)", page], timeout: timeout)
        guard result.status == 0, let data = FileManager.default.contents(atPath: pdf), data.starts(with: Array("%PDF".utf8)) else {
            let detail = result.errors.split(separator: "\n").suffix(3).joined(separator: " ")
            throw FileError.io(path: pdf, reason: "Chromium did not print the PDF (exit \(result.status)): \(detail)")
        }
        try AtomicFile.write(Array(stamped(data, date: date)), to: pdf)
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
