import Crypto
import Engine
import Foundation

/// Everything needed to continue a model's training exactly: weights, Adam's
/// moments and step, and the metrics so far (the epoch counter is their count).
/// Random streams are derived from the seed and the epoch, so they need no state.
///
/// File layout: "HW2CKPT1", UInt64 LE header length, JSON header, then
/// parameters, m and v as little-endian Float32, then the SHA-256 of all the
/// preceding bytes. A flipped or missing byte fails the digest.
public struct Checkpoint: Sendable, Equatable {
    public var model: String
    public var parameters: [Float]
    public var optimizer: Network.OptimizerState
    public var history: [EpochMetrics]

    public var epoch: Int { history.count }

    static let magic = Array("HW2CKPT1".utf8)

    private struct Header: Codable {
        var model: String
        var parameterCount: Int
        var step: Int
        var history: [EpochMetrics]
    }

    public func encoded() throws -> [UInt8] {
        let header = Array(try JSON.encode(Header(model: model, parameterCount: parameters.count, step: optimizer.step, history: history)))
        var bytes = Self.magic
        bytes += withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init)
        bytes += header
        for tensor in [parameters, optimizer.m, optimizer.v] { bytes += Self.littleEndian(tensor) }
        bytes += Array(SHA256.hash(data: bytes))
        return bytes
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> Checkpoint {
        func corrupt(_ reason: String) -> TrainingError { .corrupt(path: path, reason: reason) }
        guard bytes.count >= magic.count + 8 + 32, Array(bytes[0..<8]) == magic else {
            throw corrupt("not a checkpoint (expected the HW2CKPT1 magic and at least 48 bytes, found \(bytes.count) bytes)")
        }
        let body = bytes[0..<(bytes.count - 32)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - 32)...]) else {
            throw corrupt("digest mismatch: the checkpoint is truncated or was changed after it was written")
        }
        let headerLength = Int(bytes[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        guard 16 + headerLength <= body.count else { throw corrupt("header length \(headerLength) runs past the end") }
        let header: Header
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            header = try decoder.decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        } catch {
            throw corrupt("unreadable header: \(error)")
        }
        let p = header.parameterCount, start = 16 + headerLength
        guard body.count == start + 12 * p else {
            throw corrupt("expected \(12 * p) bytes of tensors for \(p) parameters, found \(body.count - start)")
        }
        let tensors = (0..<3).map { floats(bytes, from: start + 4 * p * $0, count: p) }
        return Checkpoint(model: header.model, parameters: tensors[0],
                          optimizer: .init(step: header.step, m: tensors[1], v: tensors[2]), history: header.history)
    }

    static func littleEndian(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return bytes
    }

    static func floats(_ bytes: [UInt8], from offset: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self))) }
        }
    }
}
