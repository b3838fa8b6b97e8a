import Foundation
import Support
import Training

/// Trains units on a Slurm cluster as one job array: one array task per unit,
/// each running `report unit <id>` into the shared run archive with the same
/// lock and resume semantics as a local job. The batch script is written into
/// the run's folder (`slurm/submit-<n>.sh`) beside a record of what it covers
/// (`submit-<n>.json`), so what ran can be read and resubmitted. Where a unit ran never changes its bits or its id.
public struct SlurmExecutor {
    public struct Settings: Sendable {
        public var partition: String?
        public var time: String?
        /// Anything else for sbatch, passed through as given (`--slurm-arg=--account=ml`).
        public var extra: [String]
        public var threads: Int

        /// Each value becomes a line of the batch script or a word of sbatch's
        /// command line: a newline would add a line of its own to the script,
        /// a blank a second word to an `#SBATCH` line, so both are refused.
        public init(partition: String? = nil, time: String? = nil, extra: [String] = [], threads: Int) throws {
            func control(_ value: String) -> Bool { value.unicodeScalars.contains { $0.properties.generalCategory == .control } }
            for case let (name, value?) in [("partition", partition), ("time", time)]
            where value.isEmpty || control(value) || value.contains(where: \.isWhitespace) {
                throw SlurmError.setting(name: name, value: value, expected: "one word without blanks or control characters")
            }
            if let bad = extra.first(where: control) {
                throw SlurmError.setting(name: "arg", value: bad, expected: "one argument without control characters")
            }
            self.partition = partition
            self.time = time
            self.extra = extra
            self.threads = threads
        }
    }

    /// One sbatch submission of a run, as recorded beside its script
    /// (`submit-<n>.json`): what the job covers is read back from here, never from the script.
    public struct Submission: Codable, Hashable, Sendable {
        public let run: RunID
        public let jobID: String
        /// The batch script's file name in the slurm folder.
        public let script: String
        /// The units of the array, by task index.
        public let units: [UnitID]

        /// `jobId` so that the project's snake-case coders round-trip it as `job_id`.
        private enum CodingKeys: String, CodingKey { case run, jobID = "jobId", script, units }
    }

    /// A unit's task after the job left the queue.
    public enum TaskResult: Equatable, Sendable {
        case finished
        /// Exited non-zero, or vanished without an exit status (cancelled, killed, node lost).
        case failed(unit: UnitID, log: String, status: String)
    }

    public enum SlurmError: Error, CustomStringConvertible, Equatable {
        case missing(String)
        /// A setting (`partition`, `time`, `arg`) that cannot go into the batch script as it is.
        case setting(name: String, value: String, expected: String)
        case command(String, String)
        case taskFailed(unit: UnitID, status: String, log: String)
        /// The task ended well but its result file is missing, unreadable or another unit's.
        case noResult(unit: UnitID, path: String, reason: String)
        indirect case several([SlurmError])

        public var description: String {
            switch self {
            case let .missing(tool): return "\(tool) not found: install Debian's slurm-client (or slurm-wlm) on the machine that submits, or use --executor local"
            case let .setting(name, value, expected): return "slurm \(name): expected \(expected), found \(value.debugDescription)"
            case let .command(command, message): return "\(command) failed: \(message)"
            case let .taskFailed(unit, status, log): return "slurm: the task of unit \(unit) failed: \(status); its log: \(log)"
            case let .noResult(unit, path, reason): return "slurm: the task of unit \(unit) left no result of it in \(path): \(reason)"
            case let .several(errors): return errors.map(\.description).joined(separator: "\n")
            }
        }
    }

    public let store: RunStore
    public let runID: RunID
    /// The `report` binary the tasks run (it must be reachable from the nodes).
    public let report: String
    public let dataDir: String
    public let settings: Settings

    public init(store: RunStore, runID: RunID, report: String, dataDir: String, settings: Settings) {
        self.store = store
        self.runID = runID
        self.report = report
        self.dataDir = dataDir
        self.settings = settings
    }

    /// Array tasks that run the very binary of this process, so the nodes run
    /// the code that submitted them (they must reach its path).
    public static func runningThisBinary(store: RunStore, runID: RunID, dataDir: String, settings: Settings) -> SlurmExecutor {
        SlurmExecutor(store: store, runID: runID, report: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                      dataDir: dataDir, settings: settings)
    }

    var folder: String { store.layout.slurmFolder(runID) }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The batch script for these units (also the record of what ran).
    func script(units: [UnitID], marker: String, taskArguments: [String]) -> String {
        let log = (Self.absolute(folder) as NSString).appendingPathComponent(RunLayout.taskLogPattern)
        var lines = ["#!/usr/bin/env bash",
                     "# One array task per unit of run \(runID); written by `report --executor slurm`.",
                     "#SBATCH --job-name=hw2-\(runID)",
                     "#SBATCH --array=0-\(units.count - 1)",
                     "#SBATCH --cpus-per-task=\(settings.threads)",
                     "#SBATCH --output=\(log)"]
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = settings.time { lines.append("#SBATCH --time=\(time)") }
        lines += ["set -u",
                  "units=(\(units.map(\.rawValue).joined(separator: " ")))",
                  "unit=${units[$SLURM_ARRAY_TASK_ID]}",
                  "status=\(TextFormat.singleQuoted(Self.absolute(folder)))/" + RunLayout.taskFiles(job: "${SLURM_ARRAY_JOB_ID}", task: "${SLURM_ARRAY_TASK_ID}").status,
                  "\(TextFormat.singleQuoted(Self.absolute(report))) unit \"$unit\" --for-run \(runID) --runs-dir \(TextFormat.singleQuoted(Self.absolute(store.root))) --data-dir \(TextFormat.singleQuoted(Self.absolute(dataDir))) --threads \(settings.threads) --marker \(TextFormat.singleQuoted(marker))"
                    + taskArguments.map { " " + TextFormat.singleQuoted($0).replacingOccurrences(of: "%u", with: "'\"$unit\"'") }.joined(),
                  "echo $? > \"$status\"",
                  ""]
        return lines.joined(separator: "\n")
    }

    /// Writes each unit's configuration, a marker the tasks must see (the
    /// archive must be on a filesystem the nodes share), and the script; submits.
    /// `taskArguments` are added to each task's `report unit` command, with
    /// `%u` standing for the unit's id (`report verify` passes its own).
    public func submit(_ units: [UnitConfig], taskArguments: [String] = []) throws -> Submission {
        for unit in units {
            try AtomicFile.writeJSON(unit, to: store.layout.unitFile(unit.id, RunLayout.config))
        }
        try AtomicFile.createFolder(folder)
        let marker = (Self.absolute(folder) as NSString).appendingPathComponent(RunLayout.sharedMarker(UUID().uuidString))
        try AtomicFile.write("the tasks of run \(runID) look for this file to know they see the submitter's archive\n", to: marker)
        let number = Self.scripts(in: folder) + 1
        let path = (folder as NSString).appendingPathComponent(RunLayout.submissionScript(number))
        try AtomicFile.write(script(units: units.map(\.id), marker: marker, taskArguments: taskArguments), to: path)
        chmod(path, 0o755)
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(["sbatch", "--parsable"] + settings.extra + [path])
        } catch {
            throw SlurmError.missing("sbatch")
        }
        if result.status == 127 { throw SlurmError.missing("sbatch") }
        // --parsable prints "<job id>" or "<job id>;<cluster>".
        guard result.status == 0, let job = result.output.split(separator: "\n").first?.split(separator: ";").first.map(String.init), !job.isEmpty else {
            throw SlurmError.command("sbatch \(path)", result.errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let submission = Submission(run: runID, jobID: job, script: RunLayout.submissionScript(number), units: units.map(\.id))
        try AtomicFile.writeJSON(submission, to: (folder as NSString).appendingPathComponent(RunLayout.submissionRecord(number)))
        return submission
    }

    /// How many batch scripts the folder holds (`submit-1.sh` on, without gaps).
    static func scripts(in folder: String) -> Int {
        var count = 0
        while FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(RunLayout.submissionScript(count + 1))) { count += 1 }
        return count
    }

    /// The submissions recorded for a run, oldest first. A record that does not
    /// decode, names another run, or whose job id is not a Slurm job id
    /// (digits) is skipped: it names no job of this run to follow.
    public static func recorded(of run: RunID, in layout: RunLayout) -> [Submission] {
        let folder = layout.slurmFolder(run)
        return (0..<scripts(in: folder)).compactMap { index in
            let number = index + 1
            let path = (folder as NSString).appendingPathComponent(RunLayout.submissionRecord(number))
            guard let submission = try? JSON.decode(Submission.self, from: path), submission.run == run, !submission.jobID.isEmpty,
                  submission.jobID.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return submission
        }
    }

    /// The run's submissions whose job is still in the queue.
    public static func queuedSubmissions(of run: RunID, in layout: RunLayout) -> [Submission] {
        recorded(of: run, in: layout).filter { !((try? queued($0.jobID)) ?? [:]).isEmpty }
    }

    /// Whether a job of the run is still queued or running (for `RunStore.status`).
    public static func hasQueuedJob(_ run: RunID, in layout: RunLayout) -> Bool {
        !queuedSubmissions(of: run, in: layout).isEmpty
    }

    /// The array tasks still queued or running, by task index.
    public static func queued(_ job: String) throws -> [Int: String] {
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(["squeue", "-h", "-r", "-j", job, "-o", "%K %T"])
        } catch {
            throw SlurmError.missing("squeue")
        }
        guard result.status == 0 else {
            // A job that already left the queue is "invalid" to squeue: nothing is queued.
            if result.errors.contains("Invalid job id") { return [:] }
            throw SlurmError.command("squeue -j \(job)", result.errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var tasks: [Int: String] = [:]
        for line in result.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let index = Int(fields[0]) { tasks[index] = String(fields[1]) }
        }
        return tasks
    }

    /// Polls the queue until every task has left it, reporting progress, then
    /// says how each task ended (from the exit status its script wrote).
    public static func follow(_ submission: Submission, in layout: RunLayout, every seconds: Double = 5,
                              progress: ([Int: String]) -> Void = { _ in }) throws -> [TaskResult] {
        var failures = 0
        while true {
            let tasks: [Int: String]
            do {
                tasks = try queued(submission.jobID)
                failures = 0
            } catch {
                // The controller can be briefly unreachable; give up after a minute of failures.
                failures += 1
                if Double(failures) * seconds >= 60 { throw error }
                Thread.sleep(forTimeInterval: seconds)
                continue
            }
            if tasks.isEmpty { break }
            progress(tasks)
            Thread.sleep(forTimeInterval: seconds)
        }
        let folder = layout.slurmFolder(submission.run)
        return submission.units.enumerated().map { index, unit in
            let files = RunLayout.taskFiles(job: submission.jobID, task: String(index))
            let status = (try? String(contentsOfFile: (folder as NSString).appendingPathComponent(files.status), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if status == "0" { return .finished }
            return .failed(unit: unit, log: (folder as NSString).appendingPathComponent(files.log),
                           status: status.map { "exit status \($0)" } ?? "no exit status (cancelled, killed or its node was lost)")
        }
    }

    /// The array task this process is, as a unit's manifest records where it
    /// ran ("slurm job 812_3"); nil outside a Slurm job.
    public static func arrayTask(in environment: [String: String]) -> String? {
        environment["SLURM_ARRAY_JOB_ID"].map { "slurm job \($0)_\(environment["SLURM_ARRAY_TASK_ID"] ?? "0")" }
    }

    public static func cancel(_ job: String) throws {
        let result = try ProcessRunner.run(["scancel", job])
        guard result.status == 0 else { throw SlurmError.command("scancel \(job)", result.errors) }
    }
}
