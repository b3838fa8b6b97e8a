import Foundation
import Support

/// A folder that holds (or will hold) the four IDX files of one dataset.
/// Files may be raw or gzipped; either way their decompressed bytes must match
/// the canonical SHA-256 before anything is trained on them.
public struct DataFolder: Sendable {
    public let kind: DatasetKind
    public let path: String

    /// The environment variable that overrides the default folder.
    public static let environmentVariable = "HW2_DATA_DIR"

    /// `explicit` (from `--data-dir`) wins, then `HW2_DATA_DIR`, then the dataset's default.
    public init(kind: DatasetKind, explicit: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.kind = kind
        self.path = explicit ?? environment[Self.environmentVariable] ?? kind.defaultFolder
    }

    /// A file as found on disk, after its digest was checked.
    public struct VerifiedFile: Sendable {
        public let file: DatasetKind.File
        public let path: String
        public let sha256: String
    }

    /// The path of each canonical file that is present (raw preferred over `.gz`).
    public func locate(_ file: DatasetKind.File) -> String? {
        let raw = (path as NSString).appendingPathComponent(file.name)
        for candidate in [raw, raw + ".gz"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    public var missingFiles: [DatasetKind.File] { kind.files.filter { locate($0) == nil } }

    /// Reads one file and checks its length and digest; returns its bytes.
    public func readVerified(_ file: DatasetKind.File) throws -> (bytes: [UInt8], verified: VerifiedFile) {
        guard let location = locate(file) else {
            throw DatasetError.missing(folder: path, files: [file.name], hint: missingHint)
        }
        let bytes = try IDX.read(location)
        let digest = Digest.sha256(bytes)
        guard digest == file.sha256 else {
            throw DatasetError.digest(path: location, expected: file.sha256, found: digest)
        }
        return (bytes, VerifiedFile(file: file, path: location, sha256: digest))
    }

    /// Checks all four files; throws on the first one that is missing or wrong.
    public func verify(progress: (VerifiedFile) -> Void = { _ in }) throws -> [VerifiedFile] {
        let missing = missingFiles
        guard missing.isEmpty else {
            throw DatasetError.missing(folder: path, files: missing.map(\.name), hint: missingHint)
        }
        return try kind.files.map { file in
            let verified = try readVerified(file).verified
            progress(verified)
            return verified
        }
    }

    /// Reads, verifies and normalises the training and test sets.
    public func load() throws -> LabeledData {
        let missing = missingFiles
        guard missing.isEmpty else {
            throw DatasetError.missing(folder: path, files: missing.map(\.name), hint: missingHint)
        }
        func set(_ images: DatasetKind.File, _ labels: DatasetKind.File) throws -> LabeledImages {
            let (imageBytes, imageFile) = try readVerified(images)
            let (labelBytes, labelFile) = try readVerified(labels)
            return try LabeledImages(images: try IDX.images(imageBytes, path: imageFile.path),
                                     labels: try IDX.labels(labelBytes, path: labelFile.path),
                                     mean: kind.mean, std: kind.std, imagesPath: imageFile.path, labelsPath: labelFile.path)
        }
        return LabeledData(kind: kind, train: try set(kind.trainImages, kind.trainLabels), test: try set(kind.testImages, kind.testLabels))
    }

    var missingHint: String {
        kind == .mnist
            ? "Run `report data` to fetch and verify MNIST, or point --data-dir (or \(Self.environmentVariable)) at a folder with the IDX files (raw or .gz)."
            : "Install them with `apt-get install dataset-fashion-mnist`, or point --data-dir (or \(Self.environmentVariable)) at a folder with the IDX files (raw or .gz)."
    }

}

/// A whole dataset, normalised, ready for the engine.
public struct LabeledData: Sendable {
    public let kind: DatasetKind
    public let train: LabeledImages
    public let test: LabeledImages

    public init(kind: DatasetKind, train: LabeledImages, test: LabeledImages) {
        self.kind = kind
        self.train = train
        self.test = test
    }

    /// The same data with only the first `limit` training images (`--limit-train`); nil keeps all.
    public func limitingTrain(_ limit: Int?) -> LabeledData {
        limit.map { LabeledData(kind: kind, train: train.prefix($0), test: test) } ?? self
    }
}

/// Images as Float32 `(x/255 - mean) / std`, [count, 784] row-major, with labels.
public struct LabeledImages: Sendable {
    public let count: Int
    public let pixelsPerImage: Int
    public let pixels: [Float]
    public let labels: [UInt8]

    public init(images: IDX.Images, labels: [UInt8], mean: Float, std: Float,
                imagesPath: String, labelsPath: String) throws {
        guard images.count == labels.count else {
            throw DatasetError.mismatch("\(imagesPath) holds \(images.count) images but \(labelsPath) holds \(labels.count) labels; expected the same count")
        }
        self.init(count: images.count, pixelsPerImage: images.rows * images.cols,
                  pixels: images.pixels.map { (Float($0) / 255 - mean) / std }, labels: labels)
    }

    /// Builds a set from already-normalised pixels (tests and generated data).
    public init(count: Int, pixelsPerImage: Int, pixels: [Float], labels: [UInt8]) {
        precondition(pixels.count == count * pixelsPerImage && labels.count == count)
        self.count = count
        self.pixelsPerImage = pixelsPerImage
        self.pixels = pixels
        self.labels = labels
    }

    /// The first `n` examples (for quick runs with `--limit-train`).
    public func prefix(_ n: Int) -> LabeledImages {
        let n = min(n, count)
        return LabeledImages(count: n, pixelsPerImage: pixelsPerImage,
                             pixels: Array(pixels[0..<(n * pixelsPerImage)]), labels: Array(labels[0..<n]))
    }
}
