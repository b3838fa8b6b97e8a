import Foundation
@testable import RunArchive
@testable import Support
import Testing

/// A runs folder shared with other users: a link planted where a file of ours
/// goes must never carry our bytes outside the archive.
@Suite("Planted links: no write through a link")
struct PlantedLinkTests {
    typealias S = Synthetic

    /// A file outside the runs folder, and what it must still hold.
    static func victim() throws -> (path: String, text: String) {
        let path = NSTemporaryDirectory() + "hw2-victim-\(UUID().uuidString).txt"
        let text = "the victim's own text\n"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return (path, text)
    }

    @Test("a symlink planted as a run's or a unit's lock is refused by name and the file it points at is unchanged",
          arguments: ["run", "unit"])
    func plantedLock(owner: String) throws {
        let store = S.temporaryStore()
        let config = S.config(epochs: 1)
        let victim = try Self.victim()
        let unit = config.units[0].id
        let folder = owner == "run" ? store.layout.runFolder(config.id) : store.layout.unitFolder(unit)
        let lock = owner == "run" ? store.layout.runFile(config.id, RunLayout.lock) : store.layout.unitFile(unit, RunLayout.lock)
        try AtomicFile.createFolder(folder)
        try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: victim.path)
        let error = #expect(throws: FileError.self) { try S.execute(store, config) }
        #expect(error?.description.contains(lock) == true && error?.description.contains("symbolic link") == true, "\(String(describing: error))")
        #expect(try String(contentsOfFile: victim.path, encoding: .utf8) == victim.text)
    }

    @Test("a hard link planted as a lock is refused too")
    func hardLinkedLock() throws {
        let folder = NSTemporaryDirectory() + "hw2-lock-\(UUID().uuidString)"
        try AtomicFile.createFolder(folder)
        let victim = try Self.victim()
        let lock = folder + "/lock"
        try FileManager.default.linkItem(atPath: victim.path, toPath: lock)
        #expect(throws: FileError.self) { try RunLock(acquire: lock) }
        #expect(try String(contentsOfFile: victim.path, encoding: .utf8) == victim.text)
    }

    @Test("a symlink at the temporary name of a write is refused, and the pid alone no longer names it")
    func temporaryName() throws {
        let folder = NSTemporaryDirectory() + "hw2-atomic-\(UUID().uuidString)"
        try AtomicFile.createFolder(folder)
        let target = folder + "/metrics.json"
        let victim = try Self.victim()
        // The name a writer with this pid used to take.
        let guessed = target + AtomicFile.temporaryMarker + "\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createSymbolicLink(atPath: guessed, withDestinationPath: victim.path)
        try AtomicFile.write("ours\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "ours\n")
        #expect(try String(contentsOfFile: victim.path, encoding: .utf8) == victim.text)

        let planted = AtomicFile.temporaryPath(for: target)
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim.path)
        let error = #expect(throws: FileError.self) { try AtomicFile.write(Array("theirs\n".utf8), to: target, through: planted) }
        #expect(error?.description.contains(planted) == true, "\(String(describing: error))")
        #expect(try String(contentsOfFile: victim.path, encoding: .utf8) == victim.text)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "ours\n")
        #expect(AtomicFile.temporaryPath(for: target) != AtomicFile.temporaryPath(for: target))
    }

    @Test("a unit folder, the units folder or a run folder planted as a link is refused before anything is written or removed in it, --force included",
          arguments: ["unit", "units", "run"])
    func plantedFolder(kind: String) throws {
        let store = S.temporaryStore()
        let config = S.config(epochs: 1)
        let outside = NSTemporaryDirectory() + "hw2-outside-\(UUID().uuidString)"
        try AtomicFile.write("the user's own file\n", to: outside + "/" + RunLayout.metrics)
        let link = kind == "unit" ? store.layout.unitFolder(config.units[0].id)
            : kind == "units" ? (store.root as NSString).appendingPathComponent(RunLayout.unitsFolder) : store.layout.runFolder(config.id)
        try AtomicFile.createFolder((link as NSString).deletingLastPathComponent)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        let error = #expect(throws: FileError.self) { try S.execute(store, config, force: true) }
        #expect(error?.description.contains(link) == true && error?.description.contains("expected a plain folder") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == [RunLayout.metrics])
        #expect(try String(contentsOfFile: outside + "/" + RunLayout.metrics, encoding: .utf8) == "the user's own file\n")
    }

    @Test("--force removes only the files a unit writes: anything else in its folder stays")
    func forceRemovesOnlyOurs() throws {
        let store = S.temporaryStore()
        let config = S.config(epochs: 1)
        _ = try S.execute(store, config)
        let notes = store.layout.unitFile(config.units[0].id, "notes.txt")
        try AtomicFile.write("kept\n", to: notes)
        _ = try S.execute(store, config, force: true)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "kept\n")
    }

    @Test("a path that climbs out of its folder by `..` is refused, though its text starts inside")
    func climbingPath() throws {
        let root = NSTemporaryDirectory() + "hw2-plain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/units", withIntermediateDirectories: true)
        let outside = try Self.victim().path
        let climbing = root + "/units/.." + String(repeating: "/..", count: root.split(separator: "/").count) + outside
        let error = #expect(throws: FileError.self) { _ = try PlainFile.read(climbing, under: root) }
        #expect(error?.description.contains("lies outside") == true, "\(String(describing: error))")
        #expect(throws: FileError.self) { try PlainFile.requireFolder(root + "/units/../..", under: root) }
    }

    @Test("a file larger than any of ours is refused by its size before it is read (a sparse 3 GB file costs no disk)")
    func oversized() throws {
        let root = NSTemporaryDirectory() + "hw2-huge-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let huge = root + "/manifest.json"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 3 << 30) == 0)
        let error = #expect(throws: FileError.self) { _ = try PlainFile.read(huge, under: root) }
        #expect(error?.description.contains("is 3,221,225,472 bytes, expected at most 1,073,741,824") == true, "\(String(describing: error))")
        #expect(truncate(huge, JSON.maximumBytes + 1) == 0)
        #expect(throws: FileError.self) { _ = try JSON.decode([String].self, from: huge) }
    }
}
