import Dataset
import Engine

/// The homework's own configuration, in one place: the CLI's defaults, a run's
/// settings, the report's "is this the homework" and the name of its folder
/// read it from here.
public enum Homework {
    public static let models: [ModelSpec] = ModelSpec.declared
    public static let seeds: [UInt64] = [0]
    public static let epochs = 30
    public static let batchSize = 100
    public static let dataset: DatasetKind = .mnist
    /// Not the homework's choice but the engine's: it decides how test losses
    /// are summed, so it is part of every unit's identity.
    public static let evalBatchSize = 200
}
