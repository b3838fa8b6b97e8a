import Training

/// A unit's epochs laid beside another's, one epoch at a time: every
/// deterministic metric bit for bit, every test prediction, the SHA-256 of the
/// weights. The one comparison behind `report verify` (retrained against
/// archived) and `report diff` (archived against archived).
public struct UnitComparison: Hashable, Sendable {
    /// What differs first, with both sides' values.
    public enum Difference: Hashable, Sendable, CustomStringConvertible {
        case metric(epoch: Int, name: String, left: Double, right: Double)
        /// `image` is the first test image predicted differently (nil when a side has no predictions for the epoch).
        case prediction(epoch: Int, image: Int?, left: UInt8?, right: UInt8?)
        case weights(epoch: Int, left: String, right: String)
        /// The weights file after the last epoch (the digests of every epoch agreed).
        case weightsFile(epoch: Int)
        case epochCount(left: Int, right: Int)

        public var description: String {
            switch self {
            case let .metric(epoch, name, left, right):
                return "epoch \(epoch): \(name) \(left) vs \(right)"
            case let .prediction(epoch, image?, left, right):
                return "epoch \(epoch): test image \(image) predicted \(left.map(String.init) ?? "-") vs \(right.map(String.init) ?? "-")"
            case let .prediction(epoch, nil, _, _):
                return "epoch \(epoch): predictions missing on one side"
            case let .weights(epoch, left, right):
                return "epoch \(epoch): weights_sha256 \(left.prefix(12))… vs \(right.prefix(12))…"
            case let .weightsFile(epoch):
                return "epoch \(epoch): the weights file differs"
            case let .epochCount(left, right):
                return "\(left) epochs vs \(right)"
            }
        }
    }

    public private(set) var epochsCompared = 0
    /// The epoch of the first difference in metrics, predictions or weights.
    public private(set) var firstDifferingEpoch: Int?
    public private(set) var firstDifference: Difference?
    /// The largest absolute difference of any deterministic metric.
    public private(set) var largestDifference = 0.0
    public private(set) var weightsIdentical = true
    public private(set) var predictionsIdentical = true

    public init() {}

    public var identical: Bool { firstDifference == nil }

    /// Adds one epoch. Predictions missing on either side count as different.
    public mutating func add(_ left: EpochMetrics, _ leftPredictions: [UInt8]?, _ right: EpochMetrics, _ rightPredictions: [UInt8]?) {
        epochsCompared += 1
        let epoch = right.epoch
        let pairs = zip(left.deterministicFields, right.deterministicFields)
        largestDifference = max(largestDifference, pairs.map { abs($0.1 - $1.1) }.max() ?? 0)
        if let (l, r) = pairs.first(where: { $0.1.bitPattern != $1.1.bitPattern }).map({ ($0.0, $0.1) }) {
            note(.metric(epoch: epoch, name: l.0, left: l.1, right: r.1))
        }
        if leftPredictions == nil || leftPredictions != rightPredictions {
            predictionsIdentical = false
            note(Self.predictionDifference(epoch: epoch, leftPredictions, rightPredictions))
        }
        if left.weightsSha256 != right.weightsSha256 {
            weightsIdentical = false
            note(.weights(epoch: epoch, left: left.weightsSha256, right: right.weightsSha256))
        }
    }

    /// Adds what was found after the epochs: the weights file, or the number of epochs.
    public mutating func add(_ difference: Difference) {
        if case .weightsFile = difference { weightsIdentical = false }
        note(difference)
    }

    static func predictionDifference(epoch: Int, _ left: [UInt8]?, _ right: [UInt8]?) -> Difference {
        guard let left, let right else { return .prediction(epoch: epoch, image: nil, left: nil, right: nil) }
        let image = (0..<min(left.count, right.count)).first { left[$0] != right[$0] } ?? min(left.count, right.count)
        return .prediction(epoch: epoch, image: image, left: image < left.count ? left[image] : nil, right: image < right.count ? right[image] : nil)
    }

    private mutating func note(_ difference: Difference) {
        guard firstDifference == nil else { return }
        firstDifference = difference
        firstDifferingEpoch = difference.epoch
    }
}

extension UnitComparison.Difference {
    var epoch: Int? {
        switch self {
        case let .metric(epoch, _, _, _), let .prediction(epoch, _, _, _), let .weights(epoch, _, _), let .weightsFile(epoch): return epoch
        case .epochCount: return nil
        }
    }
}
