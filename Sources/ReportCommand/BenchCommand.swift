import ArgumentParser
import Dataset
import Engine
import Foundation
import Support
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the engine per model, optionally beside PyTorch with the same threads.",
        discussion: """
        Trains each model for --steps batches on MNIST (after 3 untimed warm-up steps) and \
        prints seconds per 600-step epoch, evaluation seconds for the 10,000 test images, \
        samples per second, effective GFLOP/s, the fraction of the machine's peak and the \
        process's peak memory. Effective GFLOP/s counts a training step as 3x the forward \
        MACs of a direct convolution, 2 FLOPs each, for both engines alike; the engine's \
        Winograd convolutions execute fewer multiplies than that, so the figure measures \
        work done, not arithmetic executed, and its fraction of peak can pass what direct \
        convolution could reach. The peak is measured, not computed from a clock: the \
        kernels' FMA loop on the same path and threads.
        With --torch, runs bench/torch_bench.py the same way in each of PyTorch's CPU \
        configurations (eager NCHW, eager channels_last, torch.compile where it works) and \
        prints the speed-up against eager PyTorch and against PyTorch's fastest \
        configuration for each model. The first line names the kernel path; \
        HW2_KERNEL=avx2 (or portable, avx512, neon) times another.
        Build with -c release for figures worth quoting: swift run -c release report bench --torch
        """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Timed training steps per model.", valueName: "n"))
    var steps: Int = 100

    @Option(help: ArgumentHelp("Models: all, or numbers like 1,3.", valueName: "list"), transform: ModelList.transform)
    var models: ModelList = .all

    @Flag(help: "Also run the PyTorch reference (needs `pip install torch==2.13.0+cpu`).")
    var torch = false

    @OptionGroup var data: DataOptions
    @OptionGroup var threads: ThreadOptions

    struct Row {
        var model: String
        var epochSeconds, evalSeconds, samplesPerSecond, gflops, peakMB: Double
    }

    /// One line of bench/torch_bench.py's output (snake_case keys, as Python
    /// writes them): a configuration's timings, or why it did not run here.
    struct TorchRow: Decodable {
        var model: String
        var config: String
        var error: String?
        var torch: String?
        var epochSeconds, evalSeconds, samplesPerSecond, gflops, peakMemoryMb: Double?

        var row: Row? {
            guard error == nil, let epochSeconds, let evalSeconds, let samplesPerSecond, let gflops, let peakMemoryMb else { return nil }
            return Row(model: model, epochSeconds: epochSeconds, evalSeconds: evalSeconds,
                       samplesPerSecond: samplesPerSecond, gflops: gflops, peakMB: peakMemoryMb)
        }
    }

    /// PyTorch's configurations timed for one model: eager NCHW, and the fastest one.
    struct TorchModel {
        var eager: Row?
        var best: (config: String, row: Row)?
    }

    func validate() throws {
        try checkAtLeast(steps, 1, "--steps")
    }

    func run() throws {
        let specs = models.specs
        let loaded = try data.folder.load()
        let kernel = try threads.kernel()
        Console.current.line("engine: \(threads.resolved) worker(s), kernel path \(kernel), \(steps) timed steps")
        let peak = PeakThroughput.measure(path: kernel, threads: threads.resolved)
        Console.current.line(String(format: "peak: %.1f GFLOP/s (the kernels' FMA loop on %@, %d thread(s))", peak, kernel.rawValue, threads.resolved))
        var ours: [Row] = []
        for spec in specs {
            let row = try measure(spec, loaded)
            ours.append(row)
            Console.current.line(String(format: "%@  %6.1f s/epoch  %5.2f s eval  %6.0f samples/s  %5.1f GFLOP/s (%2.0f%% of peak)  peak %4.0f MB",
                         spec.id.rawValue, row.epochSeconds, row.evalSeconds, row.samplesPerSecond, row.gflops,
                         100 * row.gflops / peak, row.peakMB))
        }
        guard torch else { return }
        let theirs = try runTorch(specs)
        for row in theirs {
            if let error = row.error {
                Console.current.line("PyTorch \(row.model) \(row.config): did not run here: \(error)")
            } else if let timed = row.row {
                Console.current.line(String(format: "PyTorch %@ %@  %6.1f s/epoch  %5.2f s eval  %5.1f GFLOP/s (%2.0f%% of peak)",
                                            row.model, row.config, timed.epochSeconds, timed.evalSeconds, timed.gflops, 100 * timed.gflops / peak))
            }
        }
        let version = theirs.lazy.compactMap(\.torch).first ?? "?"
        Console.current.line("\nPyTorch \(version), seconds per epoch; speed-up = PyTorch's seconds / ours")
        Console.current.line("model    ours  eager  speed-up  best (configuration)    speed-up")
        for o in ours {
            let timed = Self.torchModel(o.model, theirs)
            let eager = timed.eager.map { String(format: "%5.1f  %7.2fx", $0.epochSeconds, $0.epochSeconds / o.epochSeconds) } ?? "    -         -"
            let best = timed.best.map { best in
                (String(format: "%5.1f", best.row.epochSeconds) + " (\(best.config))").padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: "  %7.2fx", best.row.epochSeconds / o.epochSeconds)
            } ?? "    -                          -"
            Console.current.line(String(format: "%@  %5.1f  %@  %@", o.model, o.epochSeconds, eager, best))
        }
    }

    /// The eager row and the fastest configuration that ran, for one model.
    static func torchModel(_ model: String, _ rows: [TorchRow]) -> TorchModel {
        let timed = rows.filter { $0.model == model }.compactMap { row in row.row.map { (config: row.config, row: $0) } }
        return TorchModel(eager: timed.first { $0.config == "eager" }?.row,
                          best: timed.min { $0.row.epochSeconds < $1.row.epochSeconds })
    }

    private func measure(_ spec: ModelSpec, _ data: LabeledData) throws -> Row {
        let batch = Homework.batchSize
        let unit = UnitConfig(model: spec, seed: 0, settings: TrainingSettings(dataset: self.data.dataset.identity, epochs: 1, batchSize: batch))
        let trainer = try Trainer(unit: unit, threads: threads.resolved, kernel: try threads.kernel())
        let network = trainer.network, pixels = data.train.pixelsPerImage
        var images = [Float](repeating: 0, count: batch * pixels)
        var labels = [UInt8](repeating: 0, count: batch)
        func step(_ i: Int) {
            let start = (i * batch) % (data.train.count - batch)
            images.replaceSubrange(0..., with: data.train.pixels[(start * pixels)..<((start + batch) * pixels)])
            labels.replaceSubrange(0..., with: data.train.labels[start..<(start + batch)])
            images.withUnsafeMutableBufferPointer { x in
                labels.withUnsafeBufferPointer { y in _ = network.trainStep(images: x.baseAddress!, labels: y.baseAddress!, batch: batch) }
            }
        }
        for i in 0..<3 { step(i) }
        let clock = ContinuousClock()
        let training = clock.measure { for i in 0..<steps { step(i + 3) } }
        let evaluation = clock.measure { _ = trainer.evaluate(data.test) }
        let perStep = seconds(training) / Double(steps)
        let evalSeconds = seconds(evaluation)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Row(model: spec.id.rawValue, epochSeconds: perStep * 600, evalSeconds: evalSeconds,
                   samplesPerSecond: Double(batch) / perStep,
                   gflops: 2 * Double(try ModelPlan(spec).trainingMACs) * Double(batch) / perStep / 1e9,
                   peakMB: Double(usage.ru_maxrss) / 1024)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func runTorch(_ specs: [ModelSpec]) throws -> [TorchRow] {
        // Relative to the working folder, the package root under `swift run`: the binary may have been copied elsewhere.
        let script = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("bench/torch_bench.py")
        guard FileManager.default.fileExists(atPath: script) else {
            throw ValidationError("--torch: expected the PyTorch benchmark at \(script); run `report bench --torch` in the package root")
        }
        let arguments = ["python3", script, "--steps", String(steps), "--threads", String(threads.resolved),
                         "--models", specs.map(\.id.rawValue).joined(separator: ","), "--data-dir", data.folder.path]
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(arguments)
        } catch {
            throw ValidationError("could not start python3 for bench/torch_bench.py: \(error.localizedDescription)")
        }
        guard result.status == 0 else {
            throw ValidationError("bench/torch_bench.py failed (exit \(result.status)); is PyTorch installed? pip install torch==2.13.0+cpu\n\(result.errors)")
        }
        return try result.output.split(separator: "\n").map { line in
            do {
                return try JSON.decode(TorchRow.self, from: Data(line.utf8), path: "bench/torch_bench.py's output")
            } catch {
                throw ValidationError("bench/torch_bench.py printed an unexpected line: \(line)\n\(error)")
            }
        }
    }
}
