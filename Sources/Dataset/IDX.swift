import Foundation
import SystemZlib

/// The IDX format of the MNIST files: a 4-byte magic (two zero bytes, a type
/// byte, the number of dimensions), one big-endian UInt32 per dimension, then
/// the values. Only unsigned bytes (type 0x08) occur in MNIST.
public enum IDX {
    /// Images as stored: `pixels` is [count, rows, cols] row-major bytes.
    public struct Images: Sendable, Hashable {
        public let count: Int
        public let rows: Int
        public let cols: Int
        public let pixels: [UInt8]
    }

    /// Parses an image file (3 dimensions, 28x28 as in MNIST).
    public static func images(_ bytes: [UInt8], path: String) throws -> Images {
        let dims = try header(bytes, path: path, dimensions: 3)
        guard dims[1] == 28, dims[2] == 28 else {
            throw DatasetError.malformed(path: path, expected: "28x28 images", found: "\(dims[1])x\(dims[2])")
        }
        return Images(count: dims[0], rows: dims[1], cols: dims[2], pixels: Array(bytes[(4 + 4 * 3)...]))
    }

    /// Parses a label file (1 dimension, every label a digit 0-9).
    public static func labels(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        _ = try header(bytes, path: path, dimensions: 1)
        let labels = Array(bytes[8...])
        if let bad = labels.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.malformed(path: path, expected: "labels 0-9", found: "label \(labels[bad]) at index \(bad)")
        }
        return labels
    }

    /// Checks magic, dimension count and exact length; returns the dimensions.
    static func header(_ bytes: [UInt8], path: String, dimensions: Int) throws -> [Int] {
        let headerLength = 4 + 4 * dimensions
        guard bytes.count >= headerLength else {
            throw DatasetError.malformed(path: path, expected: "an IDX header of \(headerLength) bytes", found: "\(bytes.count) bytes")
        }
        let magic = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let expectedMagic = 0x0800 | dimensions
        guard magic == expectedMagic else {
            throw DatasetError.malformed(
                path: path, expected: "magic number 0x\(String(expectedMagic, radix: 16, uppercase: true)) (unsigned bytes, \(dimensions) dimension\(dimensions == 1 ? "" : "s"))",
                found: "0x\(String(magic, radix: 16, uppercase: true))")
        }
        let dims = (0..<dimensions).map { d in
            bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
        }
        let expectedLength = headerLength + dims.reduce(1, *)
        guard bytes.count == expectedLength else {
            throw DatasetError.malformed(
                path: path, expected: "\(expectedLength) bytes for dimensions \(dims.map(String.init).joined(separator: "x"))",
                found: "\(bytes.count) bytes")
        }
        return dims
    }

    /// The file's bytes, decompressed when its name ends in `.gz`.
    public static func read(_ path: String) throws -> [UInt8] {
        if path.hasSuffix(".gz") { return try gunzip(path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "no such file or not readable")
        }
        return [UInt8](data)
    }

    /// The gzip file of `bytes` (deflate at the best level), for keeping large IDX files in an archive.
    public static func gzip(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper (header with no time or name), not zlib's.
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.unreadable(path: path, reason: "zlib could not start compressing")
        }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let status = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DatasetError.unreadable(path: path, reason: "zlib could not compress (status \(status))") }
        return Array(output.prefix(Int(stream.total_out)))
    }

    /// The largest IDX file of either dataset (60,000 training images): no
    /// header may declare more.
    public static let maximumLength = 16 + DatasetKind.trainingImageCount * 28 * 28

    /// The length an IDX header declares, once `bytes` hold the whole header;
    /// nil before that or when the bytes are no IDX header (which `header` names).
    static func declaredLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08, (1...3).contains(bytes[3]) else { return nil }
        let dimensions = Int(bytes[3])
        guard bytes.count >= 4 + 4 * dimensions else { return nil }
        var values = 1
        for d in 0..<dimensions {
            let size = bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
            let (product, overflow) = values.multipliedReportingOverflow(by: size)
            if overflow { return Int.max }
            values = product
        }
        let (length, overflow) = values.addingReportingOverflow(4 + 4 * dimensions)
        return overflow ? Int.max : length
    }

    /// Inflates at most what the IDX header inside declares (and never more
    /// than `maximumLength`): a gzip bomb is refused after one chunk beyond
    /// that, not after it has filled the memory.
    static func gunzip(_ path: String) throws -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "no such file or not readable")
        }
        // zlib would read a file without the gzip magic as it is; a .gz name promises gzip.
        let magic = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        try? handle.close()
        guard magic == [0x1F, 0x8B] else {
            throw DatasetError.malformed(path: path, expected: "a gzip file (it starts with 1f 8b)",
                                         found: magic.isEmpty ? "an empty file" : "bytes starting " + magic.map { String(format: "%02x", $0) }.joined(separator: " "))
        }
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.unreadable(path: path, reason: "no such file or not readable")
        }
        defer { gzclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            var code: Int32 = 0
            let message = String(cString: gzerror(file, &code))
            if n < 0 || code != Z_OK {
                throw DatasetError.malformed(path: path, expected: "a valid gzip stream", found: message)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
            let declared = declaredLength(out)
            if let declared, declared > maximumLength {
                throw DatasetError.malformed(path: path, expected: "an IDX header declaring at most \(maximumLength) bytes (the largest dataset file)",
                                             found: declared == Int.max ? "dimensions whose product overflows" : "one declaring \(declared) bytes")
            }
            if out.count > (declared ?? maximumLength) {
                throw DatasetError.malformed(path: path, expected: declared.map { "\($0) bytes inflated, as its IDX header declares" }
                                                 ?? "at most \(maximumLength) bytes inflated (the largest dataset file)",
                                             found: "more (inflating stopped at \(out.count) bytes)")
            }
        }
        // A stream cut short reads as a clean end; only the trailer proves it complete.
        guard out.count > 0 || FileManager.default.contents(atPath: path)?.isEmpty == true else {
            throw DatasetError.malformed(path: path, expected: "a valid gzip stream", found: "no data (truncated or not gzip)")
        }
        return out
    }
}
