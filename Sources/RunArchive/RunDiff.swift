import Engine
import Support
import Training

/// Two archived runs compared without retraining (a run regenerated on
/// another machine against the committed one): their configurations field by
/// field, and each unit, matched by model and seed, epoch by epoch through
/// the comparison `report verify` uses.
public struct RunDiff: Hashable, Sendable {
    public struct Unit: Hashable, Sendable {
        public enum Outcome: Hashable, Sendable {
            case identical(epochs: Int)
            case differs(UnitComparison.Difference)
            case onlyLeft, onlyRight
        }

        public var model: ModelID
        public var seed: UInt64
        public var outcome: Outcome
    }

    /// Each field of the run's configuration (`config.json`) whose value differs.
    public var configDifferences: [JSONValue.Difference]
    /// The left run's units in its order, then those only the right run has.
    public var units: [Unit]

    public var identical: Bool {
        configDifferences.isEmpty && units.allSatisfy(\.isIdentical)
    }

    public init(_ left: RunRecord, _ right: RunRecord) throws {
        configDifferences = try JSONValue(encoding: left.config).differences(from: JSONValue(encoding: right.config))
        func matching(_ unit: UnitRecord, in run: RunRecord) -> UnitRecord? {
            run.units.first { $0.spec.id == unit.spec.id && $0.seed == unit.seed }
        }
        units = left.units.map { unit in
            Unit(model: unit.spec.id, seed: unit.seed, outcome: matching(unit, in: right).map { Self.compare(unit, $0) } ?? .onlyLeft)
        } + right.units.filter { matching($0, in: left) == nil }.map { Unit(model: $0.spec.id, seed: $0.seed, outcome: .onlyRight) }
    }

    /// The common epochs one by one, then their number.
    static func compare(_ left: UnitRecord, _ right: UnitRecord) -> Unit.Outcome {
        var comparison = UnitComparison()
        for (index, pair) in zip(left.metrics, right.metrics).enumerated() {
            comparison.add(pair.0, index < left.predictions.count ? left.predictions[index] : nil,
                           pair.1, index < right.predictions.count ? right.predictions[index] : nil)
        }
        if left.metrics.count != right.metrics.count {
            comparison.add(.epochCount(left: left.metrics.count, right: right.metrics.count))
        }
        return comparison.firstDifference.map(Unit.Outcome.differs) ?? .identical(epochs: comparison.epochsCompared)
    }
}

extension RunDiff.Unit {
    public var isIdentical: Bool {
        if case .identical = outcome { return true }
        return false
    }
}
