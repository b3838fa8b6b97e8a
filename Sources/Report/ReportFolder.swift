import Foundation
import RunArchive
import Support

/// A report folder (`reports/<name>`), replaced as a whole: the new report
/// and its archive are written into a staging folder beside it and swapped
/// in with renames, so a kill at any point leaves the old report or the new
/// one, never a mix. Left-overs of killed writers are cleaned at the next write.
public struct ReportFolder {
    public let reports: String
    public let name: String

    public init(reports: String, name: String) throws {
        guard Self.isPlainName(name) else {
            throw FileError.io(path: (reports as NSString).appendingPathComponent(name),
                               reason: "a report name may hold only letters, digits, '.', '_' and '-', and may not start with '.'")
        }
        self.reports = reports
        self.name = name
    }

    /// Letters, digits, `.`, `_`, `-`; not empty, not starting with a dot: never a path.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }

    /// `hw2`, `hw2-epochs2`, `hw2-seeds0-4`; `-ko` appended for Korean.
    public static func defaultName(_ config: RunConfig, language: Language) -> String {
        config.reportName + (language == .ko ? "-ko" : "")
    }

    /// A seed study rendered in `reports` whose configuration is this one's
    /// but for the seeds (read from its archive), the one with the most seeds; or nil.
    public static func study(of config: RunConfig, language: Language, in reports: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        let studies = names.filter { $0.hasSuffix("-ko") == (language == .ko) && !$0.hasPrefix(".") }.compactMap { name -> (String, Int)? in
            let store = RunStore(root: ((reports as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("archive"))
            guard let other = try? store.runManifest(store.resolve(nil)).config, other.isStudy else { return nil }
            var same = config
            same.seeds = other.seeds
            return same == other ? (name, other.seeds.count) : nil
        }
        return studies.max { ($0.1, $1.0) < ($1.1, $0.0) }?.0
    }

    public var path: String { (reports as NSString).appendingPathComponent(name) }

    /// Writes the rendered files, report.pdf when `pdf` is on, and, through
    /// `archive`, the run's light copy into `archive/`.
    public func write(_ rendered: RenderedReport, pdf: Bool = false, archive: (String) throws -> Void) throws -> String {
        try AtomicFile.createFolder(reports)
        cleanLeftovers()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = (reports as NSString).appendingPathComponent(".\(name).staging-\(pid)")
        let old = (reports as NSString).appendingPathComponent(".\(name).old-\(pid)")
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try rendered.write(to: staging)
            if pdf {
                try PDFPrinter.print(html: (staging as NSString).appendingPathComponent("report.html"),
                                     to: (staging as NSString).appendingPathComponent("report.pdf"))
            }
            try archive((staging as NSString).appendingPathComponent("archive"))
            let hadOld = FileManager.default.fileExists(atPath: path)
            if hadOld, rename(path, old) != 0 { throw FileError.io(path: path, reason: "cannot move the old report aside: \(String(cString: strerror(errno)))") }
            guard rename(staging, path) == 0 else {
                let reason = String(cString: strerror(errno))
                if hadOld { rename(old, path) }
                throw FileError.io(path: path, reason: "cannot move the new report into place: \(reason)")
            }
            try? FileManager.default.removeItem(atPath: old)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return path
    }

    /// Staging folders of dead writers are removed; an old report moved aside
    /// by a writer killed before the new one arrived is put back.
    private func cleanLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        for entry in names {
            for (marker, restore) in [(".\(name).staging-", false), (".\(name).old-", true)] where entry.hasPrefix(marker) {
                guard let pid = Int32(entry.dropFirst(marker.count)), !ProcessCheck.isAlive(pid) else { continue }
                let full = (reports as NSString).appendingPathComponent(entry)
                if restore && !FileManager.default.fileExists(atPath: path) {
                    rename(full, path)
                } else {
                    try? FileManager.default.removeItem(atPath: full)
                }
            }
        }
    }
}
