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
    /// `config` links to (read from each folder's archive and page).
    public static func related(to config: RunConfig, language: Language, in reports: String) -> RelatedReports {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        // Only plain names: a folder's name goes into the links of the page.
        let rendered = names.sorted().filter(isPlainName).compactMap { name -> (String, RunConfig)? in
            let folder = (reports as NSString).appendingPathComponent(name)
            guard Self.language(of: folder) == language else { return nil }
            let store = archive(of: folder)
            return (try? store.runManifest(store.resolve(nil)).config).map { (name, $0) }
        }
        return RelatedReports(config, language: language, among: rendered)
    }

    /// The run archived beside a rendered report, every file checked.
    public static func archivedRun(_ folder: String) throws -> RunRecord {
        let store = archive(of: folder)
        return try store.record(try store.resolve(nil))
    }

    private static func archive(of folder: String) -> RunStore {
        RunStore(root: (folder as NSString).appendingPathComponent("archive"))
    }

    /// The language a report folder was rendered in, from its record; nil for
    /// a folder without one (not a report of ours).
    static func language(of folder: String) -> Language? {
        (try? JSON.decode(ReportRecord.self, from: (folder as NSString).appendingPathComponent(ReportRecord.fileName)))?.language
    }

    public var path: String { (reports as NSString).appendingPathComponent(name) }

    /// A write given up because `shouldStop` said so (Ctrl-C, SIGTERM).
    public struct Stopped: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path): stopped before the new report was complete; nothing of it was kept, the old one (if any) is as it was" }
    }

    /// Writes the rendered files, report.pdf when `pdf` is on, and, through
    /// `archive`, the run's light copy into `archive/`. `shouldStop` is asked
    /// between steps and during the print: a signal then ends the write
    /// through its usual failure path, which removes the staging folder.
    /// Refuses before any work when `<reports>/<name>` is something else than
    /// a report of ours (a runs archive, a home folder), so that nothing of
    /// the user's is ever replaced.
    public func write(_ rendered: RenderedReport, pdf: Bool = false, shouldStop: @escaping @Sendable () -> Bool = { false },
                      archive: (String) throws -> Void) throws -> String {
        try AtomicFile.createFolder(reports)
        try Self.requireOurs(path)
        cleanLeftovers()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = (reports as NSString).appendingPathComponent(".\(name).staging-\(pid)")
        let old = (reports as NSString).appendingPathComponent(".\(name).old-\(pid)")
        try Self.requireOurs(staging)
        try? FileManager.default.removeItem(atPath: staging)
        // mkdir, not a create that accepts what is there: a link planted at the
        // staging name since the removal is refused instead of written through.
        guard mkdir(staging, 0o755) == 0 else {
            throw FileError.io(path: staging, reason: "cannot create the staging folder: \(String(cString: strerror(errno)))")
        }
        func checkStop() throws {
            if shouldStop() { throw Stopped(path: path) }
        }
        do {
            // The record first: it marks the staging folder as ours for a later cleanup.
            try AtomicFile.writeJSON(ReportRecord(language: rendered.language), to: (staging as NSString).appendingPathComponent(ReportRecord.fileName))
            try rendered.write(to: staging)
            try checkStop()
            if pdf {
                let printPage = (staging as NSString).appendingPathComponent(".print.html")
                try AtomicFile.write(rendered.printPage, to: printPage)
                do {
                    try PDFPrinter.print(html: printPage, to: (staging as NSString).appendingPathComponent("report.pdf"), date: rendered.date,
                                         staging: staging, stop: shouldStop)
                } catch {
                    try checkStop()
                    throw error
                }
                try FileManager.default.removeItem(atPath: printPage)
            }
            try checkStop()
            try archive((staging as NSString).appendingPathComponent("archive"))
            // Last: the list of every file written, which `report archive` packs and nothing else.
            try Checksums.write(folder: staging)
            try checkStop()
            try Self.requireOurs(path)
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

    /// Staging folders of dead writers are removed, whichever report they
    /// were for (a killed print leaves Chromium's profile in one); an old
    /// report moved aside by a writer killed before the new one arrived is put back.
    private func cleanLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        for entry in names where entry.hasPrefix(".") {
            for (marker, restore) in [(".staging-", false), (".old-", true)] {
                guard let range = entry.range(of: marker, options: .backwards) else { continue }
                let target = String(entry[entry.index(after: entry.startIndex)..<range.lowerBound])
                guard Self.isPlainName(target), let pid = Int32(entry[range.upperBound...]), !ProcessCheck.isAlive(pid) else { continue }
                let full = (reports as NSString).appendingPathComponent(entry)
                guard (try? Self.requireOurs(full)) != nil else { continue }
                let targetPath = (reports as NSString).appendingPathComponent(target)
                if restore && !FileManager.default.fileExists(atPath: targetPath) {
                    rename(full, targetPath)
                } else {
                    try? FileManager.default.removeItem(atPath: full)
                }
            }
        }
    }

    /// Passes when nothing is at `folder` or it is a report folder of ours (a
    /// real folder, not a link, whose record decodes); the only folders a
    /// swap or a cleanup may remove.
    public static func requireOurs(_ folder: String) throws {
        var status = stat()
        guard lstat(folder, &status) == 0 else { return }
        let refusal = "; nothing was written over it: choose another --name or --reports-dir, or move it away yourself"
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw FileError.io(path: folder, reason: "is not a folder (a file or a link), expected a report folder of ours" + refusal)
        }
        guard language(of: folder) != nil else {
            throw FileError.io(path: folder, reason: "is not a report folder (it has no \(ReportRecord.fileName) of ours), expected one of ours" + refusal)
        }
        // A report's SHA256SUMS lists every file its render wrote: anything else was put there by someone and is not ours to remove.
        guard let sums = try? String(contentsOfFile: (folder as NSString).appendingPathComponent(Checksums.fileName), encoding: .utf8) else { return }
        let listed = Set(sums.split(separator: "\n").compactMap { $0.split(separator: " ", maxSplits: 1).last.map { String($0.drop { $0 == " " }) } })
        let found = FileManager.default.enumerator(atPath: folder)?.allObjects.compactMap { $0 as? String } ?? []
        let foreign = found.filter { relative in
            var status = stat()
            let path = (folder as NSString).appendingPathComponent(relative)
            let isFolder = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
            return !isFolder && relative != Checksums.fileName && !listed.contains(relative)
        }.sorted()
        guard foreign.isEmpty else {
            let named = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
            throw FileError.io(path: folder, reason: "holds files its render did not write (\(named)), so replacing it would remove them" + refusal)
        }
    }
}

/// The write-ups a report links to: a single run links to a seed study of its
/// settings, a study to the single-seed write-ups of its seeds. "Its settings"
/// means every field of the configuration but the seeds. Links are found when
/// a report is rendered: render the single run again after its study.
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

    /// From rendered folders (name, configuration) in name order, all in
    /// `language`. A seed's write-up under its default name (`hw2`) wins over
    /// other folders of the same run; a single run prefers a study that holds
    /// its seed, then the one with the most seeds.
    public init(_ config: RunConfig, language: Language, among rendered: [(name: String, config: RunConfig)]) {
        let related = rendered.filter { other in
            var same = config
            same.seeds = other.config.seeds
            return same == other.config
        }
        if config.isStudy {
            self.init(study: nil, seeds: config.seeds.compactMap { seed in
                var single = config
                single.seeds = [seed]
                let folders = related.filter { $0.config == single }
                let chosen = folders.first { $0.name == ReportFolder.defaultName(single, language: language) } ?? folders.first
                return chosen.map { SeedReport(seed: seed, folder: $0.name) }
            })
        } else {
            let studies = related.filter(\.config.isStudy).map { study in
                (name: study.name, rank: (study.config.seeds.contains(config.seeds.first ?? 0) ? 1 : 0, study.config.seeds.count))
            }
            self.init(study: studies.max { $0.rank < $1.rank || ($0.rank == $1.rank && $0.name > $1.name) }?.name, seeds: [])
        }
    }
}
