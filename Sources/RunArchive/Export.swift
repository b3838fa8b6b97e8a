import Foundation
import Support
import Training
import ZIPFoundation

/// Copies of a run for readers: a light copy (what a report commits beside
/// itself) and a zip with SHA256SUMS. Both read through the checked path, so
/// a changed file is refused, never copied.
extension RunStore {
    /// Writes a run and its units, without weights and checkpoints, as an
    /// archive of its own at `destination` (the same layout, readable by every
    /// command that takes a runs folder).
    public func exportLight(_ id: RunID, to destination: String) throws {
        let record = try record(id)
        let target = RunLayout(root: destination)
        for name in [RunLayout.config, RunLayout.manifest, RunLayout.verification, RunLayout.testLabels, RunLayout.testImages] {
            guard let data = FileManager.default.contents(atPath: layout.runFile(id, name)) else { continue }
            if name == RunLayout.verification && record.verification == nil { continue }
            try AtomicFile.write(Array(data), to: target.runFile(id, name))
        }
        for unit in record.units {
            let uid = unit.manifest.unitId
            for name in [RunLayout.config, RunLayout.manifest] + RunLayout.lightUnitFiles {
                guard let data = FileManager.default.contents(atPath: layout.unitFile(uid, name)) else {
                    throw FileError.missing(path: layout.unitFile(uid, name))
                }
                if let recordEntry = unit.manifest.files.first(where: { $0.path == name }),
                   let mismatch = recordEntry.mismatch(data, at: layout.unitFile(uid, name)) {
                    throw ArchiveError.mismatch(mismatch)
                }
                try AtomicFile.write(Array(data), to: target.unitFile(uid, name))
            }
        }
    }

    /// A zip of the run's folder, its units (with weights, when present) and a
    /// rendered report folder, plus SHA256SUMS of every entry. Every unit file
    /// is checked against its manifest first.
    public func zip(_ id: RunID, report: String?, to output: String) throws -> Int {
        let record = try record(id)
        var entries: [(name: String, path: String)] = []
        for name in [RunLayout.config, RunLayout.manifest, RunLayout.verification, RunLayout.testLabels, RunLayout.testImages]
        where FileManager.default.fileExists(atPath: layout.runFile(id, name)) {
            entries.append(("runs/\(id)/\(name)", layout.runFile(id, name)))
        }
        for unit in record.units {
            let uid = unit.manifest.unitId
            for name in [RunLayout.config, RunLayout.manifest] + unit.manifest.files.map(\.path)
            where FileManager.default.fileExists(atPath: layout.unitFile(uid, name)) {
                entries.append(("runs/units/\(uid)/\(name)", layout.unitFile(uid, name)))
            }
        }
        if let report {
            entries += Self.files(under: report).map { ("report/" + $0, (report as NSString).appendingPathComponent($0)) }
        }
        try AtomicFile.createFolder((output as NSString).deletingLastPathComponent)
        let temporary = AtomicFile.temporaryPath(for: output)
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            var sums = ""
            func add(_ name: String, _ data: Data) throws {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            for entry in entries {
                guard let data = FileManager.default.contents(atPath: entry.path) else { throw FileError.missing(path: entry.path) }
                sums += "\(Digest.sha256(data))  \(entry.name)\n"
                try add(entry.name, data)
            }
            try add("SHA256SUMS", Data(sums.utf8))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if let error = error as? FileError { throw error }
            throw FileError.io(path: output, reason: "could not write the zip: \(error)")
        }
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError.io(path: output, reason: reason)
        }
        return entries.count
    }

    /// Files under a folder, relative, sorted; locks and temporary files left out.
    static func files(under folder: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: folder)
        return (walker?.compactMap { $0 as? String } ?? []).sorted().filter { relative in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(relative), isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue && (relative as NSString).lastPathComponent != RunLayout.lock
                && !relative.contains(AtomicFile.temporaryMarker)
        }
    }
}
