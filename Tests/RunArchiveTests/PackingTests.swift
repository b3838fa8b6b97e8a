import Foundation
@testable import RunArchive
@testable import Support
import Testing

/// `report archive`: only files a manifest or the report's SHA256SUMS lists
/// are packed, each checked as it is read; only a zip of ours is replaced.
@Suite("Packing: only listed, checked files")
struct PackingTests {
    typealias S = Synthetic

    /// A report-like folder with SHA256SUMS written last, as a render writes it.
    static func reportFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "hw2-report-\(UUID().uuidString)"
        try AtomicFile.write("# report\n", to: folder + "/report.md")
        try AtomicFile.write("{}\n", to: folder + "/archive/units/x/manifest.json")
        try Checksums.write(folder: folder)
        return folder
    }

    static func entries(_ zip: String) throws -> [String] {
        let result = try ProcessRunner.run(["python3", "-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip])
        try #require(result.status == 0, "\(result.errors)")
        return result.output.split(separator: "\n").map(String.init).sorted()
    }

    @Test("a report folder's SHA256SUMS lists every file it holds, relative, and sha256sum -c accepts it")
    func reportSums() throws {
        let folder = try Self.reportFolder()
        let text = try String(contentsOfFile: folder + "/" + Checksums.fileName, encoding: .utf8)
        #expect(text.hasSuffix("  archive/units/x/manifest.json\n" + "\(Digest.sha256(Data("# report\n".utf8)))  report.md\n"), "\(text)")
        let check = try ProcessRunner.run(["sha256sum", "-c", Checksums.fileName], in: folder)
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("stray files beside a report (earlier zips, notes) are never packed; a changed listed file is refused, naming it")
    func strayFiles() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let report = try Self.reportFolder()
        try AtomicFile.write("an earlier zip\n", to: report + "/hw2.zip")
        try AtomicFile.write("stray\n", to: report + "/archive/units/x/notes.txt")
        try AtomicFile.write("stray\n", to: store.layout.runFile(record.id, "old.zip"))
        let zip = NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip"
        _ = try store.zip(record.id, report: report, to: zip)
        let names = try Self.entries(zip)
        #expect(names.contains("report/report.md") && names.contains("report/archive/units/x/manifest.json"))
        #expect(!names.contains { $0.hasSuffix(".zip") || $0.hasSuffix("notes.txt") || $0.contains("..") }, "\(names)")

        try AtomicFile.write("# changed\n", to: report + "/report.md")
        let error = #expect(throws: FileError.self) { try store.zip(record.id, report: report, to: zip) }
        #expect(error?.description.contains(report + "/report.md") == true, "\(String(describing: error))")
    }

    @Test("a SHA256SUMS line that leaves the folder, or a report without SHA256SUMS, is refused",
          arguments: ["../../victim.txt", "/etc/passwd", "a/../../b", "blank", "none"])
    func badSums(line: String) throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let report = try Self.reportFolder()
        if line == "none" {
            try FileManager.default.removeItem(atPath: report + "/" + Checksums.fileName)
        } else if line == "blank" {
            try AtomicFile.write("    \n", to: report + "/" + Checksums.fileName)
        } else {
            try AtomicFile.write("\(String(repeating: "0", count: 64))  \(line)\n", to: report + "/" + Checksums.fileName)
        }
        let zip = NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip"
        let error = #expect(throws: FileError.self) { try store.zip(record.id, report: report, to: zip) }
        #expect(error?.description.contains(line == "none" ? "has no SHA256SUMS" : "expected `<sha256>  <path inside the folder>`") == true,
                "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: zip))
    }

    @Test("a SHA256SUMS that lists a file twice is refused (the zip would hold two entries of one name)")
    func duplicateSums() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let report = try Self.reportFolder()
        let sums = report + "/" + Checksums.fileName
        let text = try String(contentsOfFile: sums, encoding: .utf8)
        let first = try #require(text.split(separator: "\n").first)
        try AtomicFile.write(text + first + "\n", to: sums)
        let error = #expect(throws: FileError.self) { try store.zip(record.id, report: report, to: NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip") }
        #expect(error?.description.contains("a second time") == true, "\(String(describing: error))")
    }

    @Test("the run's files are packed only as checked: a changed config.json is refused, naming it")
    func runFiles() throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let zip = NSTemporaryDirectory() + "hw2-\(UUID().uuidString).zip"
        try AtomicFile.write("", to: store.layout.runFile(record.id, RunLayout.config))
        let error = #expect(throws: FileError.self) { try store.zip(record.id, report: nil, to: zip) }
        #expect(error?.description.contains(store.layout.runFile(record.id, RunLayout.config)) == true, "\(String(describing: error))")
    }

    @Test("-o replaces a zip this command wrote, and refuses any other file or a link, leaving it as it was", arguments: ["ours", "file", "link", "zip"])
    func output(kind: String) throws {
        let store = S.temporaryStore()
        let record = try #require(S.finished(try S.execute(store, S.config(epochs: 1))))
        let folder = NSTemporaryDirectory() + "hw2-out-\(UUID().uuidString)"
        let output = folder + "/run.zip"
        let victim = folder + "/victim.txt"
        try AtomicFile.write("the user's own text\n", to: victim)
        switch kind {
        case "ours": _ = try store.zip(record.id, report: nil, to: output)
        case "file": try AtomicFile.write("the user's thesis\n", to: output)
        case "link": try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: victim)
        default:
            let made = try ProcessRunner.run(["python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').writestr('thesis.tex', 'x')", output])
            try #require(made.status == 0, "\(made.errors)")
        }
        let before = try #require(FileManager.default.contents(atPath: output))
        if kind == "ours" {
            _ = try store.zip(record.id, report: nil, to: output)
            #expect(try Self.entries(output).contains(Checksums.fileName))
            return
        }
        let error = #expect(throws: FileError.self) { try store.zip(record.id, report: nil, to: output) }
        #expect(error?.description.contains(output) == true && error?.description.contains("nothing was written over it") == true, "\(String(describing: error))")
        #expect(FileManager.default.contents(atPath: output) == before)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the user's own text\n")
    }
}
