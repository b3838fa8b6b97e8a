import Foundation
import Support
import Testing
@testable import Dataset

/// IDX bytes: magic (0, 0, 8, dims), big-endian dimensions, payload.
func idx(_ dims: [Int], payload: [UInt8], magicType: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, magicType, UInt8(dims.count)]
    for d in dims { bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
    return bytes + payload
}

@Suite("IDX reader")
struct IDXTests {
    @Test("well-formed images and labels parse")
    func good() throws {
        let images = try IDX.images(idx([2, 28, 28], payload: [UInt8](repeating: 7, count: 2 * 784)), path: "x")
        #expect(images.count == 2 && images.rows == 28 && images.pixels.count == 1568)
        #expect(try IDX.labels(idx([3], payload: [0, 9, 5]), path: "y") == [0, 9, 5])
    }

    @Test("truncated file: the error names the file and both lengths")
    func truncated() {
        #expect(throws: DatasetError.malformed(path: "data/t.idx", expected: "1584 bytes for dimensions 2x28x28", found: "1583 bytes")) {
            try IDX.images(idx([2, 28, 28], payload: [UInt8](repeating: 0, count: 1567)), path: "data/t.idx")
        }
    }

    @Test("wrong magic number")
    func wrongMagic() {
        #expect(throws: DatasetError.malformed(path: "l", expected: "magic number 0x801 (unsigned bytes, 1 dimension)", found: "0x803")) {
            try IDX.labels(idx([1, 1, 1], payload: [0]), path: "l")
        }
        #expect(throws: DatasetError.self) { try IDX.labels(idx([1], payload: [0], magicType: 0x0D), path: "l") }
    }

    @Test("empty file")
    func empty() {
        #expect(throws: DatasetError.malformed(path: "e", expected: "an IDX header of 8 bytes", found: "0 bytes")) {
            try IDX.labels([], path: "e")
        }
    }

    @Test("label 11 is refused with its index")
    func badLabel() {
        #expect(throws: DatasetError.malformed(path: "l", expected: "labels 0-9", found: "label 11 at index 1")) {
            try IDX.labels(idx([3], payload: [3, 11, 2]), path: "l")
        }
    }

    @Test("images other than 28x28 are refused")
    func wrongSize() {
        #expect(throws: DatasetError.self) { try IDX.images(idx([1, 27, 28], payload: [UInt8](repeating: 0, count: 756)), path: "i") }
    }

    @Test("image and label counts must agree")
    func countMismatch() throws {
        let images = try IDX.images(idx([2, 28, 28], payload: [UInt8](repeating: 0, count: 1568)), path: "i")
        #expect(throws: DatasetError.mismatch("i holds 2 images but l holds 3 labels; expected the same count")) {
            try LabeledImages(images: images, labels: [1, 2, 3], mean: 0.1307, std: 0.3081, imagesPath: "i", labelsPath: "l")
        }
    }

    @Test("pixels are normalised as (x/255 - mean) / std")
    func normalisation() throws {
        let images = try IDX.images(idx([1, 28, 28], payload: [0, 255] + [UInt8](repeating: 0, count: 782)), path: "i")
        let set = try LabeledImages(images: images, labels: [4], mean: 0.1307, std: 0.3081, imagesPath: "i", labelsPath: "l")
        #expect(set.pixels[0] == (Float(0) / 255 - Float(0.1307)) / Float(0.3081))
        #expect(set.pixels[1] == (Float(255) / 255 - Float(0.1307)) / Float(0.3081))
    }
}

@Suite("Data folder: locating, digests, fetching")
struct DataFolderTests {
    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "hw2-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("--data-dir wins over HW2_DATA_DIR, which wins over the default")
    func precedence() {
        #expect(DataFolder(kind: .mnist, explicit: "a", environment: ["HW2_DATA_DIR": "b"]).path == "a")
        #expect(DataFolder(kind: .mnist, explicit: nil, environment: ["HW2_DATA_DIR": "b"]).path == "b")
        #expect(DataFolder(kind: .mnist, explicit: nil, environment: [:]).path == "data/mnist")
    }

    @Test("a file with the canonical name but other bytes fails its digest, naming the file")
    func digestMismatch() throws {
        let folder = try temporaryFolder()
        let path = folder + "/t10k-labels-idx1-ubyte"
        try Data(idx([3], payload: [1, 2, 3])).write(to: URL(fileURLWithPath: path))
        let data = DataFolder(kind: .mnist, explicit: folder)
        #expect(throws: DatasetError.digest(path: path, expected: DatasetKind.mnist.testLabels.sha256,
                                            found: Digest.sha256(idx([3], payload: [1, 2, 3])))) {
            try data.readVerified(DatasetKind.mnist.testLabels)
        }
        #expect(data.missingFiles.map(\.name) == ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"])
        #expect(throws: DatasetError.self) { try data.verify() }
    }

    @Test("gzipped files are found and checked on their decompressed bytes")
    func gzipped() throws {
        let folder = try temporaryFolder()
        let bytes = idx([3], payload: [1, 2, 3])
        let raw = folder + "/t10k-labels-idx1-ubyte"
        try Data(bytes).write(to: URL(fileURLWithPath: raw))
        #expect(try ProcessRunner.run(["gzip", raw]).status == 0)
        let data = DataFolder(kind: .mnist, explicit: folder)
        #expect(data.locate(DatasetKind.mnist.testLabels) == raw + ".gz")
        #expect(try IDX.read(raw + ".gz") == bytes)
        // Same bytes, so the same (non-canonical) digest as the raw file: the check runs on decompressed bytes.
        #expect(throws: DatasetError.digest(path: raw + ".gz", expected: DatasetKind.mnist.testLabels.sha256, found: Digest.sha256(bytes))) {
            try data.readVerified(DatasetKind.mnist.testLabels)
        }
    }

    @Test("a gzip bomb is refused once it inflates past what its IDX header declares, or past the largest dataset file",
          arguments: [[1, 28, 28], [4_000_000_000, 28, 28], [Int(UInt32.max), Int(UInt32.max), Int(UInt32.max)]])
    func gzipBomb(dims: [Int]) throws {
        let folder = try temporaryFolder()
        let path = folder + "/t10k-images-idx3-ubyte.gz"
        // 64 MB of zeros behind the header gzip to about 64 KB.
        let bomb = try IDX.gzip(idx(dims, payload: [UInt8](repeating: 0, count: 64 << 20)), path: path)
        try Data(bomb).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DatasetError.self) { _ = try IDX.read(path) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(path + ": expected "), "\(message)")
        if dims == [1, 28, 28] {
            #expect(message.contains("expected 800 bytes inflated, as its IDX header declares, found more"), "\(message)")
        } else {
            #expect(message.contains("expected an IDX header declaring at most 47040016 bytes"), "\(message)")
        }
    }

    @Test("a corrupt .gz is reported as such")
    func corruptGzip() throws {
        let folder = try temporaryFolder()
        let plain = folder + "/train-labels-idx1-ubyte.gz"
        try Data(idx([3], payload: [1, 2, 3])).write(to: URL(fileURLWithPath: plain))
        #expect(throws: DatasetError.malformed(path: plain, expected: "a gzip file (it starts with 1f 8b)", found: "bytes starting 00 00")) {
            try IDX.read(plain)
        }
        let path = folder + "/t10k-labels-idx1-ubyte.gz"
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.self) { try IDX.read(path) }

        // A real gzip stream cut in half.
        let raw = folder + "/t10k-images-idx3-ubyte"
        try Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: raw))
        #expect(try ProcessRunner.run(["gzip", raw]).status == 0)
        let whole = try Data(contentsOf: URL(fileURLWithPath: raw + ".gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: raw + ".gz"))
        #expect(throws: DatasetError.self) { try IDX.read(raw + ".gz") }
    }

    @Test("a fetch that fails midway leaves the data folder as it was, and no staging folder")
    func failedFetchLeavesNoTrace() throws {
        let parent = try temporaryFolder()
        let folder = parent + "/mnist"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/keep-me"))
        try FileManager.default.createDirectory(atPath: parent + "/.mnist.staging-1", withIntermediateDirectories: true)  // a killed fetch's
        let failing = MNISTFetcher(folder: DataFolder(kind: .mnist, explicit: folder), python: "false")
        #expect(throws: DatasetError.self) { try failing.fetch { _ in } }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["keep-me"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["mnist"])
    }

    @Test("a fetch asked to stop (Ctrl-C, SIGTERM) ends its step's process and leaves no staging folder")
    func stoppedFetch() throws {
        let parent = try temporaryFolder()
        // A "python" that would take a minute: only the stop can end it soon.
        let slow = parent + "/slow-python"
        try "#!/bin/sh\nexec sleep 60\n".write(toFile: slow, atomically: true, encoding: .utf8)
        #expect(chmod(slow, 0o755) == 0)
        let fetcher = MNISTFetcher(folder: DataFolder(kind: .mnist, explicit: parent + "/mnist"), python: slow)
        let started = Date()
        let error = #expect(throws: DatasetError.self) { try fetcher.fetch(log: { _ in }, shouldStop: { Date().timeIntervalSince(started) > 0.3 }) }
        #expect(error.map { "\($0)" }?.contains("stopped (Ctrl-C or SIGTERM)") == true, "\(String(describing: error))")
        #expect(Date().timeIntervalSince(started) < 30, "the step's process was terminated, not waited for")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["slow-python"])
    }
}

@Suite("The pickle converter")
struct ConverterTests {
    /// A protocol-2 pickle that calls os.system("echo pwned > marker") when loaded unrestricted.
    static func hostilePickle(marker: String) -> [UInt8] {
        let command = "touch \(marker)"
        var bytes: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\n".utf8)
        bytes += [0x58] + withUnsafeBytes(of: UInt32(command.utf8.count).littleEndian, Array.init) + Array(command.utf8)
        bytes += [0x85, 0x52, 0x2E]  // TUPLE1, REDUCE, STOP
        return bytes
    }

    @Test("a pickle that names a forbidden global is refused, and nothing runs")
    func refusesForbiddenGlobal() throws {
        let folder = NSTemporaryDirectory() + "hw2-pickle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let marker = folder + "/pwned"
        let pickle = folder + "/evil.pkl"
        try Data(Self.hostilePickle(marker: marker)).write(to: URL(fileURLWithPath: pickle))
        #expect(try ProcessRunner.run(["gzip", pickle]).status == 0)

        let converter = try #require(MNISTFetcher.converterPath)
        let result = try ProcessRunner.run(["python3", converter, pickle + ".gz", folder])
        #expect(result.status != 0)
        #expect(result.errors.contains("refusing to load global os.system"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
