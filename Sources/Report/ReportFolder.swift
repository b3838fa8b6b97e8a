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

    /// The write-ups rendered in `reports`, in `language`, that a report of
    /// `config` links to (read from each folder's archive).
    public static func related(to config: RunConfig, language: Language, in reports: String) -> RelatedReports {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        let rendered = names.sorted().filter { $0.hasSuffix("-ko") == (language == .ko) && !$0.hasPrefix(".") }.compactMap { name -> (String, RunConfig)? in
            let store = RunStore(root: ((reports as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("archive"))
            return (try? store.runManifest(store.resolve(nil)).config).map { (name, $0) }
        }
        return RelatedReports(config, among: rendered)
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

/// The write-ups a report links to: a single run links to the seed study of
/// its settings (the one with the most seeds), a study to the single-seed
/// write-ups of its seeds. "Its settings" means every field of the
/// configuration but the seeds.
public struct RelatedReports: Equatable, Sendable {
    public struct SeedReport: Equatable, Sendable {
        public let seed: UInt64
        public let folder: String
    }

    public var study: String?
    public var seeds: [SeedReport]

    public static let none = RelatedReports(study: nil, seeds: [])

    public init(study: String?, seeds: [SeedReport]) {
        self.study = study
        self.seeds = seeds
    }

    /// From rendered folders (name, configuration) in name order; the first folder of a seed wins.
    public init(_ config: RunConfig, among rendered: [(name: String, config: RunConfig)]) {
        let related = rendered.filter { other in
            var same = config
            same.seeds = other.config.seeds
            return same == other.config
        }
        if config.isStudy {
            self.init(study: nil, seeds: config.seeds.compactMap { seed in
                related.first { $0.config.seeds == [seed] }.map { SeedReport(seed: seed, folder: $0.name) }
            })
        } else {
            self.init(study: related.filter(\.config.isStudy).max { $0.config.seeds.count < $1.config.seeds.count }?.name, seeds: [])
        }
    }
}
