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
        for name in RunLayout.runFiles {
            guard let data = FileManager.default.contents(atPath: layout.runFile(id, name)) else { continue }
            if name == RunLayout.verification && record.verification == nil { continue }
            try AtomicFile.write(Array(data), to: target.runFile(id, name))
        }
        for unit in record.units {
            let uid = unit.manifest.unitId
            let files = try unitWithFiles(uid).files
            guard let manifest = FileManager.default.contents(atPath: layout.unitFile(uid, RunLayout.manifest)) else {
                throw FileError.missing(path: layout.unitFile(uid, RunLayout.manifest))
            }
            try AtomicFile.write(Array(manifest), to: target.unitFile(uid, RunLayout.manifest))
            for name in [RunLayout.config] + RunLayout.lightUnitFiles {
                guard let data = files[name] else { throw FileError.missing(path: layout.unitFile(uid, name)) }
                try AtomicFile.write(Array(data), to: target.unitFile(uid, name))
            }
        }
    }

    /// A zip of the run's folder, its units (with weights, when present) and a
    /// rendered report folder, plus SHA256SUMS of every entry. Every unit file
    /// is checked against its manifest first.
    public func zip(_ id: RunID, report: String?, to output: String) throws -> Int {
        let record = try record(id, requireWeights: true)
        var entries: [(name: String, data: Data)] = []
        for name in RunLayout.runFiles {
            if let data = FileManager.default.contents(atPath: layout.runFile(id, name)) { entries.append(("runs/\(id)/\(name)", data)) }
        }
        for unit in record.units {
            let uid = unit.manifest.unitId
            let files = try unitWithFiles(uid, requireWeights: true).files
            guard let manifest = FileManager.default.contents(atPath: layout.unitFile(uid, RunLayout.manifest)) else {
                throw FileError.missing(path: layout.unitFile(uid, RunLayout.manifest))
            }
            entries.append(("runs/units/\(uid)/\(RunLayout.manifest)", manifest))
            for (name, data) in files.sorted(by: { $0.key < $1.key }) { entries.append(("runs/units/\(uid)/\(name)", data)) }
        }
        if let report {
            for file in Self.files(under: report) {
                let path = (report as NSString).appendingPathComponent(file)
                guard let data = FileManager.default.contents(atPath: path) else { throw FileError.missing(path: path) }
                entries.append(("report/" + file, data))
            }
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
                sums += "\(Digest.sha256(entry.data))  \(entry.name)\n"
                try add(entry.name, entry.data)
            }
            try add("SHA256SUMS", Data(sums.utf8))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
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
