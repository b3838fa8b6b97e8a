import Foundation
import Support
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
        // Raw, no dataset file is longer than `maximumLength`; gzipped, even stored uncompressed, hardly longer.
        let data: Data?
        do {
            data = try PlainFile.contents(path, limit: maximumLength + maximumLength / 1000 + 1024)
        } catch let FileError.unreadable(_, reason) {
            throw DatasetError.unreadable(path: path, reason: reason)
        }
        guard let data else {
            throw DatasetError.unreadable(path: path, reason: "no such file or not readable")
        }
        return path.hasSuffix(".gz") ? try gunzip([UInt8](data), path: path) : [UInt8](data)
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

    /// Inflates the gzip bytes of `path` (already read: what was checked is
    /// what is parsed), at most what the IDX header inside declares (and never
    /// more than `maximumLength`): a gzip bomb is refused after one chunk
    /// beyond that, not after it has filled the memory.
    public static func gunzip(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        // zlib would read bytes without the gzip magic as they are; a .gz name promises gzip.
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else {
            throw DatasetError.malformed(path: path, expected: "a gzip file (it starts with 1f 8b)",
                                         found: bytes.isEmpty ? "an empty file" : "bytes starting " + bytes.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " "))
        }
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.unreadable(path: path, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var input = bytes
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { inp in
            stream.next_in = inp.baseAddress
            stream.avail_in = uInt(inp.count)
            while status != Z_STREAM_END {
                status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let found = status == Z_BUF_ERROR ? "a stream cut short" : stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DatasetError.malformed(path: path, expected: "a valid gzip stream", found: found)
                }
                out.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
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
            guard stream.avail_in == 0 else {
                throw DatasetError.malformed(path: path, expected: "one gzip stream", found: "\(stream.avail_in) more bytes after its end")
            }
        }
        return out
    }
}
