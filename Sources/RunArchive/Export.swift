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
    /// command that takes a runs folder). Manifests written before seals are
    /// copied sealed (`SealedJSON.sealedCopy`), so a report's archive is covered from its render on.
    public func exportLight(_ id: RunID, to destination: String) throws {
        let record = try record(id)
        let target = RunLayout(root: destination)
        for (name, data) in try checkedRunFiles(record) {
            var copy = data
            if name == RunLayout.manifest { copy = try SealedJSON.sealedCopy(record.manifest, of: data) }
            if name == RunLayout.verification, let verification = record.verification { copy = try SealedJSON.sealedCopy(verification, of: data) }
            try AtomicFile.write(Array(copy), to: target.runFile(id, name))
        }
        for unit in record.units {
            try copyLight(unit.manifest.unitId, to: target)
        }
    }

    /// A finished unit's files without weights or checkpoints, each checked as
    /// it is read, written into `target`'s unit folder with the manifest last
    /// (sealed), so a copy cut short is never taken for a finished unit.
    func copyLight(_ uid: UnitID, to target: RunLayout) throws {
        let (checked, files) = try unitWithFiles(uid)
        for name in [RunLayout.config] + RunLayout.lightUnitFiles + [RunLayout.manifest] {
            guard let data = files[name] else { throw FileError.missing(path: layout.unitFile(uid, name)) }
            let copy = name == RunLayout.manifest ? try SealedJSON.sealedCopy(checked.manifest, of: data) : data
            try AtomicFile.write(Array(copy), to: target.unitFile(uid, name))
        }
    }

    /// Takes the units of `units` that this store has not finished from
    /// `source` (another runs folder, or a report's light copy such as
    /// reports/hw2/archive) where it holds them finished: their files are
    /// checked and copied without weights, so a run reuses their results
    /// instead of training them again (the bits are the same: a unit's id is
    /// everything that decides them). Returns the units now here as light
    /// copies, taken now or by an earlier call.
    public func adoptLight(_ units: [UnitConfig], from source: RunStore) throws -> Set<UnitID> {
        // The runs folder itself would make any unit whose weights were lost "light" without a copy.
        guard URL(fileURLWithPath: source.root).resolvingSymlinksInPath().standardizedFileURL
                != URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL else {
            throw FileError.unreadable(path: source.root, reason: "is the runs folder itself, expected another archive to take units from")
        }
        var light: Set<UnitID> = []
        for unit in units where finishedUnit(unit) == nil {
            guard (try? source.unit(unit.id)) != nil else { continue }
            let folder = layout.unitFolder(unit.id)
            try PlainFile.requireFolder(folder, under: root)
            try AtomicFile.createFolder(folder)
            try PlainFile.requireFolder(folder, under: root)
            let lock = try RunLock(acquire: layout.unitFile(unit.id, RunLayout.lock))
            defer { lock.release() }
            // Asked again under the lock: another process may have finished the unit meanwhile.
            if finishedUnit(unit) != nil { continue }
            if (try? self.unit(unit.id)) == nil { try source.copyLight(unit.id, to: layout) }
            light.insert(unit.id)
        }
        return light
    }

    /// The run folder's files that `record` checked, read again and each
    /// required to be the bytes checked; nothing else of the folder.
    func checkedRunFiles(_ record: RunRecord) throws -> [(name: String, data: Data)] {
        try RunLayout.runFiles.compactMap { name in
            guard let expected = record.checkedRunFiles[name] else { return nil }
            let path = layout.runFile(record.id, name)
            let data = try contents(path)
            let found = Digest.sha256(data)
            guard found == expected else { throw ArchiveError.mismatch(Mismatch(path: path, kind: .digest(expected: expected, found: found))) }
            return (name, data)
        }
    }

    /// A zip of the run's folder, its units (with weights, when present) and a
    /// rendered report folder, plus SHA256SUMS of every entry. Only files a
    /// manifest or the report's SHA256SUMS lists are packed, each checked as
    /// it is read; an existing `output` is replaced only when it is a zip
    /// this command wrote.
    public func zip(_ id: RunID, report: String?, to output: String) throws -> Int {
        try Self.requireOurZip(output)
        let record = try record(id, requireWeights: true)
        var entries = try checkedRunFiles(record).map { (name: "runs/\(id)/\($0.name)", data: $0.data) }
        for unit in record.units {
            let uid = unit.manifest.unitId
            let files = try unitWithFiles(uid, requireWeights: true).files
            for (name, data) in files.sorted(by: { $0.key < $1.key }) { entries.append(("runs/units/\(uid)/\(name)", data)) }
        }
        if let report {
            entries += try Checksums.checkedFiles(in: report).map { ("report/" + $0.path, $0.data) }
        }
        try AtomicFile.createFolder((output as NSString).deletingLastPathComponent)
        let temporary = AtomicFile.temporaryPath(for: output)
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
            try add(Checksums.fileName, Data(sums.utf8))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError.io(path: output, reason: "could not write the zip: \(error)")
        }
        try Self.requireOurZip(output)
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError.io(path: output, reason: reason)
        }
        return entries.count
    }

    /// Passes when nothing is at `path` or it is a zip `zip` wrote (a plain
    /// file whose entries are runs/…, report/… and SHA256SUMS): the only file
    /// `report archive -o` may replace.
    static func requireOurZip(_ path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        let refusal = "; nothing was written over it: choose another -o, or move it away yourself"
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw FileError.io(path: path, reason: "is a link or not a regular file, expected a zip written by `report archive`" + refusal)
        }
        let names = (try? Archive(url: URL(fileURLWithPath: path), accessMode: .read, pathEncoding: nil)).map { $0.map(\.path) } ?? []
        guard names.contains(Checksums.fileName),
              names.allSatisfy({ $0 == Checksums.fileName || $0.hasPrefix("runs/") || $0.hasPrefix("report/") }) else {
            throw FileError.io(path: path, reason: "is not a zip written by `report archive` (runs/, report/ and \(Checksums.fileName)), expected one" + refusal)
        }
    }
}
