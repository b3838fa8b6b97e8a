import Foundation

/// A folder's SHA256SUMS (`sha256sum -c` reads it): the list of the files we
/// wrote there, written last, so that whatever packs or copies the folder
/// takes those files only, each checked, and never a stray one (an old zip,
/// a file someone added).
public enum Checksums {
    public static let fileName = "SHA256SUMS"

    /// One line `<sha256>  <path>` per file under `folder` (relative, sorted;
    /// SHA256SUMS itself left out), written atomically.
    public static func write(folder: String) throws {
        var lines = ""
        for relative in try files(under: folder) where relative != fileName {
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let data = try PlainFile.read(path, under: folder) else { throw FileError.missing(path: path) }
            lines += "\(Digest.sha256(data))  \(relative)\n"
        }
        try AtomicFile.write(lines, to: (folder as NSString).appendingPathComponent(fileName))
    }

    /// The files SHA256SUMS lists, each read as a plain file inside `folder`
    /// and checked against its line; a path that leaves the folder, a link,
    /// a missing or changed file is refused, naming it.
    public static func checkedFiles(in folder: String) throws -> [(path: String, data: Data)] {
        let sums = (folder as NSString).appendingPathComponent(fileName)
        guard let text = try PlainFile.read(sums, under: folder) else {
            throw FileError.unreadable(path: folder, reason: "has no \(fileName), expected one listing its files (a report rendered before lists were written: render it again)")
        }
        var listed: Set<String> = []
        return try String(decoding: text, as: UTF8.self).split(separator: "\n").enumerated().map { number, line in
            let parts = line.split(separator: " ", maxSplits: 1)
            let relative = parts.count == 2 && parts[1].hasPrefix(" ") ? String(parts[1].dropFirst()) : ""
            let components = relative.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 64, !relative.isEmpty, !relative.hasPrefix("/"),
                  components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
                  !relative.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw FileError.unreadable(path: sums, reason: "line \(number + 1): expected `<sha256>  <path inside the folder>`, found \(String(line).debugDescription)")
            }
            guard listed.insert(relative).inserted else {
                throw FileError.unreadable(path: sums, reason: "line \(number + 1) lists \(relative.debugDescription) a second time, expected each file once")
            }
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let data = try PlainFile.read(path, under: folder) else { throw FileError.missing(path: path) }
            let found = Digest.sha256(data)
            guard found == parts[0] else {
                throw FileError.unreadable(path: path, reason: "SHA-256 \(found), \(sums) records \(parts[0])")
            }
            return (relative, data)
        }
    }

    /// Files under a folder, relative, sorted; temporary files left out. A link is refused.
    public static func files(under folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        for case let relative as String in walker where !relative.contains(AtomicFile.temporaryMarker) {
            let path = (folder as NSString).appendingPathComponent(relative)
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFREG: files.append(relative)
            default: throw FileError.unreadable(path: path, reason: "is a link or a special file, expected only plain files and folders")
            }
        }
        return files.sorted()
    }
}
