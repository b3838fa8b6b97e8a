import Engine
import Foundation
import Support

/// Everything needed to continue a unit's training exactly: weights, Adam's
/// moments and step, the metrics and test predictions so far (the epoch
/// counter is their count). Random streams are derived from the seed and the
/// epoch, so they need no state.
///
/// File layout: "HW2CKPT2", UInt64 LE header length, JSON header, then
/// parameters, m and v as little-endian Float32, then each epoch's predictions
/// (one byte per test image), then the SHA-256 of all the preceding bytes.
/// A flipped or missing byte fails the digest.
public struct Checkpoint: Sendable, Equatable {
    public var unit: UnitID
    public var parameters: [Float]
    public var optimizer: Network.OptimizerState
    public var history: [EpochMetrics]
    public var predictions: [[UInt8]]

    public var epoch: Int { history.count }

    static let magic = Array("HW2CKPT2".utf8)

    private struct Header: Codable {
        var unit: UnitID
        var parameterCount: Int
        var step: Int
        var history: [EpochMetrics]
        var testImages: Int
    }

    public func encoded() throws -> [UInt8] {
        let testImages = predictions.first?.count ?? 0
        let header = Array(try JSON.encode(Header(unit: unit, parameterCount: parameters.count, step: optimizer.step,
                                                  history: history, testImages: testImages)))
        var bytes = Self.magic + LittleEndian.bytes(UInt64(header.count)) + header
        for tensor in [parameters, optimizer.m, optimizer.v] { bytes += LittleEndian.bytes(tensor) }
        for epoch in predictions { bytes += epoch }
        bytes += Digest.sha256Bytes(bytes)
        return bytes
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> Checkpoint {
        func corrupt(_ reason: String) -> TrainingError { .corrupt(path: path, reason: reason) }
        guard bytes.count >= magic.count + 8 + 32, Array(bytes[0..<8]) == magic else {
            throw corrupt("not a checkpoint of this version (expected the HW2CKPT2 magic and at least 48 bytes, found \(bytes.count) bytes)")
        }
        let body = Array(bytes[0..<(bytes.count - 32)])
        guard Digest.sha256Bytes(body) == Array(bytes[(bytes.count - 32)...]) else {
            throw corrupt("digest mismatch: the checkpoint is truncated or was changed after it was written")
        }
        let headerLength = Int(clamping: LittleEndian.uint64(bytes[8..<16]))
        guard headerLength <= body.count - 16 else { throw corrupt("header length \(headerLength) runs past the end") }
        let header: Header
        do {
            header = try JSON.decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]), path: path)
        } catch {
            throw corrupt("unreadable header: \(error)")
        }
        let p = header.parameterCount, start = 16 + headerLength
        let (tensorBytes, o1) = p.multipliedReportingOverflow(by: 12)
        let (predictionBytes, o2) = header.history.count.multipliedReportingOverflow(by: header.testImages)
        guard p >= 0, header.testImages >= 0, !o1, !o2, body.count - start == tensorBytes &+ predictionBytes else {
            throw corrupt("expected 12 bytes per parameter (\(p)) and one per test image (\(header.testImages)) and epoch (\(header.history.count)), found \(body.count - start) bytes")
        }
        let tensors = (0..<3).map { LittleEndian.floats(bytes, from: start + 4 * p * $0, count: p) }
        let first = start + 12 * p
        let predictions = (0..<header.history.count).map { e in
            Array(bytes[(first + e * header.testImages)..<(first + (e + 1) * header.testImages)])
        }
        return Checkpoint(unit: header.unit, parameters: tensors[0], optimizer: .init(step: header.step, m: tensors[1], v: tensors[2]),
                          history: header.history, predictions: predictions)
    }
}
