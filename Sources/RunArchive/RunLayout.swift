import Foundation
import Support
import Training

/// Every file name of the run archive, in one place.
///
///     <root>/units/<unit id>/config.json       the unit's UnitConfig; the id is the digest of its canonical encoding
///                            manifest.json     status, sessions, and the size and SHA-256 of every file below;
///                                              fields_sha256 seals its own bytes (SealedJSON)
///                            metrics.json      [EpochMetrics], one per finished epoch
///                            metrics.csv       the same, as a table
///                            predictions.bin   [epoch, test image] predicted class, one byte each
///                            train.log         one line per finished epoch
///                            weights.safetensors   the final weights (PyTorch state_dict names)
///                            checkpoint.bin, checkpoint.prev.bin, lock
///     <root>/<run id>/config.json              the run's RunConfig: models x seeds
///                     manifest.json            its units and where each came from (sealed like a unit's)
///                     test-labels.idx          the dataset's test labels (its canonical IDX file), to judge predictions
///                     test-images.idx.gz       the test images (the canonical IDX file, gzipped), to show what was missed
///                     verify.json              the last `report verify` (sealed)
///                     lock
///                     slurm/submit-<n>.sh      a job array's batch script, and submit-<n>.json what it covers
///                          task-<job>_<task>.log, .status   each array task's output and exit status
///                          shared-<uuid>        the marker tasks look for to know they see the archive
///                          verify-<tag>-<unit>.json         a verification task's result
///
/// A run is a set of units; units are shared between runs, so a study reuses
/// a single-seed run's units and a longer seed list trains only new seeds.
/// A light copy of a run (the committed reports/<name>/archive) has the same
/// layout without weights and checkpoints.
public struct RunLayout: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public static let unitsFolder = "units"
    public static let config = "config.json"
    public static let manifest = "manifest.json"
    public static let metrics = "metrics.json"
    public static let metricsTable = "metrics.csv"
    public static let predictions = "predictions.bin"
    public static let log = "train.log"
    public static let weights = "weights.safetensors"
    public static let checkpoint = "checkpoint.bin"
    public static let previousCheckpoint = "checkpoint.prev.bin"
    public static let lock = "lock"
    public static let verification = "verify.json"
    public static let testLabels = "test-labels.idx"
    public static let testImages = "test-images.idx.gz"
    public static let slurm = "slurm"

    /// A unit's files that a light copy keeps (besides config and manifest).
    public static let lightUnitFiles = [metrics, metricsTable, predictions, log]
    /// The files a unit's manifest records. Not the manifest (it cannot hold its
    /// own digest), the lock, or the checkpoints (they carry their own digest
    /// and change each epoch).
    public static let unitFiles = [config] + lightUnitFiles + [weights]
    /// A run folder's files that copies of the run carry.
    public static let runFiles = [config, manifest, verification, testLabels, testImages]

    public func unitFolder(_ id: UnitID) -> String { path(Self.unitsFolder, id.rawValue) }
    public func unitFile(_ id: UnitID, _ name: String) -> String { path(Self.unitsFolder, id.rawValue, name) }
    public func runFolder(_ id: RunID) -> String { path(id.rawValue) }
    public func runFile(_ id: RunID, _ name: String) -> String { path(id.rawValue, name) }
    /// Where a run's Slurm submissions, task logs and task results go.
    public func slurmFolder(_ id: RunID) -> String { path(id.rawValue, Self.slurm) }
    public static func submissionScript(_ number: Int) -> String { "submit-\(number).sh" }
    public static func submissionRecord(_ number: Int) -> String { "submit-\(number).json" }
    /// A task's log and exit status; `job` and `task` may be the script's shell variables.
    public static func taskFiles(job: String, task: String) -> (log: String, status: String) {
        ("task-\(job)_\(task).log", "task-\(job)_\(task).status")
    }
    /// The log of every task, in sbatch's `--output` pattern (%A job, %a task).
    public static let taskLogPattern = "task-%A_%a.log"
    public static func sharedMarker(_ tag: String) -> String { "shared-\(tag)" }
    /// A verification task's result; `%u` stands for the unit's id.
    public static func verifyResult(_ tag: String) -> String { "verify-\(tag)-%u.json" }

    private func path(_ parts: String...) -> String {
        parts.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    }
}
